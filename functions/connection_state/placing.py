"""Save-to-Amazon jobs between confirming a placement and binding its shipments, per connection.

From the moment a job asks Amazon to confirm a placement until it has bound every shipment that
placement made, a sync of the connection may discover those shipments first. While a job's
marker stands, the reactor leaves new shipments of that connection unimported (it retries), so
a rule never imports a shipment the job is about to bind to its order. A marker lapses after
`TTL` (a job that died there stops blocking imports; its resumed run finds its shipments).
"""

from datetime import datetime, timedelta
from typing import Final

from pydantic import AwareDatetime, BaseModel, ConfigDict

from functions.connection_state.keys import placing_pk
from functions.shared.adapters.state_store import StateTable

TTL: Final = timedelta(minutes=15)


class Placing(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)

    purchase_order_id: str
    since: AwareDatetime


class PlacingJobs:
    def __init__(self, table: StateTable) -> None:
        self._table = table

    def begin(self, tenant_id: str, connection_id: str, job_id: str, marker: Placing) -> None:
        expires = int((marker.since + TTL).timestamp())
        self._table.put(placing_pk(tenant_id, connection_id), job_id, marker, expires_at=expires)

    def end(self, tenant_id: str, connection_id: str, job_id: str) -> None:
        self._table.delete(placing_pk(tenant_id, connection_id), job_id)

    def placing(self, tenant_id: str, connection_id: str, now: datetime) -> tuple[str, ...]:
        """The jobs of the connection placing shipments now (lapsed markers left out: DynamoDB's
        TTL deletes them late)."""
        rows = self._table.query(placing_pk(tenant_id, connection_id), Placing)
        return tuple(
            job_id
            for job_id, stored in rows
            if stored.expires_at is None or stored.expires_at > now.timestamp()
        )
