"""How many connections a tenant may hold: a counter per tenant, taken before a connection is
created and given back if creating it fails. Concurrent requests cannot both take the last place:
each write is conditional on the revision it read."""

from typing import Final

from pydantic import BaseModel, ConfigDict

from functions.connection_state.keys import quota_pk
from functions.shared.adapters.state_store import StaleRevision, StateTable

_SK: Final = "connections"
_ATTEMPTS: Final = 5


class QuotaReached(Exception):
    def __init__(self, limit: int) -> None:
        super().__init__(
            f"this account already has {limit} Amazon connections, the most it may hold"
        )
        self.limit = limit


class _Count(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)

    connections: int


class ConnectionQuota:
    def __init__(self, table: StateTable, limit: int) -> None:
        self._table = table
        self.limit = limit

    def take(self, tenant_id: str) -> None:
        """Raises QuotaReached when the tenant is at its limit."""
        self._change(tenant_id, +1)

    def give_back(self, tenant_id: str) -> None:
        self._change(tenant_id, -1)

    def _change(self, tenant_id: str, delta: int) -> None:
        pk = quota_pk(tenant_id)
        for attempt in range(_ATTEMPTS):
            stored = self._table.get(pk, _SK, _Count)
            count, rev = (stored.doc.connections, stored.rev) if stored else (0, 0)
            if delta > 0 and count >= self.limit:
                raise QuotaReached(self.limit)
            try:
                self._table.put_at_revision(pk, _SK, _Count(connections=max(0, count + delta)), rev)
                return
            except StaleRevision:
                if attempt == _ATTEMPTS - 1:
                    raise
