"""InboundShipment state and its total `evolve`: our record of an Amazon FBA inbound shipment."""

from datetime import date

from pydantic import AwareDatetime, BaseModel, ConfigDict

from domain.inbound_shipment.amazon import GOODS_LEFT_PHASES, Address, ShipmentPhase, phase_of
from domain.inbound_shipment.events import (
    InboundShipmentCancelled,
    InboundShipmentClosed,
    InboundShipmentDetailsChanged,
    InboundShipmentDiscovered,
    InboundShipmentEvent,
    InboundShipmentLinesAdded,
    InboundShipmentLinesChanged,
    InboundShipmentLinesRemoved,
    InboundShipmentReceiptsChanged,
    InboundShipmentReconciled,
    InboundShipmentSourceSet,
    InboundShipmentStatusChanged,
)
from domain.messages import DomainEvent


class LineState(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)

    sku: str
    fnsku: str = ""
    quantity_shipped: int = 0
    quantity_in_case: int = 0
    quantity_received: int = 0

    @property
    def discrepancy(self) -> int:
        return self.quantity_shipped - self.quantity_received


class Reconciliation(BaseModel):
    """The orders the shipment is bound to (no transfer and sales order: a vendor's units)."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    transfer_order_id: str | None = None
    sales_order_id: str | None = None
    purchase_order_id: str
    source_warehouse_id: str | None = None
    destination_warehouse_id: str
    vendor_id: str | None = None


class StatusObservation(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)

    status: str
    observed_at: AwareDatetime


class InboundShipment(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)

    shipment_id: str
    connection_id: str
    marketplace_id: str
    name: str
    destination_fc: str
    ship_from: Address
    status: str
    confirmed_need_by_date: date | None = None  # when Amazon expects the goods
    lines: dict[str, LineState] = {}
    status_history: tuple[StatusObservation, ...] = ()
    reconciliation: Reconciliation | None = None
    closed_at: AwareDatetime | None = None
    cancelled_at: AwareDatetime | None = None
    # The first observation showing the goods had left the seller: a shipped status or units
    # received. Orders that ship automatically ship as of then.
    left_source_at: AwareDatetime | None = None
    last_observed_at: AwareDatetime

    @property
    def phase(self) -> ShipmentPhase:
        return phase_of(self.status)

    @property
    def is_cancelled(self) -> bool:
        return self.phase is ShipmentPhase.CANCELLED

    @property
    def importable(self) -> bool:
        """What an order rule can import (`domain.orders.importing`): not reconciled yet, not
        cancelled, and with a plan to take lines from."""
        return (
            self.reconciliation is None
            and not self.is_cancelled
            and any(line.quantity_shipped > 0 for line in self.lines.values())
        )

    def received_totals(self) -> dict[str, int]:
        return {sku: line.quantity_received for sku, line in self.lines.items()}

    def planned_quantities(self) -> dict[str, int]:
        """Amazon's plan: QuantityShipped per SKU (what left the seller once it shipped)."""
        return {sku: line.quantity_shipped for sku, line in self.lines.items()}


def _left_source(state: InboundShipment, at: AwareDatetime) -> InboundShipment:
    """Record when the goods were first seen gone, if this is that observation."""
    gone = state.phase in GOODS_LEFT_PHASES or any(
        line.quantity_received > 0 for line in state.lines.values()
    )
    if state.left_source_at is not None or not gone:
        return state
    return state.model_copy(update={"left_source_at": at})


def evolve(state: InboundShipment | None, event: DomainEvent) -> InboundShipment | None:
    """Apply one event. Total: an event that does not fit leaves the state as it is."""
    if isinstance(event, InboundShipmentDiscovered):
        discovered = InboundShipment(
            shipment_id=event.shipment_id,
            connection_id=event.connection_id,
            marketplace_id=event.marketplace_id,
            name=event.name,
            destination_fc=event.destination_fc,
            ship_from=event.ship_from,
            status=event.status,
            confirmed_need_by_date=event.confirmed_need_by_date,
            status_history=(StatusObservation(status=event.status, observed_at=event.observed_at),),
            last_observed_at=event.observed_at,
        )
        return _left_source(discovered, event.observed_at)
    if state is None:
        return None
    after = _evolve_existing(state, event)
    return _left_source(after, after.last_observed_at) if after is not state else after


def _evolve_existing(state: InboundShipment, event: DomainEvent) -> InboundShipment:
    match event:
        case InboundShipmentDetailsChanged():
            return state.model_copy(
                update={
                    "name": event.name,
                    "destination_fc": event.destination_fc,
                    "ship_from": event.ship_from,
                    "confirmed_need_by_date": event.confirmed_need_by_date,
                    "last_observed_at": event.observed_at,
                }
            )
        case InboundShipmentStatusChanged():
            history = (
                *state.status_history,
                StatusObservation(status=event.to_status, observed_at=event.observed_at),
            )
            return state.model_copy(
                update={
                    "status": event.to_status,
                    "status_history": history,
                    "last_observed_at": event.observed_at,
                }
            )
        case InboundShipmentLinesAdded() | InboundShipmentLinesChanged():
            return _lines_set(state, event)
        case InboundShipmentLinesRemoved():
            lines = {sku: line for sku, line in state.lines.items() if sku not in event.skus}
            return state.model_copy(update={"lines": lines, "last_observed_at": event.observed_at})
        case InboundShipmentReceiptsChanged():
            return _receipts_changed(state, event)
        case InboundShipmentClosed():
            return state.model_copy(update={"closed_at": event.observed_at})
        case InboundShipmentReconciled():
            reconciliation = Reconciliation(
                **event.model_dump(exclude={"type", "schema_version", "shipment_id"})
            )
            return state.model_copy(update={"reconciliation": reconciliation})
        case InboundShipmentCancelled():
            return state.model_copy(update={"cancelled_at": event.observed_at})
        case InboundShipmentSourceSet() if state.reconciliation is not None:
            reconciliation = state.reconciliation.model_copy(
                update=event.model_dump(exclude={"type", "schema_version", "shipment_id"})
            )
            return state.model_copy(update={"reconciliation": reconciliation})
    return state


def _lines_set(
    state: InboundShipment, event: InboundShipmentLinesAdded | InboundShipmentLinesChanged
) -> InboundShipment:
    """Amazon's lines as observed; each line keeps what was received of it so far."""
    lines = dict(state.lines)
    for line in event.lines:
        received = lines[line.sku].quantity_received if line.sku in lines else 0
        lines[line.sku] = LineState(**line.model_dump(), quantity_received=received)
    return state.model_copy(update={"lines": lines, "last_observed_at": event.observed_at})


def _receipts_changed(
    state: InboundShipment, event: InboundShipmentReceiptsChanged
) -> InboundShipment:
    """Each receipt's total becomes its line's quantity received (a new SKU gets a line)."""
    lines = dict(state.lines)
    for receipt in event.receipts:
        known = lines.get(receipt.sku, LineState(sku=receipt.sku))
        lines[receipt.sku] = known.model_copy(
            update={"quantity_received": receipt.quantity_received}
        )
    return state.model_copy(update={"lines": lines, "last_observed_at": event.observed_at})


def fold(events: "list[InboundShipmentEvent] | list[DomainEvent]") -> InboundShipment | None:
    state: InboundShipment | None = None
    for event in events:
        state = evolve(state, event)
    return state
