"""PurchaseOrder: units going into the FBA warehouse, received from Amazon's cumulative counts.

Receipts arrive as Amazon's *cumulative totals per SKU*; the order books only the delta, so the
same totals twice book nothing. While bound to an Amazon shipment the ordered quantities follow
Amazon's plan. Per line, shortfall = max(ordered - received, 0) less what was written off:
on order until shipped, in transit (or receiving) until closed, the discrepancy after. Units
received beyond the plan came from the source, so they are never a discrepancy. A write-off
never exceeds what is still missing: late-found units and plan changes correct it.
"""

from enum import StrEnum
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict

from domain.errors import InvalidTransition, NotFound
from domain.messages import Command, DomainEvent
from domain.orders.lines import LineChange, OrderLine, apply_changes, changes_towards


class PurchaseOrderStatus(StrEnum):
    OPEN = "open"
    PARTIALLY_RECEIVED = "partially_received"
    RECEIVED = "received"
    CLOSED_SHORT = "closed_short"
    CANCELLED = "cancelled"


class LineReceipt(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)

    sku: str
    quantity_received: int  # cumulative total after this receipt
    delta: int


class LineDiscrepancy(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)

    sku: str
    quantity: int


class PurchaseOrderCreated(DomainEvent):
    type: Literal["PurchaseOrderCreated"] = "PurchaseOrderCreated"
    purchase_order_id: str
    transfer_order_id: str
    shipment_id: str
    warehouse_id: str
    lines: tuple[OrderLine, ...]


class PurchaseOrderShipped(DomainEvent):
    """The goods left the source: what is on order is now in transit (as of `shipped_at`)."""

    type: Literal["PurchaseOrderShipped"] = "PurchaseOrderShipped"
    purchase_order_id: str
    shipped_at: AwareDatetime | None = None  # None in events recorded before it was kept


class PurchaseOrderLinesAdded(DomainEvent):
    """SKUs Amazon received that were not planned on the order."""

    type: Literal["PurchaseOrderLinesAdded"] = "PurchaseOrderLinesAdded"
    purchase_order_id: str
    skus: tuple[str, ...]


class PurchaseOrderLinesAmended(DomainEvent):
    """Amazon's plan changed: each line's ordered quantity from -> to, as of that observation."""

    type: Literal["PurchaseOrderLinesAmended"] = "PurchaseOrderLinesAmended"
    purchase_order_id: str
    shipment_id: str
    changes: tuple[LineChange, ...]
    observed_at: AwareDatetime


class PurchaseOrderReceived(DomainEvent):
    type: Literal["PurchaseOrderReceived"] = "PurchaseOrderReceived"
    purchase_order_id: str
    receipts: tuple[LineReceipt, ...]


class PurchaseOrderClosed(DomainEvent):
    type: Literal["PurchaseOrderClosed"] = "PurchaseOrderClosed"
    purchase_order_id: str
    discrepancies: tuple[LineDiscrepancy, ...]


class PurchaseOrderDiscrepancyAcknowledged(DomainEvent):
    type: Literal["PurchaseOrderDiscrepancyAcknowledged"] = "PurchaseOrderDiscrepancyAcknowledged"
    purchase_order_id: str
    written_off: tuple[LineDiscrepancy, ...]


class PurchaseOrderWriteOffCorrected(DomainEvent):
    """Units written off were found (or the plan shrank): the write-off goes from -> to."""

    type: Literal["PurchaseOrderWriteOffCorrected"] = "PurchaseOrderWriteOffCorrected"
    purchase_order_id: str
    changes: tuple[LineChange, ...]
    observed_at: AwareDatetime


class PurchaseOrderCancelled(DomainEvent):
    type: Literal["PurchaseOrderCancelled"] = "PurchaseOrderCancelled"
    purchase_order_id: str
    reason: str


class PurchaseOrderReopened(DomainEvent):
    """A released or closed order follows Amazon again (a receipt, or the shipment revived)."""

    type: Literal["PurchaseOrderReopened"] = "PurchaseOrderReopened"
    purchase_order_id: str
    reason: str
    observed_at: AwareDatetime


class PurchaseOrderFollowedShipment(DomainEvent):
    """The orders now reflect the shipment as of its version: older observations are past."""

    type: Literal["PurchaseOrderFollowedShipment"] = "PurchaseOrderFollowedShipment"
    purchase_order_id: str
    shipment_version: int


class AmendPurchaseOrderLines(Command):
    purchase_order_id: str
    shipment_id: str
    ordered: dict[str, int]  # Amazon's plan per SKU; SKUs of the order missing from it go to 0
    observed_at: AwareDatetime


class MarkPurchaseOrderShipped(Command):
    purchase_order_id: str
    shipped_at: AwareDatetime


class RecordAmazonReceipts(Command):
    purchase_order_id: str
    received_totals: dict[str, int]
    observed_at: AwareDatetime


class ClosePurchaseOrder(Command):
    purchase_order_id: str
    received_totals: dict[str, int]
    observed_at: AwareDatetime


class AcknowledgeDiscrepancy(Command):
    purchase_order_id: str


class CancelPurchaseOrder(Command):
    purchase_order_id: str
    reason: str


class ReopenPurchaseOrder(Command):
    purchase_order_id: str
    reason: str
    observed_at: AwareDatetime


class POLine(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)

    sku: str
    quantity_ordered: int = 0
    quantity_received: int = 0
    written_off: int = 0

    @property
    def missing(self) -> int:
        """Units ordered and not received (over-receipts came from the source: never < 0)."""
        return max(self.quantity_ordered - self.quantity_received, 0)

    @property
    def shortfall(self) -> int:
        """What is missing and not written off: on order, in transit or the discrepancy."""
        return self.missing - self.written_off


class PurchaseOrder(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)

    purchase_order_id: str
    transfer_order_id: str
    shipment_id: str
    warehouse_id: str
    lines: dict[str, POLine]
    shipped: bool = False
    shipped_at: AwareDatetime | None = None
    closed: bool = False
    cancelled: bool = False
    followed_shipment_version: int = 0

    @property
    def status(self) -> PurchaseOrderStatus:
        if self.cancelled:
            return PurchaseOrderStatus.CANCELLED
        missing = any(line.missing for line in self.lines.values())
        if self.closed:
            return PurchaseOrderStatus.CLOSED_SHORT if missing else PurchaseOrderStatus.RECEIVED
        if not missing:
            return PurchaseOrderStatus.RECEIVED
        if any(line.quantity_received for line in self.lines.values()):
            return PurchaseOrderStatus.PARTIALLY_RECEIVED
        return PurchaseOrderStatus.OPEN

    def open_discrepancies(self) -> tuple[LineDiscrepancy, ...]:
        """After close: per line, what is still missing and not written off."""
        if not self.closed:
            return ()
        return tuple(
            LineDiscrepancy(sku=line.sku, quantity=line.shortfall)
            for line in self.lines.values()
            if line.shortfall
        )


def decide(command: Command, state: PurchaseOrder | None) -> list[DomainEvent]:
    if state is None:
        raise NotFound("purchase order not found")
    match command:
        case AmendPurchaseOrderLines():
            return _amend(state, command)
        case MarkPurchaseOrderShipped():
            return _ship(state, command)
        case RecordAmazonReceipts():
            return _receipts(state, command.received_totals, command.observed_at)
        case ClosePurchaseOrder():
            return _close(state, command)
        case AcknowledgeDiscrepancy():
            return _acknowledge(state)
        case CancelPurchaseOrder():
            return _cancel(state, command)
        case ReopenPurchaseOrder():
            return _reopen(state, command)
    raise TypeError(f"not a purchase order command: {type(command).__name__}")


def _amend(state: PurchaseOrder, command: AmendPurchaseOrderLines) -> list[DomainEvent]:
    ordered = {sku: line.quantity_ordered for sku, line in state.lines.items()}
    changes = changes_towards(ordered, command.ordered)
    if not changes:
        return []
    amended = PurchaseOrderLinesAmended(
        purchase_order_id=state.purchase_order_id,
        shipment_id=command.shipment_id,
        changes=changes,
        observed_at=command.observed_at,
    )
    return [amended, *_write_off_corrections(fold_onto(state, [amended]), command.observed_at)]


def _ship(state: PurchaseOrder, command: MarkPurchaseOrderShipped) -> list[DomainEvent]:
    if state.shipped or state.cancelled:
        return []
    return [
        PurchaseOrderShipped(
            purchase_order_id=state.purchase_order_id, shipped_at=command.shipped_at
        )
    ]


def _close(state: PurchaseOrder, command: ClosePurchaseOrder) -> list[DomainEvent]:
    """The final receipts, then (unless already closed or cancelled) what is still short."""
    events = _receipts(state, command.received_totals, command.observed_at)
    if state.closed or state.cancelled:
        return events
    after = fold_onto(state, events)
    return [
        *events,
        PurchaseOrderClosed(
            purchase_order_id=state.purchase_order_id,
            discrepancies=tuple(
                LineDiscrepancy(sku=line.sku, quantity=line.shortfall)
                for line in after.lines.values()
                if line.shortfall
            ),
        ),
    ]


def _acknowledge(state: PurchaseOrder) -> list[DomainEvent]:
    """Write off a closed order's open discrepancy."""
    if not state.closed:
        raise InvalidTransition("only a closed purchase order's discrepancy can be acknowledged")
    open_lines = state.open_discrepancies()
    if not open_lines:
        raise InvalidTransition("this purchase order has no discrepancy to acknowledge")
    return [
        PurchaseOrderDiscrepancyAcknowledged(
            purchase_order_id=state.purchase_order_id, written_off=open_lines
        )
    ]


def _cancel(state: PurchaseOrder, command: CancelPurchaseOrder) -> list[DomainEvent]:
    if state.cancelled:
        return []
    if state.shipped or state.closed:
        raise InvalidTransition(
            "a shipped or closed purchase order cannot be cancelled; close it instead"
        )
    return [
        PurchaseOrderCancelled(purchase_order_id=state.purchase_order_id, reason=command.reason)
    ]


def _reopen(state: PurchaseOrder, command: ReopenPurchaseOrder) -> list[DomainEvent]:
    if not (state.cancelled or state.closed):
        return []
    return [
        PurchaseOrderReopened(
            purchase_order_id=state.purchase_order_id,
            reason=command.reason,
            observed_at=command.observed_at,
        )
    ]


def _receipts(state: PurchaseOrder, totals: dict[str, int], at: AwareDatetime) -> list[DomainEvent]:
    unplanned = tuple(sorted(sku for sku in totals if sku not in state.lines))
    receipts = tuple(
        LineReceipt(sku=sku, quantity_received=total, delta=total - _received(state, sku))
        for sku, total in sorted(totals.items())
        if total != _received(state, sku)
    )
    events: list[DomainEvent] = []
    if unplanned:
        events.append(
            PurchaseOrderLinesAdded(purchase_order_id=state.purchase_order_id, skus=unplanned)
        )
    if receipts:
        events.append(
            PurchaseOrderReceived(purchase_order_id=state.purchase_order_id, receipts=receipts)
        )
    return events + _write_off_corrections(fold_onto(state, events), at)


def _write_off_corrections(state: PurchaseOrder, at: AwareDatetime) -> list[DomainEvent]:
    """A write-off above what is still missing is corrected down to it."""
    changes = tuple(
        LineChange(sku=line.sku, from_quantity=line.written_off, to_quantity=line.missing)
        for line in state.lines.values()
        if line.written_off > line.missing
    )
    if not changes:
        return []
    return [
        PurchaseOrderWriteOffCorrected(
            purchase_order_id=state.purchase_order_id, changes=changes, observed_at=at
        )
    ]


def _received(state: PurchaseOrder, sku: str) -> int:
    line = state.lines.get(sku)
    return line.quantity_received if line else 0


def evolve(state: PurchaseOrder | None, event: DomainEvent) -> PurchaseOrder | None:
    if isinstance(event, PurchaseOrderCreated):
        return PurchaseOrder(
            purchase_order_id=event.purchase_order_id,
            transfer_order_id=event.transfer_order_id,
            shipment_id=event.shipment_id,
            warehouse_id=event.warehouse_id,
            lines={
                line.sku: POLine(sku=line.sku, quantity_ordered=line.quantity)
                for line in event.lines
            },
        )
    if state is None:
        return None
    return _evolve_existing(state, event)


def _evolve_existing(state: PurchaseOrder, event: DomainEvent) -> PurchaseOrder:
    match event:
        case PurchaseOrderShipped():
            return state.model_copy(update={"shipped": True, "shipped_at": event.shipped_at})
        case (
            PurchaseOrderLinesAdded()
            | PurchaseOrderLinesAmended()
            | PurchaseOrderReceived()
            | PurchaseOrderDiscrepancyAcknowledged()
            | PurchaseOrderWriteOffCorrected()
        ):
            return _evolve_lines(state, event)
        case PurchaseOrderClosed():
            return state.model_copy(update={"closed": True})
        case PurchaseOrderCancelled():
            return state.model_copy(update={"cancelled": True})
        case PurchaseOrderReopened():
            return state.model_copy(update={"cancelled": False, "closed": False})
        case PurchaseOrderFollowedShipment():
            return state.model_copy(update={"followed_shipment_version": event.shipment_version})
    return state


def _evolve_lines(
    state: PurchaseOrder,
    event: PurchaseOrderLinesAdded
    | PurchaseOrderLinesAmended
    | PurchaseOrderReceived
    | PurchaseOrderDiscrepancyAcknowledged
    | PurchaseOrderWriteOffCorrected,
) -> PurchaseOrder:
    """The events that change the order's lines (the plan, receipts and write-offs)."""
    match event:
        case PurchaseOrderLinesAdded():
            return _lines_added(state, event)
        case PurchaseOrderLinesAmended():
            return _with(state, event.changes, "quantity_ordered")
        case PurchaseOrderReceived():
            return _receipts_booked(state, event)
        case PurchaseOrderDiscrepancyAcknowledged():
            return _written_off(state, event)
        case PurchaseOrderWriteOffCorrected():
            return _with(state, event.changes, "written_off")


def _lines_added(state: PurchaseOrder, event: PurchaseOrderLinesAdded) -> PurchaseOrder:
    """Unplanned SKUs get an empty line (a SKU already on the order keeps its own)."""
    lines = dict(state.lines)
    for sku in event.skus:
        lines.setdefault(sku, POLine(sku=sku))
    return state.model_copy(update={"lines": lines})


def _receipts_booked(state: PurchaseOrder, event: PurchaseOrderReceived) -> PurchaseOrder:
    """Each receipt's cumulative total becomes its line's quantity received."""
    lines = dict(state.lines)
    for receipt in event.receipts:
        line = lines.get(receipt.sku, POLine(sku=receipt.sku))
        lines[receipt.sku] = line.model_copy(
            update={"quantity_received": receipt.quantity_received}
        )
    return state.model_copy(update={"lines": lines})


def _written_off(
    state: PurchaseOrder, event: PurchaseOrderDiscrepancyAcknowledged
) -> PurchaseOrder:
    """The acknowledged discrepancy adds to each line's write-off."""
    lines = dict(state.lines)
    for written in event.written_off:
        line = lines[written.sku]
        lines[written.sku] = line.model_copy(
            update={"written_off": line.written_off + written.quantity}
        )
    return state.model_copy(update={"lines": lines})


def _with(state: PurchaseOrder, changes: tuple[LineChange, ...], field: str) -> PurchaseOrder:
    lines = apply_changes(state.lines, changes, field, lambda sku: POLine(sku=sku))
    return state.model_copy(update={"lines": lines})


def fold_onto(state: PurchaseOrder, events: list[DomainEvent]) -> PurchaseOrder:
    current: PurchaseOrder | None = state
    for event in events:
        current = evolve(current, event)
    assert current is not None
    return current
