"""The shipments whose items each run re-reads, because a quantity-only change does not move a
shipment's last-updated time: every open shipment, and for the connection's watch window (Amazon
credits late-found units) the ones that ended with units still to come: closed with a
discrepancy, or cancelled once reconciled to orders or once their goods had left (Amazon still
receives what was sent). One item per shipment under `pk="watch#{tenant}#{connection}"`; the
notifications consumer reads the SKUs from it.

A change of the window applies at once, longer or shorter, to shipments that have already ended:

- an item is kept (DynamoDB TTL) until `ended_at` plus the longest window a connection may set,
  not plus the window of the day: a TTL cannot be undone, so an item expired under a 60-day
  window could never come back when the user raises it to 120;
- the connection's current window is applied when reading (`WatchIndex.entries`), so a shorter
  window stops the re-reading at once without deleting anything;
- `watch_entry` keeps an ended shipment's item whatever the current window (it drops it only past
  the longest one): dropping it as outside a shorter window would lose it for a longer one later.

Items written before `ended_at` existed carry `closed_at` (then the end, with a TTL of the window
of that day): they are still read, and differ from the entry computed now, so the first run that
re-reads the shipment writes it again with `ended_at` and the longer TTL.
"""

from datetime import timedelta
from typing import TYPE_CHECKING

from pydantic import AwareDatetime, BaseModel, ConfigDict

from domain.connection_terms import MAX_WATCH_WINDOW_DAYS
from domain.inbound_shipment.amazon import ShipmentPhase
from functions.connection_state.keys import watch_pk
from functions.shared.adapters.state_store import StateTable

if TYPE_CHECKING:  # the notifications consumer reads entries only
    from domain.inbound_shipment.state import InboundShipment

OPEN_PHASES = frozenset(
    {ShipmentPhase.NOT_SHIPPED, ShipmentPhase.IN_TRANSIT, ShipmentPhase.RECEIVING}
)


LONGEST_WATCH_WINDOW_DAYS = MAX_WATCH_WINDOW_DAYS
LONGEST_WATCH_WINDOW = timedelta(days=LONGEST_WATCH_WINDOW_DAYS)


class WatchedShipment(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)

    shipment_id: str
    marketplace_id: str
    status: str
    skus: tuple[str, ...]
    # When the shipment closed or was cancelled; None while it is open (watched without end).
    ended_at: AwareDatetime | None = None
    # Items written before `ended_at` existed: the time the shipment closed. Read, never written.
    closed_at: AwareDatetime | None = None

    @property
    def end(self) -> AwareDatetime | None:
        return self.ended_at or self.closed_at

    def watched_at(self, now: AwareDatetime, window_days: int) -> bool:
        end = self.end
        return end is None or now - end <= timedelta(days=window_days)


def ended_at(state: "InboundShipment") -> AwareDatetime | None:
    """When a shipment that ended with units still to come ended; None for any other."""
    phase = state.phase
    if phase is ShipmentPhase.CLOSED:
        short_or_over = any(line.discrepancy != 0 for line in state.lines.values())
        return state.closed_at if short_or_over else None
    if phase is ShipmentPhase.CANCELLED:
        # Amazon receives what was sent into a cancelled shipment; without the orders (the
        # sync cannot see them), "reconciled" or "the goods had left" says units may come.
        units_may_come = state.reconciliation is not None or state.left_source_at is not None
        return state.cancelled_at if units_may_come else None
    return None


def watch_entry(state: "InboundShipment", now: AwareDatetime) -> WatchedShipment | None:
    """The index entry `state` deserves now, or None when its items need no re-reading, under
    any window a connection may set (the window of the day is applied when reading)."""
    end: AwareDatetime | None = None
    if state.phase not in OPEN_PHASES:
        end = ended_at(state)
        if end is None or now - end > LONGEST_WATCH_WINDOW:
            return None
    return WatchedShipment(
        shipment_id=state.shipment_id,
        marketplace_id=state.marketplace_id,
        status=state.status,
        skus=tuple(sorted(state.lines)),
        ended_at=end,
    )


class WatchIndex:
    def __init__(self, table: StateTable) -> None:
        self._table = table

    def entries(
        self, tenant_id: str, connection_id: str, now: AwareDatetime, window_days: int
    ) -> dict[str, WatchedShipment]:
        """The shipments to re-read now under a window of `window_days`."""
        rows = self._table.query(watch_pk(tenant_id, connection_id), WatchedShipment)
        return {sk: row.doc for sk, row in rows if row.doc.watched_at(now, window_days)}

    def update(
        self,
        tenant_id: str,
        connection_id: str,
        shipment_id: str,
        before: WatchedShipment | None,
        after: WatchedShipment | None,
    ) -> None:
        """Write only what changed: a run that changes nothing writes nothing."""
        if before == after:
            return
        pk = watch_pk(tenant_id, connection_id)
        if after is None:
            self._table.delete(pk, shipment_id)
            return
        end = after.end
        expires_at = int((end + LONGEST_WATCH_WINDOW).timestamp()) if end else None
        self._table.put(pk, shipment_id, after, expires_at=expires_at)
