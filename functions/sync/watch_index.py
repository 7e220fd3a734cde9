"""The shipments whose items each run re-reads, because a quantity-only change does not move a
shipment's last-updated time: every open shipment, and closed ones with a discrepancy for the
connection's watch window (Amazon credits late-found units). One item per shipment under
`pk="watch#{tenant}#{connection}"`; the notifications consumer reads the SKUs from it."""

from datetime import timedelta

from pydantic import AwareDatetime, BaseModel, ConfigDict

from domain.inbound_shipment.amazon import ShipmentPhase
from domain.inbound_shipment.state import InboundShipment
from functions.shared.state_store import StateTable
from functions.sync.keys import watch_pk

OPEN_PHASES = frozenset(
    {ShipmentPhase.NOT_SHIPPED, ShipmentPhase.IN_TRANSIT, ShipmentPhase.RECEIVING}
)


class WatchedShipment(BaseModel):
    model_config = ConfigDict(frozen=True)

    shipment_id: str
    marketplace_id: str
    status: str
    skus: tuple[str, ...]
    closed_at: AwareDatetime | None = None

    def watched_at(self, now: AwareDatetime, window_days: int) -> bool:
        return self.closed_at is None or now - self.closed_at <= timedelta(days=window_days)


def watch_entry(
    state: InboundShipment, now: AwareDatetime, window_days: int
) -> WatchedShipment | None:
    """The index entry `state` deserves now, or None when its items need no re-reading."""
    phase = state.phase
    closed_short_or_over = (
        phase is ShipmentPhase.CLOSED
        and state.closed_at is not None
        and any(line.discrepancy != 0 for line in state.lines.values())
    )
    if phase not in OPEN_PHASES and not closed_short_or_over:
        return None
    entry = WatchedShipment(
        shipment_id=state.shipment_id,
        marketplace_id=state.marketplace_id,
        status=state.status,
        skus=tuple(sorted(state.lines)),
        closed_at=state.closed_at if phase is ShipmentPhase.CLOSED else None,
    )
    return entry if entry.watched_at(now, window_days) else None


class WatchIndex:
    def __init__(self, table: StateTable) -> None:
        self._table = table

    def entries(
        self, tenant_id: str, connection_id: str, now: AwareDatetime, window_days: int
    ) -> dict[str, WatchedShipment]:
        rows = self._table.query(watch_pk(tenant_id, connection_id), WatchedShipment)
        return {sk: row.doc for sk, row in rows if row.doc.watched_at(now, window_days)}

    def update(
        self,
        tenant_id: str,
        connection_id: str,
        shipment_id: str,
        before: WatchedShipment | None,
        after: WatchedShipment | None,
        window_days: int,
    ) -> None:
        """Write only what changed: a run that changes nothing writes nothing."""
        if before == after:
            return
        pk = watch_pk(tenant_id, connection_id)
        if after is None:
            self._table.delete(pk, shipment_id)
            return
        expires_at = (
            int((after.closed_at + timedelta(days=window_days)).timestamp())
            if after.closed_at
            else None
        )
        self._table.put(pk, shipment_id, after, expires_at=expires_at)
