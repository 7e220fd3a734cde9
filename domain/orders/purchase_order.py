"""PurchaseOrder: units going into the FBA warehouse, received from Amazon's cumulative counts.

Receipts arrive as Amazon's *cumulative totals per SKU*; the order books only the delta, so the
same totals twice book nothing. Per line, with outstanding = ordered - received:
in transit = max(outstanding, 0) while shipped and not closed; discrepancy = outstanding at
close (short > 0), or the over-receipt (< 0) at any time; written off once acknowledged.
"""

from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict

from domain.errors import InvalidTransition, NotFound
from domain.messages import Command, DomainEvent
from domain.orders.lines import OrderLine


class PurchaseOrderStatus(StrEnum):
    OPEN = "open"
    PARTIALLY_RECEIVED = "partially_received"
    RECEIVED = "received"
    CLOSED = "closed"
    CLOSED_SHORT = "closed_short"
    CANCELLED = "cancelled"


class LineReceipt(BaseModel):
    model_config = ConfigDict(frozen=True)

    sku: str
    quantity_received: int  # cumulative total after this receipt
    delta: int


class LineDiscrepancy(BaseModel):
    model_config = ConfigDict(frozen=True)

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
    """The goods left the source: what is on order is now in transit."""

    type: Literal["PurchaseOrderShipped"] = "PurchaseOrderShipped"
    purchase_order_id: str


class PurchaseOrderLinesAdded(DomainEvent):
    """SKUs Amazon received that were not planned on the order."""

    type: Literal["PurchaseOrderLinesAdded"] = "PurchaseOrderLinesAdded"
    purchase_order_id: str
    skus: tuple[str, ...]


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


class PurchaseOrderCancelled(DomainEvent):
    type: Literal["PurchaseOrderCancelled"] = "PurchaseOrderCancelled"
    purchase_order_id: str
    reason: str


class RecordAmazonReceipts(Command):
    purchase_order_id: str
    received_totals: dict[str, int]


class ClosePurchaseOrder(Command):
    purchase_order_id: str
    received_totals: dict[str, int]


class AcknowledgeDiscrepancy(Command):
    purchase_order_id: str


class CancelPurchaseOrder(Command):
    purchase_order_id: str
    reason: str


class POLine(BaseModel):
    model_config = ConfigDict(frozen=True)

    sku: str
    quantity_ordered: int = 0
    quantity_received: int = 0
    written_off: int = 0

    @property
    def outstanding(self) -> int:
        return self.quantity_ordered - self.quantity_received


class PurchaseOrder(BaseModel):
    model_config = ConfigDict(frozen=True)

    purchase_order_id: str
    transfer_order_id: str
    shipment_id: str
    warehouse_id: str
    lines: dict[str, POLine]
    shipped: bool = False
    closed: bool = False
    cancelled: bool = False

    @property
    def status(self) -> PurchaseOrderStatus:
        if self.cancelled:
            return PurchaseOrderStatus.CANCELLED
        if self.closed:
            short = any(line.outstanding > 0 for line in self.lines.values())
            return PurchaseOrderStatus.CLOSED_SHORT if short else PurchaseOrderStatus.CLOSED
        if all(line.outstanding <= 0 for line in self.lines.values()):
            return PurchaseOrderStatus.RECEIVED
        if any(line.quantity_received for line in self.lines.values()):
            return PurchaseOrderStatus.PARTIALLY_RECEIVED
        return PurchaseOrderStatus.OPEN

    def open_discrepancies(self) -> tuple[LineDiscrepancy, ...]:
        """Short (> 0) after close, over (< 0) any time, less what was written off."""
        found = []
        for line in self.lines.values():
            raw = line.outstanding if self.closed else min(line.outstanding, 0)
            if raw - line.written_off:
                found.append(LineDiscrepancy(sku=line.sku, quantity=raw - line.written_off))
        return tuple(found)


def decide(command: Command, state: PurchaseOrder | None) -> list[DomainEvent]:
    if state is None:
        raise NotFound("purchase order not found")
    match command:
        case RecordAmazonReceipts():
            return _receipts(state, command.received_totals)
        case ClosePurchaseOrder():
            events = _receipts(state, command.received_totals)
            if state.closed or state.cancelled:
                return events
            after = fold_onto(state, events)
            return [
                *events,
                PurchaseOrderClosed(
                    purchase_order_id=state.purchase_order_id,
                    discrepancies=tuple(
                        LineDiscrepancy(sku=line.sku, quantity=line.outstanding)
                        for line in after.lines.values()
                        if line.outstanding
                    ),
                ),
            ]
        case AcknowledgeDiscrepancy():
            if not state.closed:
                raise InvalidTransition(
                    "only a closed purchase order's discrepancy can be acknowledged"
                )
            open_lines = state.open_discrepancies()
            if not open_lines:
                raise InvalidTransition("this purchase order has no discrepancy to acknowledge")
            return [
                PurchaseOrderDiscrepancyAcknowledged(
                    purchase_order_id=state.purchase_order_id, written_off=open_lines
                )
            ]
        case CancelPurchaseOrder():
            if state.cancelled:
                return []
            if state.shipped or state.closed:
                raise InvalidTransition(
                    "a shipped or closed purchase order cannot be cancelled; close it instead"
                )
            return [
                PurchaseOrderCancelled(
                    purchase_order_id=state.purchase_order_id, reason=command.reason
                )
            ]
    raise TypeError(f"not a purchase order command: {type(command).__name__}")


def _receipts(state: PurchaseOrder, totals: dict[str, int]) -> list[DomainEvent]:
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
    return events


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
    match event:
        case PurchaseOrderShipped():
            return state.model_copy(update={"shipped": True})
        case PurchaseOrderLinesAdded():
            lines = dict(state.lines)
            for sku in event.skus:
                lines.setdefault(sku, POLine(sku=sku))
            return state.model_copy(update={"lines": lines})
        case PurchaseOrderReceived():
            lines = dict(state.lines)
            for receipt in event.receipts:
                line = lines.get(receipt.sku, POLine(sku=receipt.sku))
                lines[receipt.sku] = line.model_copy(
                    update={"quantity_received": receipt.quantity_received}
                )
            return state.model_copy(update={"lines": lines})
        case PurchaseOrderClosed():
            return state.model_copy(update={"closed": True})
        case PurchaseOrderDiscrepancyAcknowledged():
            lines = dict(state.lines)
            for written in event.written_off:
                line = lines[written.sku]
                lines[written.sku] = line.model_copy(
                    update={"written_off": line.written_off + written.quantity}
                )
            return state.model_copy(update={"lines": lines})
        case PurchaseOrderCancelled():
            return state.model_copy(update={"cancelled": True})
    return state


def fold_onto(state: PurchaseOrder, events: list[DomainEvent]) -> PurchaseOrder:
    current: PurchaseOrder | None = state
    for event in events:
        current = evolve(current, event)
    assert current is not None
    return current
