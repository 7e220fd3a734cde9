"""Website authorizations in progress: the `state` a consent page carries, bound to the tenant
that asked for it, single use, and valid for ten minutes.

The state is the only proof that the seller who comes back from Amazon's consent page started
from this tenant's request, so it is random (256 bits), kept server-side, and taken (deleted)
atomically by the one request that completes it.

It also keeps the settings the connection opens with (watch window, order rules), checked when
the authorization starts, so that the rule holds from the very first sync.
"""

import secrets
from datetime import timedelta
from typing import Final

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from domain.connection_events import OrderRule
from domain.connection_terms import DEFAULT_WATCH_WINDOW_DAYS
from domain.marketplaces import Region
from functions.connection_state.keys import authorization_pk
from functions.shared.adapters.state_store import StateTable

LIFETIME: Final = timedelta(minutes=10)
_SK: Final = "pending"


class OpeningSettings(BaseModel):
    """What a connection opens with besides its marketplaces."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    watch_window_days: int = DEFAULT_WATCH_WINDOW_DAYS
    order_rule: OrderRule = OrderRule()
    marketplace_overrides: dict[str, OrderRule] = Field(default_factory=dict)


class PendingAuthorization(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)

    state: str
    tenant_id: str
    region: Region
    marketplace_ids: tuple[str, ...]
    requested_at: AwareDatetime
    expires_at: AwareDatetime
    settings: OpeningSettings = OpeningSettings()  # absent from items stored before it existed


class PendingAuthorizations:
    def __init__(self, table: StateTable) -> None:
        self._table = table

    def open(
        self,
        tenant_id: str,
        region: Region,
        marketplace_ids: tuple[str, ...],
        now: AwareDatetime,
        settings: OpeningSettings | None = None,
    ) -> PendingAuthorization:
        pending = PendingAuthorization(
            state=secrets.token_urlsafe(32),
            tenant_id=tenant_id,
            region=region,
            marketplace_ids=marketplace_ids,
            requested_at=now,
            expires_at=now + LIFETIME,
            settings=settings or OpeningSettings(),
        )
        self._save(pending)
        return pending

    def take(self, state: str) -> PendingAuthorization | None:
        """The authorization, removed so that it cannot be completed twice; None if unknown or
        already taken. The caller checks the tenant and the expiry."""
        taken = self._table.take(authorization_pk(state), _SK, PendingAuthorization)
        return None if taken is None else taken.doc

    def put_back(self, pending: PendingAuthorization) -> None:
        """After a failure that was not the seller's (Amazon unreachable): try again later."""
        self._save(pending)

    def _save(self, pending: PendingAuthorization) -> None:
        expires_at = int(pending.expires_at.timestamp())
        self._table.put(authorization_pk(pending.state), _SK, pending, expires_at=expires_at)
