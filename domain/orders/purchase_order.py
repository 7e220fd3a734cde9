"""PurchaseOrder: units going into a warehouse, from a vendor or (in a transfer) another warehouse.

Into an FBA warehouse only Amazon receives it: its receipts arrive as Amazon's *cumulative totals
per SKU*; the order books only the delta, so the same totals twice book nothing. Into one of the
seller's own warehouses the user receives it, a delivery at a time (partial, over and unplanned
receipts all allowed), and closes it when nothing more will come. While bound to an Amazon
shipment (or to the several Amazon made of it when a job saved it to Amazon) the order is
locked: it follows Amazon, never edits, and its ordered quantities follow Amazon's plan. While a
job saves it to Amazon, the user's changes wait for the save to end. Per line, shortfall =
max(ordered - received, 0) less what was written off: on order until shipped, in transit (or
receiving) until closed, the discrepancy after. Units received beyond the plan came from the
source, so they are never a discrepancy. A write-off never exceeds what is still missing:
late-found units and plan changes correct it.
"""

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from domain.errors import InvalidCommand, InvalidTransition, NotFound, OrderLocked, ReceivedByAmazon
from domain.messages import Command, DomainEvent
from domain.orders.lines import (
    MAX_LINES,
    LineChange,
    OrderLine,
    apply_changes,
    changes_towards,
    counted_units,
    distinct_ordered,
)
from domain.vendor import UnitCost


class PurchaseOrderStatus(StrEnum):
    OPEN = "open"
    PARTIALLY_RECEIVED = "partially_received"
    RECEIVED = "received"
    CLOSED_SHORT = "closed_short"
    CANCELLED = "cancelled"


class SourceType(StrEnum):
    VENDOR = "vendor"
    WAREHOUSE = "warehouse"  # the inbound half of a transfer order
    UNKNOWN = "unknown"


class PurchaseLine(OrderLine):
    unit_cost: UnitCost | None = None  # in the vendor's currency


OrderedLines = Annotated[
    tuple[PurchaseLine, ...],
    Field(min_length=1, max_length=MAX_LINES),
    AfterValidator(distinct_ordered),
]
Reference = Annotated[str, Field(min_length=1, max_length=200)]


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
    """Defaults describe the orders recorded before stock orders: a reconciled transfer's
    purchase order into FBA, bound to its shipment."""

    type: Literal["PurchaseOrderCreated"] = "PurchaseOrderCreated"
    purchase_order_id: str
    transfer_order_id: str | None = None
    shipment_id: str | None = None
    warehouse_id: str
    lines: tuple[PurchaseLine, ...]
    source_type: SourceType = SourceType.WAREHOUSE
    vendor_id: str | None = None
    reference: str | None = None
    expected_date: date | None = None
    received_by_amazon: bool = True  # into an FBA warehouse


class PurchaseOrderEdited(DomainEvent):
    """The user changed an open order: the fields given replace the order's (lines wholly)."""

    type: Literal["PurchaseOrderEdited"] = "PurchaseOrderEdited"
    purchase_order_id: str
    lines: tuple[PurchaseLine, ...] | None = None
    reference: str | None = None
    expected_date: date | None = None


class PurchaseOrderBound(DomainEvent):
    """Reconciled to an FBA shipment: Amazon owns the order from now on (its plan rules). The
    differences are the order's lines against the plan when it was bound."""

    type: Literal["PurchaseOrderBound"] = "PurchaseOrderBound"
    purchase_order_id: str
    shipment_id: str
    differences: tuple[LineChange, ...]  # per SKU: ordered (from) -> Amazon's plan (to)


class PurchaseOrderSourceSet(DomainEvent):
    """An unknown-source order is now the inbound half of a transfer from a warehouse."""

    type: Literal["PurchaseOrderSourceSet"] = "PurchaseOrderSourceSet"
    purchase_order_id: str
    transfer_order_id: str
    source_warehouse_id: str


class PurchaseOrderExpectedDateFollowed(DomainEvent):
    """A bound order's expected date is Amazon's: the shipment's confirmed need-by date."""

    type: Literal["PurchaseOrderExpectedDateFollowed"] = "PurchaseOrderExpectedDateFollowed"
    purchase_order_id: str
    expected_date: date
    observed_at: AwareDatetime


class PurchaseOrderShipped(DomainEvent):
    """The goods left the source: what is on order is now in transit (as of `shipped_at`)."""

    type: Literal["PurchaseOrderShipped"] = "PurchaseOrderShipped"
    purchase_order_id: str
    shipped_at: AwareDatetime | None = None  # None in events recorded before it was kept

    def units_moved_at(self) -> datetime | None:
        return self.shipped_at  # with its sales order: units leave and go in transit at once


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
    shipment_id: str | None = None  # None (events before several shipments): its only shipment


class PurchaseOrderSaveStarted(DomainEvent):
    """A job is creating the order's inbound shipments at Amazon ("Save to Amazon"): until the
    save ends the order is neither edited, withdrawn, received nor bound by hand."""

    type: Literal["PurchaseOrderSaveStarted"] = "PurchaseOrderSaveStarted"
    purchase_order_id: str
    job_id: str


class PurchaseOrderSaveEnded(DomainEvent):
    """The save ended: `saved` once the shipments Amazon made of the order are bound to it (the
    order is then locked, following all of them), `failed` with the job's code (an order still
    bound to nothing is editable again; one bound to some shipments follows those)."""

    type: Literal["PurchaseOrderSaveEnded"] = "PurchaseOrderSaveEnded"
    purchase_order_id: str
    job_id: str
    outcome: Literal["failed", "saved"]
    code: str | None = None  # why it failed


class BindToShipment(Command):
    purchase_order_id: str
    shipment_id: str
    planned: dict[str, int]  # Amazon's plan per SKU


class StartSaveToAmazon(Command):
    """A job starts creating the order's inbound shipments at Amazon."""

    purchase_order_id: str
    job_id: str


class BindSavedShipment(Command):
    """One of the shipments Amazon made of the order while `job_id` saved it (Amazon may split
    an order into several): the order follows it too from the save's end."""

    purchase_order_id: str
    shipment_id: str
    job_id: str
    planned: dict[str, int]  # this shipment's plan per SKU


class EndSaveToAmazon(Command):
    """Every shipment Amazon made of the order is bound: the save ends, the order stays locked."""

    purchase_order_id: str
    job_id: str


class FailSaveToAmazon(Command):
    purchase_order_id: str
    job_id: str
    code: str  # the job's reason (e.g. Amazon's error code)


class FollowNeedByDate(Command):
    purchase_order_id: str
    need_by: date | None  # Amazon's ConfirmedNeedByDate (None: Amazon gives none)
    observed_at: AwareDatetime


class EditPurchaseOrder(Command):
    """None leaves a field as it is; `lines` replaces them all."""

    purchase_order_id: str
    lines: OrderedLines | None = None
    reference: Reference | None = None
    expected_date: date | None = None


class ReceiveUnits(Command):
    """A delivery counted into the seller's own warehouse: units per SKU (not totals)."""

    purchase_order_id: str
    units: Annotated[dict[str, int], AfterValidator(counted_units)]
    received_at: AwareDatetime


class CloseReceiving(Command):
    """The user expects nothing more: what is still missing becomes the discrepancy."""

    purchase_order_id: str
    closed_at: AwareDatetime


class WithdrawPurchaseOrder(Command):
    """The user cancels an order nothing was received on."""

    purchase_order_id: str
    reason: str


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
    unit_cost: Decimal | None = None

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
    transfer_order_id: str | None = None
    shipment_ids: tuple[str, ...] = ()  # the FBA shipments it is bound to, in binding order
    warehouse_id: str
    lines: dict[str, POLine]
    source_type: SourceType = SourceType.WAREHOUSE
    source_warehouse_id: str | None = None  # set with the source of an unknown-source order
    vendor_id: str | None = None
    reference: str | None = None
    expected_date: date | None = None
    received_by_amazon: bool = True
    bound_differences: tuple[LineChange, ...] = ()
    shipped: bool = False
    shipped_at: AwareDatetime | None = None
    closed: bool = False
    cancelled: bool = False
    # Per bound shipment, the version of it the orders reflect (the reactor's follow).
    followed_shipment_versions: dict[str, int] = {}
    saving_job_id: str | None = None  # the job saving it to Amazon, while it does

    @model_validator(mode="before")
    @classmethod
    def _one_shipment_before(cls, data: Any) -> Any:
        """States recorded with one shipment (views, snapshots, `PurchaseOrderCreated`'s
        fields) name it `shipment_id` and its followed version `followed_shipment_version`."""
        if not isinstance(data, dict) or not (
            "shipment_id" in data or "followed_shipment_version" in data
        ):
            return data
        data = dict(data)
        shipment_id = data.pop("shipment_id", None)
        followed = data.pop("followed_shipment_version", 0)
        if "shipment_ids" not in data:
            data["shipment_ids"] = (shipment_id,) if shipment_id else ()
        if "followed_shipment_versions" not in data:
            data["followed_shipment_versions"] = (
                {shipment_id: followed} if shipment_id and followed else {}
            )
        return data

    @property
    def shipment_id(self) -> str | None:
        """The (first) FBA shipment it is bound to."""
        return self.shipment_ids[0] if self.shipment_ids else None

    @property
    def followed_shipment_version(self) -> int:
        """The version followed of its (first) shipment."""
        return self.followed_shipment_versions.get(self.shipment_id or "", 0)

    @property
    def locked(self) -> bool:
        """Amazon owns it: bound to an FBA shipment, it follows Amazon's plan and receipts."""
        return bool(self.shipment_ids)

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
    handler = _HANDLERS.get(type(command))
    if handler is None:
        raise TypeError(f"not a purchase order command: {type(command).__name__}")
    return handler(state, command)


def _bind(state: PurchaseOrder, command: BindToShipment) -> list[DomainEvent]:
    """Only an open order into FBA with nothing received, bound to no shipment yet."""
    if command.shipment_id in state.shipment_ids:
        return []
    refuse_while_saving(state)
    if state.locked:
        raise OrderLocked(
            f"purchase order {state.purchase_order_id} is already bound to FBA shipment "
            f"{state.shipment_id}",
            field="purchase_order_id",
        )
    if not state.received_by_amazon:
        raise InvalidCommand(
            f"purchase order {state.purchase_order_id} goes into your warehouse "
            f"{state.warehouse_id}, not an FBA warehouse",
            field="purchase_order_id",
        )
    if state.status is not PurchaseOrderStatus.OPEN:
        raise InvalidTransition(
            f"purchase order {state.purchase_order_id} is {state.status}: only an open order "
            "can be bound to a shipment",
            field="purchase_order_id",
        )
    ordered = {sku: line.quantity_ordered for sku, line in state.lines.items()}
    return [
        PurchaseOrderBound(
            purchase_order_id=state.purchase_order_id,
            shipment_id=command.shipment_id,
            differences=changes_towards(ordered, command.planned),
        )
    ]


def refuse_while_saving(state: PurchaseOrder) -> None:
    """While a job saves the order to Amazon, the user's changes wait for the save to end."""
    if state.saving_job_id is not None:
        raise OrderLocked(
            f"a save to Amazon is in progress (job {state.saving_job_id}) on purchase order "
            f"{state.purchase_order_id}: wait for it to end",
            field="purchase_order_id",
        )


def _start_save(state: PurchaseOrder, command: StartSaveToAmazon) -> list[DomainEvent]:
    """An open order into FBA with units to send, bound to nothing and not being saved (the same
    job starting again decides nothing)."""
    if state.saving_job_id == command.job_id:
        return []
    refuse_while_saving(state)
    if state.locked:
        raise OrderLocked(
            f"purchase order {state.purchase_order_id} is already saved to Amazon: it is bound "
            f"to FBA shipment(s) {', '.join(state.shipment_ids)}",
            field="purchase_order_id",
        )
    if not state.received_by_amazon:
        raise InvalidCommand(
            f"purchase order {state.purchase_order_id} goes into your warehouse "
            f"{state.warehouse_id}, not an FBA warehouse: there is nothing to save to Amazon",
            field="purchase_order_id",
        )
    if not any(line.quantity_ordered > 0 for line in state.lines.values()):
        raise InvalidCommand(
            f"purchase order {state.purchase_order_id} has no line with units to send",
            field="purchase_order_id",
        )
    if state.status is not PurchaseOrderStatus.OPEN:
        raise InvalidTransition(
            f"purchase order {state.purchase_order_id} is {state.status}: only an open order "
            "can be saved to Amazon",
            field="purchase_order_id",
        )
    return [
        PurchaseOrderSaveStarted(purchase_order_id=state.purchase_order_id, job_id=command.job_id)
    ]


def _saving_job(state: PurchaseOrder, job_id: str) -> None:
    """Only the job saving the order binds its shipments and ends the save."""
    if state.saving_job_id == job_id:
        return
    doing = (
        f"job {state.saving_job_id} is saving it"
        if state.saving_job_id
        else "no save to Amazon is in progress"
    )
    raise OrderLocked(
        f"job {job_id} is not saving purchase order {state.purchase_order_id} ({doing})",
        field="job_id",
    )


def _bind_saved(state: PurchaseOrder, command: BindSavedShipment) -> list[DomainEvent]:
    """One more of the shipments the save made. Its differences are the order's lines against
    the plans of every shipment bound so far: the last binding's are the whole order's against
    Amazon's whole plan. (While the order is saved its lines change neither by hand nor by
    following Amazon, so the plans bound before are the lines as the differences left them.)"""
    if command.shipment_id in state.shipment_ids:
        return []
    _saving_job(state, command.job_id)
    ordered = {sku: line.quantity_ordered for sku, line in state.lines.items()}
    planned = dict(bound_plan(state))
    for sku, units in command.planned.items():
        planned[sku] = planned.get(sku, 0) + units
    return [
        PurchaseOrderBound(
            purchase_order_id=state.purchase_order_id,
            shipment_id=command.shipment_id,
            differences=changes_towards(ordered, planned),
        )
    ]


def bound_plan(state: PurchaseOrder) -> dict[str, int]:
    """Amazon's plan per SKU, of the shipments bound so far, as recorded when they were bound
    (the order's lines then, changed by the differences); nothing when none is."""
    if not state.locked:
        return {}
    planned = {sku: line.quantity_ordered for sku, line in state.lines.items()}
    planned.update({change.sku: change.to_quantity for change in state.bound_differences})
    return {sku: units for sku, units in planned.items() if units}


def _end_save(state: PurchaseOrder, command: EndSaveToAmazon) -> list[DomainEvent]:
    """Every shipment the save made is bound: the order stays locked, following them all. Ended
    already (and bound): nothing to decide."""
    if state.saving_job_id is None and state.locked:
        return []
    _saving_job(state, command.job_id)
    if not state.locked:
        raise InvalidTransition(
            f"no shipment is bound to purchase order {state.purchase_order_id} yet: bind the "
            "shipments Amazon made of it, or fail the save",
            field="purchase_order_id",
        )
    return [
        PurchaseOrderSaveEnded(
            purchase_order_id=state.purchase_order_id, job_id=command.job_id, outcome="saved"
        )
    ]


def _fail_save(state: PurchaseOrder, command: FailSaveToAmazon) -> list[DomainEvent]:
    """The save failed: an order bound to nothing is the user's again; one bound to some of
    the shipments stays bound to (and follows) those. Nothing in progress: nothing to decide."""
    if state.saving_job_id is None:
        return []
    _saving_job(state, command.job_id)
    return [
        PurchaseOrderSaveEnded(
            purchase_order_id=state.purchase_order_id,
            job_id=command.job_id,
            outcome="failed",
            code=command.code,
        )
    ]


def _follow_need_by(state: PurchaseOrder, command: FollowNeedByDate) -> list[DomainEvent]:
    if command.need_by is None or command.need_by == state.expected_date:
        return []
    return [
        PurchaseOrderExpectedDateFollowed(
            purchase_order_id=state.purchase_order_id,
            expected_date=command.need_by,
            observed_at=command.observed_at,
        )
    ]


def _edit(state: PurchaseOrder, command: EditPurchaseOrder) -> list[DomainEvent]:
    refuse_while_saving(state)
    _unlocked(state, "edit")
    if state.transfer_order_id is not None:
        raise InvalidTransition(
            f"purchase order {state.purchase_order_id} is the inbound half of transfer order "
            f"{state.transfer_order_id}: its lines are the transfer's"
        )
    if state.status is not PurchaseOrderStatus.OPEN:
        raise InvalidTransition(
            f"purchase order {state.purchase_order_id} is {state.status}: only an open order "
            "with nothing received can be edited"
        )
    changed: dict[str, object] = {}
    if command.lines is not None and _by_sku(command.lines) != _by_sku(_lines_of(state)):
        changed["lines"] = command.lines
    if command.reference is not None and command.reference != state.reference:
        changed["reference"] = command.reference
    if command.expected_date is not None and command.expected_date != state.expected_date:
        changed["expected_date"] = command.expected_date
    if not changed:
        return []
    return [PurchaseOrderEdited(purchase_order_id=state.purchase_order_id, **changed)]


def _receive(state: PurchaseOrder, command: ReceiveUnits) -> list[DomainEvent]:
    refuse_while_saving(state)
    _received_by_user(state, "receive")
    if state.cancelled or state.closed:
        raise InvalidTransition(
            f"purchase order {state.purchase_order_id} is {state.status}: it takes no receipts"
        )
    if state.source_type is SourceType.WAREHOUSE and not state.shipped:
        raise InvalidTransition(
            f"the goods of transfer order {state.transfer_order_id} have not left their source: "
            "mark it shipped first"
        )
    totals = {sku: _received(state, sku) + units for sku, units in command.units.items()}
    return _receipts(state, totals, command.received_at)


def _close_receiving(state: PurchaseOrder, command: CloseReceiving) -> list[DomainEvent]:
    refuse_while_saving(state)
    _received_by_user(state, "close")
    if state.cancelled or state.closed:
        raise InvalidTransition(f"purchase order {state.purchase_order_id} is {state.status}")
    if state.source_type is SourceType.WAREHOUSE and not state.shipped:
        raise InvalidTransition(
            f"the goods of transfer order {state.transfer_order_id} have not left their source: "
            "mark it shipped first"
        )
    totals = {sku: line.quantity_received for sku, line in state.lines.items()}
    close = ClosePurchaseOrder(
        purchase_order_id=state.purchase_order_id,
        received_totals=totals,
        observed_at=command.closed_at,
    )
    return _close(state, close)


def _withdraw(state: PurchaseOrder, command: WithdrawPurchaseOrder) -> list[DomainEvent]:
    refuse_while_saving(state)
    _unlocked(state, "cancel")
    if state.transfer_order_id is not None:
        raise InvalidTransition(
            f"purchase order {state.purchase_order_id} is the inbound half of transfer order "
            f"{state.transfer_order_id}"
        )
    if any(line.quantity_received for line in state.lines.values()):
        raise InvalidTransition(
            f"units were received on purchase order {state.purchase_order_id}: close it instead"
        )
    if state.closed:
        raise InvalidTransition(f"purchase order {state.purchase_order_id} is closed")
    return _cancel(
        state, CancelPurchaseOrder(purchase_order_id=state.purchase_order_id, reason=command.reason)
    )


def _unlocked(state: PurchaseOrder, action: str) -> None:
    if state.locked:
        raise OrderLocked(
            f"purchase order {state.purchase_order_id} is bound to FBA shipment "
            f"{state.shipment_id}, so Amazon owns it: {action} it in Seller Central; "
            "changes sync back"
        )


def _received_by_user(state: PurchaseOrder, action: str) -> None:
    if state.received_by_amazon:
        raise ReceivedByAmazon(
            f"purchase order {state.purchase_order_id} goes into FBA warehouse "
            f"{state.warehouse_id}: Amazon receives it (and closes it with its shipment), "
            f"so it cannot {action} here"
        )


def _by_sku(lines: tuple[PurchaseLine, ...]) -> dict[str, PurchaseLine]:
    return {line.sku: line for line in lines}


def _lines_of(state: PurchaseOrder) -> tuple[PurchaseLine, ...]:
    return tuple(
        PurchaseLine(sku=line.sku, quantity=line.quantity_ordered, unit_cost=line.unit_cost)
        for line in state.lines.values()
    )


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


_HANDLERS: dict[type[Command], Callable[[PurchaseOrder, Any], list[DomainEvent]]] = {
    # the user's
    BindToShipment: _bind,
    EditPurchaseOrder: _edit,
    ReceiveUnits: _receive,
    CloseReceiving: _close_receiving,
    WithdrawPurchaseOrder: _withdraw,
    AcknowledgeDiscrepancy: lambda state, _: _acknowledge(state),
    # a job's, saving the order to Amazon
    StartSaveToAmazon: _start_save,
    BindSavedShipment: _bind_saved,
    EndSaveToAmazon: _end_save,
    FailSaveToAmazon: _fail_save,
    # Amazon's (following a bound shipment)
    FollowNeedByDate: _follow_need_by,
    AmendPurchaseOrderLines: _amend,
    MarkPurchaseOrderShipped: _ship,
    RecordAmazonReceipts: lambda state, c: _receipts(state, c.received_totals, c.observed_at),
    ClosePurchaseOrder: _close,
    CancelPurchaseOrder: _cancel,
    ReopenPurchaseOrder: _reopen,
}


def _received(state: PurchaseOrder, sku: str) -> int:
    line = state.lines.get(sku)
    return line.quantity_received if line else 0


def evolve(state: PurchaseOrder | None, event: DomainEvent) -> PurchaseOrder | None:
    if isinstance(event, PurchaseOrderCreated):
        return PurchaseOrder(
            **event.model_dump(exclude={"type", "schema_version", "lines"}),
            lines=_po_lines(event.lines),
        )
    if state is None:
        return None
    return _evolve_existing(state, event)


def _evolve_existing(state: PurchaseOrder, event: DomainEvent) -> PurchaseOrder:
    match event:
        case PurchaseOrderShipped():
            return state.model_copy(update={"shipped": True, "shipped_at": event.shipped_at})
        case PurchaseOrderBound() | PurchaseOrderSourceSet() | PurchaseOrderEdited():
            return _evolve_terms(state, event)
        case PurchaseOrderExpectedDateFollowed():
            return state.model_copy(update={"expected_date": event.expected_date})
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
        case (
            PurchaseOrderFollowedShipment() | PurchaseOrderSaveStarted() | PurchaseOrderSaveEnded()
        ):
            return _evolve_with_amazon(state, event)
    return state


def _evolve_with_amazon(
    state: PurchaseOrder,
    event: PurchaseOrderFollowedShipment | PurchaseOrderSaveStarted | PurchaseOrderSaveEnded,
) -> PurchaseOrder:
    """A save to Amazon in progress, and the shipment versions the order follows."""
    match event:
        case PurchaseOrderSaveStarted():
            return state.model_copy(update={"saving_job_id": event.job_id})
        case PurchaseOrderSaveEnded():
            return state.model_copy(update={"saving_job_id": None})
        case PurchaseOrderFollowedShipment():
            shipment_id = event.shipment_id or state.shipment_id  # None: its only shipment
            if shipment_id is None:
                return state
            versions = {**state.followed_shipment_versions, shipment_id: event.shipment_version}
            return state.model_copy(update={"followed_shipment_versions": versions})


def _evolve_terms(
    state: PurchaseOrder, event: PurchaseOrderBound | PurchaseOrderSourceSet | PurchaseOrderEdited
) -> PurchaseOrder:
    """What the order is bound to, where it comes from, and the user's edits."""
    match event:
        case PurchaseOrderBound():
            shipment_ids = state.shipment_ids
            if event.shipment_id not in shipment_ids:
                shipment_ids = (*shipment_ids, event.shipment_id)
            return state.model_copy(
                update={"shipment_ids": shipment_ids, "bound_differences": event.differences}
            )
        case PurchaseOrderSourceSet():
            return state.model_copy(
                update={
                    "transfer_order_id": event.transfer_order_id,
                    "source_warehouse_id": event.source_warehouse_id,
                    "source_type": SourceType.WAREHOUSE,
                }
            )
        case PurchaseOrderEdited():
            edited = event.model_dump(
                exclude={"type", "schema_version", "purchase_order_id"}, exclude_none=True
            )
            if event.lines is not None:
                edited["lines"] = _po_lines(event.lines)
            return state.model_copy(update=edited)


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


def _po_lines(lines: tuple[PurchaseLine, ...]) -> dict[str, POLine]:
    return {
        line.sku: POLine(sku=line.sku, quantity_ordered=line.quantity, unit_cost=line.unit_cost)
        for line in lines
    }


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
