"""Stock orders a user places and works: purchase orders to vendors and transfers between
warehouses. Given these events, when this command, then these events (or this error), and the
stock figures each state of an order contributes."""

from datetime import date
from decimal import Decimal

import pytest
from pydantic import ValidationError

from domain.errors import (
    DomainError,
    InvalidCommand,
    InvalidTransition,
    NotFound,
    OrderLocked,
    ReceivedByAmazon,
)
from domain.messages import Command, Decision, DomainEvent
from domain.orders import purchase_order as po
from domain.orders import sales_order as so
from domain.orders.lines import MAX_LINES, MAX_UNITS, OrderLine
from domain.orders.placing import (
    CreateTransferOrder,
    PlacePurchaseOrder,
    create_transfer_order,
    place_purchase_order,
)
from domain.orders.purchase_order import (
    AcknowledgeDiscrepancy,
    CloseReceiving,
    EditPurchaseOrder,
    LineDiscrepancy,
    LineReceipt,
    PurchaseLine,
    PurchaseOrder,
    PurchaseOrderCancelled,
    PurchaseOrderClosed,
    PurchaseOrderCreated,
    PurchaseOrderEdited,
    PurchaseOrderLinesAdded,
    PurchaseOrderReceived,
    PurchaseOrderStatus,
    ReceiveUnits,
    SourceType,
    WithdrawPurchaseOrder,
    fold_onto,
)
from domain.orders.sales_order import SalesOrder, SalesOrderCreated, SalesOrderStatus
from domain.orders.transfer import mark_shipped
from domain.orders.transfer_order import TransferOrderCreated
from domain.stock import StockFigures
from domain.stock.contributions import purchase_order_contribution, sales_order_contribution
from domain.streams import StreamKind
from domain.vendor import Vendor, VendorProduct
from domain.warehouse import Warehouse, WarehouseKind, fba_warehouse_id
from tests.unit.domain.builders import US, at, fold, types
from tests.unit.domain.scenario import own_warehouse

PO_ID, TO_ID, SO_ID = "po-1", "to-1", "so-1"
ACME = Vendor(
    vendor_id="v-acme",
    name="Acme",
    lead_time_days=30,
    currency="USD",
    products=(
        VendorProduct(sku="A", unit_cost=Decimal("2.5")),
        VendorProduct(sku="B", unit_cost=Decimal("9")),
    ),
)
STORE = Warehouse(warehouse_id="wh-store", name="Store", kind=WarehouseKind.OWN)
BACK = Warehouse(warehouse_id="wh-back", name="Back room", kind=WarehouseKind.OWN)
FBA = Warehouse(
    warehouse_id=fba_warehouse_id("c1", US),
    name="FBA US",
    kind=WarehouseKind.FBA,
    connection_id="c1",
    marketplace_id=US,
)


# Builders


def lines(**quantities: int) -> tuple[PurchaseLine, ...]:
    return tuple(PurchaseLine(sku=sku, quantity=n) for sku, n in quantities.items())


def place(
    order_lines: tuple[PurchaseLine, ...] | None = None,
    *,
    vendor: Vendor | None = ACME,
    destination: Warehouse | None = STORE,
    reference: str | None = "PO-2026-001",
    expected_date: date | None = date(2026, 12, 1),
) -> Decision:
    command = PlacePurchaseOrder(
        purchase_order_id=PO_ID,
        vendor_id=ACME.vendor_id,
        destination_warehouse_id="wh-gone" if destination is None else destination.warehouse_id,
        lines=order_lines or lines(A=100),
        reference=reference,
        expected_date=expected_date,
    )
    return place_purchase_order(command, vendor, destination)


def placed(
    order_lines: tuple[PurchaseLine, ...] | None = None, destination: Warehouse = STORE
) -> PurchaseOrder:
    """A vendor's purchase order as placed."""
    return fold(po.evolve, place(order_lines, destination=destination)[po_key()])


def then(state: PurchaseOrder, *commands: Command) -> PurchaseOrder:
    """`state` after each command, decided in turn."""
    for command in commands:
        state = fold_onto(state, po.decide(command, state))
    return state


def receive(**units: int) -> ReceiveUnits:
    return ReceiveUnits(purchase_order_id=PO_ID, units=units, received_at=at(60))


CLOSE = CloseReceiving(purchase_order_id=PO_ID, closed_at=at(120))
WITHDRAW = WithdrawPurchaseOrder(purchase_order_id=PO_ID, reason="not needed")
ACKNOWLEDGE = AcknowledgeDiscrepancy(purchase_order_id=PO_ID)


def bound_to_a_shipment() -> PurchaseOrder:
    """A reconciled transfer's purchase order: Amazon owns it."""
    created = PurchaseOrderCreated(
        purchase_order_id=PO_ID,
        transfer_order_id=TO_ID,
        shipment_id="FBA1",
        warehouse_id=FBA.warehouse_id,
        lines=lines(A=10),
    )
    return fold(po.evolve, [created])


def po_key(purchase_order_id: str = PO_ID) -> tuple[str, str]:
    return (StreamKind.PURCHASE_ORDER, purchase_order_id)


def transfer(
    order_lines: tuple[PurchaseLine, ...] | None = None,
    source: Warehouse | None = STORE,
    destination: Warehouse | None = BACK,
    source_id: str | None = None,
    destination_id: str | None = None,
) -> Decision:
    command = CreateTransferOrder(
        transfer_order_id=TO_ID,
        sales_order_id=SO_ID,
        purchase_order_id=PO_ID,
        source_warehouse_id=source_id or (source or STORE).warehouse_id,
        destination_warehouse_id=destination_id or (destination or BACK).warehouse_id,
        lines=order_lines or lines(A=10),
    )
    return create_transfer_order(command, source, destination)


class Transfer:
    """A user's transfer: its sales and purchase orders, worked as the API works them."""

    def __init__(self, decision: Decision) -> None:
        self.sales: SalesOrder = fold(so.evolve, decision[(StreamKind.SALES_ORDER, SO_ID)])
        self.purchase: PurchaseOrder = fold(po.evolve, decision[po_key()])

    def apply(self, decision: Decision) -> None:
        for (kind, _), events in decision.items():
            if kind == StreamKind.SALES_ORDER:
                self.sales = _fold_sales(self.sales, events)
            else:
                self.purchase = fold_onto(self.purchase, events)

    def ship(self, minute: int = 10) -> "Transfer":
        self.apply(mark_shipped(self.sales, self.purchase, at(minute)))
        return self

    def receive(self, minute: int = 60, **units: int) -> Decision:
        """As `receive_transfer`: the purchase order's receipt, then what was received over the
        sales order's own plan left the source too."""
        receipt = ReceiveUnits(purchase_order_id=PO_ID, units=units, received_at=at(minute))
        purchase_events = po.decide(receipt, self.purchase)
        after = fold_onto(self.purchase, purchase_events)
        over_plan = so.FollowAmazonPlan(
            sales_order_id=SO_ID,
            shipment_id=None,
            planned={line.sku: line.quantity for line in self.sales.lines},
            received={sku: line.quantity_received for sku, line in after.lines.items()},
            observed_at=at(minute),
        )
        decision: Decision = {po_key(): purchase_events}
        if sales_events := so.decide(over_plan, self.sales):
            decision[(StreamKind.SALES_ORDER, SO_ID)] = sales_events
        self.apply(decision)
        return decision

    def contributions(self) -> dict[tuple[str, str], StockFigures]:
        return {
            **sales_order_contribution(self.sales),
            **purchase_order_contribution(self.purchase),
        }


def _fold_sales(state: SalesOrder, events: list[DomainEvent]) -> SalesOrder:
    current: SalesOrder | None = state
    for event in events:
        current = so.evolve(current, event)
    assert current is not None
    return current


def refused(error: type[DomainError], command: Command, state: PurchaseOrder | None) -> DomainError:
    """The error `decide` raises, of exactly that type (OrderLocked is an InvalidTransition)."""
    with pytest.raises(error) as raised:
        po.decide(command, state)
    assert type(raised.value) is error
    return raised.value


# Placing a vendor purchase order


def test_an_order_into_an_own_warehouse_is_open_and_received_by_the_user() -> None:
    decision = place(lines(A=100, B=5))

    assert list(decision) == [po_key()]
    [created] = decision[po_key()]
    assert created == PurchaseOrderCreated(
        purchase_order_id=PO_ID,
        warehouse_id=STORE.warehouse_id,
        lines=(
            PurchaseLine(sku="A", quantity=100, unit_cost=Decimal("2.5")),
            PurchaseLine(sku="B", quantity=5, unit_cost=Decimal("9")),
        ),
        source_type=SourceType.VENDOR,
        vendor_id=ACME.vendor_id,
        reference="PO-2026-001",
        expected_date=date(2026, 12, 1),
        received_by_amazon=False,
    )
    state = fold(po.evolve, [created])
    assert state.status is PurchaseOrderStatus.OPEN
    assert not state.locked and state.transfer_order_id is None


def test_an_order_into_fba_is_received_by_amazon_and_not_locked_until_bound() -> None:
    [created] = place(destination=FBA)[po_key()]

    assert isinstance(created, PurchaseOrderCreated)
    assert created.received_by_amazon is True
    assert created.warehouse_id == FBA.warehouse_id
    state = fold(po.evolve, [created])
    assert not state.locked and state.shipment_id is None


def test_a_line_without_a_unit_cost_takes_the_vendors_and_a_given_cost_is_kept() -> None:
    given_costs = (
        PurchaseLine(sku="A", quantity=1),  # the vendor's 2.5
        PurchaseLine(sku="B", quantity=1, unit_cost=Decimal("7.25")),  # not the vendor's 9
        PurchaseLine(sku="C", quantity=1),  # the vendor has no terms for C
        PurchaseLine(sku="D", quantity=1, unit_cost=Decimal("0")),  # free is a cost
    )

    state = placed(given_costs)

    assert {sku: line.unit_cost for sku, line in state.lines.items()} == {
        "A": Decimal("2.5"),
        "B": Decimal("7.25"),
        "C": None,
        "D": Decimal("0"),
    }


def test_an_optional_reference_and_expected_date_may_be_left_out() -> None:
    [created] = place(reference=None, expected_date=None)[po_key()]

    assert isinstance(created, PurchaseOrderCreated)
    assert (created.reference, created.expected_date) == (None, None)


def test_an_unknown_vendor_or_destination_is_not_found_with_the_field() -> None:
    with pytest.raises(NotFound) as no_vendor:
        place(vendor=None)
    with pytest.raises(NotFound) as no_destination:
        place(destination=None)

    assert no_vendor.value.field == "vendor_id"
    assert no_destination.value.field == "destination_warehouse_id"


def test_a_disabled_destination_is_refused_with_the_field() -> None:
    disabled = STORE.model_copy(update={"enabled": False})

    with pytest.raises(InvalidCommand) as raised:
        place(destination=disabled)

    assert type(raised.value) is InvalidCommand  # 422: not a valid destination
    assert raised.value.field == "destination_warehouse_id"


def line(sku: str, quantity: int) -> dict[str, object]:
    return {"sku": sku, "quantity": quantity}


BAD_LINES = {
    "no line": [],
    "a SKU twice": [line("A", 1), line("A", 2)],
    "quantity 0": [line("A", 0)],
    "quantity negative": [line("A", -1)],
    "quantity over 1e9": [line("A", MAX_UNITS + 1)],
    "more than 1000 lines": [line(f"S{i}", 1) for i in range(MAX_LINES + 1)],
    "an empty SKU": [line("", 1)],
    "a negative unit cost": [{**line("A", 1), "unit_cost": "-0.01"}],
    "a unit cost with 5 decimals": [{**line("A", 1), "unit_cost": "1.23456"}],
    "a unit cost over 1e9": [{**line("A", 1), "unit_cost": "1000000000.01"}],
}


@pytest.mark.parametrize("bad", BAD_LINES.values(), ids=BAD_LINES.keys())
def test_bad_lines_are_refused_by_the_command(bad: list[dict[str, object]]) -> None:
    fields = {"vendor_id": ACME.vendor_id, "destination_warehouse_id": STORE.warehouse_id}
    with pytest.raises(ValidationError):
        PlacePurchaseOrder.model_validate({"purchase_order_id": PO_ID, **fields, "lines": bad})
    with pytest.raises(ValidationError):
        EditPurchaseOrder.model_validate({"purchase_order_id": PO_ID, "lines": bad})


def test_the_limits_themselves_are_accepted() -> None:
    many = tuple(PurchaseLine(sku=f"S{i}", quantity=MAX_UNITS) for i in range(MAX_LINES))
    command = PlacePurchaseOrder(
        purchase_order_id=PO_ID,
        vendor_id=ACME.vendor_id,
        destination_warehouse_id=STORE.warehouse_id,
        lines=(*many[:-1], PurchaseLine(sku="Z", quantity=1, unit_cost=Decimal("0.0001"))),
    )

    assert len(command.lines) == MAX_LINES


def test_a_reference_is_1_to_200_characters() -> None:
    for reference in ("", "x" * 201):
        with pytest.raises(ValidationError):
            place(reference=reference)
    place(reference="x" * 200)


# Editing


def test_an_edit_replaces_all_the_lines() -> None:
    state = placed(lines(A=100, B=5))

    events = po.decide(EditPurchaseOrder(purchase_order_id=PO_ID, lines=lines(A=80, C=3)), state)

    assert events == [PurchaseOrderEdited(purchase_order_id=PO_ID, lines=lines(A=80, C=3))]
    after = fold_onto(state, events)
    assert {sku: line.quantity_ordered for sku, line in after.lines.items()} == {"A": 80, "C": 3}
    assert after.reference == state.reference and after.expected_date == state.expected_date


def test_an_edit_changes_the_reference_and_expected_date_alone() -> None:
    state = placed()

    events = po.decide(
        EditPurchaseOrder(
            purchase_order_id=PO_ID, reference="PO-2026-002", expected_date=date(2027, 1, 15)
        ),
        state,
    )

    assert events == [
        PurchaseOrderEdited(
            purchase_order_id=PO_ID, reference="PO-2026-002", expected_date=date(2027, 1, 15)
        )
    ]
    after = fold_onto(state, events)
    assert (after.reference, after.expected_date) == ("PO-2026-002", date(2027, 1, 15))
    assert after.lines == state.lines


def test_an_edit_carries_only_what_changed() -> None:
    state = placed()

    events = po.decide(
        EditPurchaseOrder(
            purchase_order_id=PO_ID, reference=state.reference, expected_date=date(2027, 1, 1)
        ),
        state,
    )

    assert events == [PurchaseOrderEdited(purchase_order_id=PO_ID, expected_date=date(2027, 1, 1))]


def test_an_edit_that_changes_nothing_decides_nothing() -> None:
    state = placed(lines(A=100, B=5))
    same = EditPurchaseOrder(
        purchase_order_id=PO_ID,
        lines=tuple(
            PurchaseLine(sku=sku, quantity=line.quantity_ordered, unit_cost=line.unit_cost)
            for sku, line in state.lines.items()
        ),
        reference=state.reference,
        expected_date=state.expected_date,
    )

    assert po.decide(same, state) == []
    assert po.decide(EditPurchaseOrder(purchase_order_id=PO_ID), state) == []


def test_an_order_something_was_received_on_cannot_be_edited() -> None:
    state = then(placed(), receive(A=1))

    error = refused(
        InvalidTransition, EditPurchaseOrder(purchase_order_id=PO_ID, reference="x"), state
    )
    assert "partially_received" in str(error)


@pytest.mark.parametrize("command", [CLOSE, WITHDRAW], ids=["closed", "cancelled"])
def test_a_closed_or_cancelled_order_cannot_be_edited(command: Command) -> None:
    state = then(placed(), command)

    refused(InvalidTransition, EditPurchaseOrder(purchase_order_id=PO_ID, reference="x"), state)


def test_an_order_bound_to_a_shipment_is_locked() -> None:
    error = refused(
        OrderLocked,
        EditPurchaseOrder(purchase_order_id=PO_ID, lines=lines(A=5)),
        bound_to_a_shipment(),
    )

    assert error.code == "order_locked"


def test_a_transfers_purchase_order_cannot_be_edited() -> None:
    # Its lines are the transfer's: edited alone, 10 would leave the source and 15 arrive.
    order = Transfer(transfer(lines(A=10)))
    edit = EditPurchaseOrder(purchase_order_id=PO_ID, lines=lines(A=15))

    with pytest.raises(InvalidTransition, match="inbound half of transfer order"):
        po.decide(edit, order.purchase)


def test_an_edited_reference_is_1_to_200_characters() -> None:
    for reference in ("", "x" * 201):
        with pytest.raises(ValidationError):
            EditPurchaseOrder(purchase_order_id=PO_ID, reference=reference)


# Receiving


def test_a_partial_receipt_books_the_units_counted() -> None:
    state = placed(lines(A=100, B=5))

    events = po.decide(receive(A=60), state)

    assert events == [
        PurchaseOrderReceived(
            purchase_order_id=PO_ID,
            receipts=(LineReceipt(sku="A", quantity_received=60, delta=60),),
        )
    ]
    assert fold_onto(state, events).status is PurchaseOrderStatus.PARTIALLY_RECEIVED


def test_receipts_are_deltas_and_an_over_receipt_is_received() -> None:
    state = then(placed(), receive(A=60))

    events = po.decide(receive(A=50), state)

    assert events == [
        PurchaseOrderReceived(
            purchase_order_id=PO_ID,
            receipts=(LineReceipt(sku="A", quantity_received=110, delta=50),),
        )
    ]
    after = fold_onto(state, events)
    assert after.status is PurchaseOrderStatus.RECEIVED
    assert after.lines["A"].missing == 0


def test_receiving_every_line_in_full_is_received() -> None:
    state = then(placed(lines(A=100, B=5)), receive(A=100))
    assert state.status is PurchaseOrderStatus.PARTIALLY_RECEIVED

    assert then(state, receive(B=5)).status is PurchaseOrderStatus.RECEIVED


def test_an_unplanned_sku_adds_a_line_with_nothing_ordered() -> None:
    state = placed()

    events = po.decide(receive(Z=3, A=10), state)

    assert events == [
        PurchaseOrderLinesAdded(purchase_order_id=PO_ID, skus=("Z",)),
        PurchaseOrderReceived(
            purchase_order_id=PO_ID,
            receipts=(
                LineReceipt(sku="A", quantity_received=10, delta=10),
                LineReceipt(sku="Z", quantity_received=3, delta=3),
            ),
        ),
    ]
    after = fold_onto(state, events)
    z = after.lines["Z"]
    assert (z.quantity_ordered, z.quantity_received, z.unit_cost) == (0, 3, None)
    assert after.status is PurchaseOrderStatus.PARTIALLY_RECEIVED


@pytest.mark.parametrize("command", [CLOSE, WITHDRAW], ids=["closed", "cancelled"])
def test_a_closed_or_cancelled_order_takes_no_receipts(command: Command) -> None:
    state = then(placed(), command)

    refused(InvalidTransition, receive(A=1), state)


def test_an_order_into_fba_is_received_by_amazon_only() -> None:
    error = refused(ReceivedByAmazon, receive(A=1), placed(destination=FBA))

    assert error.code == "received_by_amazon"
    refused(ReceivedByAmazon, receive(A=1), bound_to_a_shipment())


@pytest.mark.parametrize("units", [{}, {"A": 0}, {"A": -1}, {"A": MAX_UNITS + 1}])
def test_a_receipt_counts_1_to_1e9_units_per_sku(units: dict[str, int]) -> None:
    with pytest.raises(ValidationError):
        ReceiveUnits(purchase_order_id=PO_ID, units=units, received_at=at(0))


def test_a_receipt_has_at_most_1000_skus() -> None:
    with pytest.raises(ValidationError):
        ReceiveUnits(
            purchase_order_id=PO_ID,
            units={f"S{i}": 1 for i in range(MAX_LINES + 1)},
            received_at=at(0),
        )


def test_user_commands_to_a_missing_order_are_not_found() -> None:
    for command in (receive(A=1), CLOSE, WITHDRAW, EditPurchaseOrder(purchase_order_id=PO_ID)):
        refused(NotFound, command, None)


# Closing


def test_closing_turns_what_is_missing_into_the_discrepancy() -> None:
    state = then(placed(lines(A=100, B=5)), receive(A=60, B=7))

    events = po.decide(CLOSE, state)

    assert events == [
        PurchaseOrderClosed(
            purchase_order_id=PO_ID, discrepancies=(LineDiscrepancy(sku="A", quantity=40),)
        )
    ]
    after = fold_onto(state, events)
    assert after.status is PurchaseOrderStatus.CLOSED_SHORT
    assert after.open_discrepancies() == (LineDiscrepancy(sku="A", quantity=40),)


def test_closing_with_nothing_received_makes_everything_the_discrepancy() -> None:
    state = then(placed(lines(A=100, B=5)), CLOSE)

    assert state.status is PurchaseOrderStatus.CLOSED_SHORT
    assert state.open_discrepancies() == (
        LineDiscrepancy(sku="A", quantity=100),
        LineDiscrepancy(sku="B", quantity=5),
    )


def test_closing_an_order_received_in_full_is_received() -> None:
    state = then(placed(), receive(A=100))

    events = po.decide(CLOSE, state)

    assert events == [PurchaseOrderClosed(purchase_order_id=PO_ID, discrepancies=())]
    after = fold_onto(state, events)
    assert after.closed and after.status is PurchaseOrderStatus.RECEIVED


@pytest.mark.parametrize("command", [CLOSE, WITHDRAW], ids=["closed", "cancelled"])
def test_a_closed_or_cancelled_order_cannot_be_closed(command: Command) -> None:
    refused(InvalidTransition, CLOSE, then(placed(), command))


def test_an_order_into_fba_is_closed_by_amazon_only() -> None:
    refused(ReceivedByAmazon, CLOSE, placed(destination=FBA))


def test_acknowledging_a_closed_vendor_order_writes_its_discrepancy_off() -> None:
    state = then(placed(), receive(A=60), CLOSE, ACKNOWLEDGE)

    assert state.lines["A"].written_off == 40
    assert state.open_discrepancies() == ()
    assert state.status is PurchaseOrderStatus.CLOSED_SHORT


# Withdrawing (the user's cancel)


def test_withdrawing_an_open_order_cancels_it() -> None:
    state = placed()

    events = po.decide(WITHDRAW, state)

    assert events == [PurchaseOrderCancelled(purchase_order_id=PO_ID, reason="not needed")]
    after = fold_onto(state, events)
    assert after.status is PurchaseOrderStatus.CANCELLED
    assert po.decide(WITHDRAW, after) == []  # once is enough


def test_an_order_into_fba_not_yet_bound_can_be_withdrawn() -> None:
    assert then(placed(destination=FBA), WITHDRAW).status is PurchaseOrderStatus.CANCELLED


def test_an_order_something_was_received_on_cannot_be_withdrawn() -> None:
    error = refused(InvalidTransition, WITHDRAW, then(placed(), receive(A=1)))

    assert "close it instead" in str(error)


def test_a_closed_order_cannot_be_withdrawn() -> None:
    refused(InvalidTransition, WITHDRAW, then(placed(), CLOSE))


def test_a_locked_order_cannot_be_withdrawn() -> None:
    refused(OrderLocked, WITHDRAW, bound_to_a_shipment())


def test_a_transfers_purchase_order_cannot_be_withdrawn_alone() -> None:
    order = Transfer(transfer())

    error = refused(InvalidTransition, WITHDRAW, order.purchase)

    assert TO_ID in str(error)


# Creating a transfer


def test_a_transfer_creates_its_transfer_sales_and_purchase_orders_at_once() -> None:
    with_costs = (
        PurchaseLine(sku="A", quantity=10, unit_cost=Decimal("3")),
        PurchaseLine(sku="B", quantity=4),
    )

    decision = transfer(with_costs)

    order_lines = (OrderLine(sku="A", quantity=10), OrderLine(sku="B", quantity=4))
    assert decision == {
        (StreamKind.TRANSFER_ORDER, TO_ID): [
            TransferOrderCreated(
                transfer_order_id=TO_ID,
                sales_order_id=SO_ID,
                purchase_order_id=PO_ID,
                source_warehouse_id=STORE.warehouse_id,
                destination_warehouse_id=BACK.warehouse_id,
                lines=order_lines,
            )
        ],
        (StreamKind.SALES_ORDER, SO_ID): [
            SalesOrderCreated(
                sales_order_id=SO_ID,
                transfer_order_id=TO_ID,
                warehouse_id=STORE.warehouse_id,
                lines=order_lines,
            )
        ],
        po_key(): [
            PurchaseOrderCreated(
                purchase_order_id=PO_ID,
                transfer_order_id=TO_ID,
                warehouse_id=BACK.warehouse_id,
                lines=lines(A=10, B=4),  # a transfer moves stock: no unit cost
                source_type=SourceType.WAREHOUSE,
                received_by_amazon=False,
            )
        ],
    }
    order = Transfer(decision)
    assert order.sales.status is SalesOrderStatus.OPEN
    assert order.purchase.status is PurchaseOrderStatus.OPEN
    assert not order.purchase.locked and order.purchase.vendor_id is None


def test_a_transfer_into_fba_is_received_by_amazon() -> None:
    order = Transfer(transfer(destination=FBA))

    assert order.purchase.received_by_amazon
    assert order.purchase.warehouse_id == FBA.warehouse_id
    refused(ReceivedByAmazon, receive(A=1), order.ship().purchase)


def test_a_transfer_cannot_start_at_amazon() -> None:
    with pytest.raises(InvalidCommand) as raised:
        transfer(source=FBA)

    assert raised.value.field == "source_warehouse_id"


def test_a_transfer_needs_two_different_warehouses() -> None:
    with pytest.raises(InvalidCommand) as raised:
        transfer(source=STORE, destination=STORE)

    assert raised.value.field == "destination_warehouse_id"


def test_an_unknown_source_or_destination_is_not_found_with_the_field() -> None:
    with pytest.raises(NotFound) as no_source:
        transfer(source=None, source_id="wh-gone")
    with pytest.raises(NotFound) as no_destination:
        transfer(destination=None, destination_id="wh-gone")

    assert no_source.value.field == "source_warehouse_id"
    assert no_destination.value.field == "destination_warehouse_id"


def test_a_disabled_source_or_destination_is_refused_with_the_field() -> None:
    disabled_source = own_warehouse(enabled=False)
    disabled_destination = own_warehouse(enabled=False)

    with pytest.raises(InvalidCommand) as source:
        transfer(source=disabled_source)
    with pytest.raises(InvalidCommand) as destination:
        transfer(destination=disabled_destination)

    assert source.value.field == "source_warehouse_id"
    assert destination.value.field == "destination_warehouse_id"


def test_a_transfers_lines_are_validated_like_an_orders() -> None:
    with pytest.raises(ValidationError):
        CreateTransferOrder(
            transfer_order_id=TO_ID,
            sales_order_id=SO_ID,
            purchase_order_id=PO_ID,
            source_warehouse_id=STORE.warehouse_id,
            destination_warehouse_id=BACK.warehouse_id,
            lines=(PurchaseLine(sku="A", quantity=1), PurchaseLine(sku="A", quantity=1)),
        )


# Working a transfer


def test_a_transfer_is_received_only_after_it_shipped() -> None:
    order = Transfer(transfer())

    error = refused(InvalidTransition, receive(A=1), order.purchase)
    assert "mark it shipped first" in str(error)
    refused(InvalidTransition, CLOSE, order.purchase)

    order.ship()
    assert order.sales.status is SalesOrderStatus.SHIPPED and order.purchase.shipped
    assert types(order.receive(A=4)[po_key()]) == ["PurchaseOrderReceived"]
    assert order.purchase.status is PurchaseOrderStatus.PARTIALLY_RECEIVED


def test_units_received_over_a_transfers_plan_left_its_source_too() -> None:
    order = Transfer(transfer(lines(A=10))).ship()

    decision = order.receive(A=12, Z=2)

    assert types(decision[(StreamKind.SALES_ORDER, SO_ID)]) == ["SalesOrderShippedOverPlan"]
    lines_out = order.sales.line_map()
    assert (lines_out["A"].quantity, lines_out["A"].shipped_over_plan) == (10, 2)
    assert (lines_out["Z"].quantity, lines_out["Z"].shipped_over_plan) == (0, 2)
    # counted again within the plan: nothing more left
    assert (StreamKind.SALES_ORDER, SO_ID) not in Transfer(transfer()).ship().receive(A=3)


def test_a_closed_transfer_takes_no_receipts() -> None:
    order = Transfer(transfer()).ship()
    order.receive(A=4)
    order.purchase = then(order.purchase, CLOSE)

    assert order.purchase.open_discrepancies() == (LineDiscrepancy(sku="A", quantity=6),)
    refused(InvalidTransition, receive(A=1), order.purchase)


# What each state contributes to the stock figures


def test_a_vendor_order_is_on_order_then_on_hand_then_the_discrepancy() -> None:
    where = (STORE.warehouse_id, "A")
    state = placed(lines(A=100))
    assert purchase_order_contribution(state) == {where: StockFigures(on_order=100)}

    state = then(state, receive(A=60))
    assert purchase_order_contribution(state) == {where: StockFigures(on_hand=60, on_order=40)}

    state = then(state, CLOSE)
    assert purchase_order_contribution(state) == {where: StockFigures(on_hand=60, discrepancy=40)}

    state = then(state, ACKNOWLEDGE)
    assert purchase_order_contribution(state) == {where: StockFigures(on_hand=60, written_off=40)}


def test_a_vendor_order_over_received_or_with_unplanned_units_is_on_hand() -> None:
    state = then(placed(lines(A=100)), receive(A=110, Z=3))

    assert purchase_order_contribution(state) == {
        (STORE.warehouse_id, "A"): StockFigures(on_hand=110),
        (STORE.warehouse_id, "Z"): StockFigures(on_hand=3),
    }
    assert purchase_order_contribution(then(state, CLOSE)) == purchase_order_contribution(state)


def test_an_edited_vendor_order_is_on_order_as_edited() -> None:
    state = then(
        placed(lines(A=100, B=5)),
        EditPurchaseOrder(purchase_order_id=PO_ID, lines=lines(A=80, C=3)),
    )

    assert purchase_order_contribution(state) == {
        (STORE.warehouse_id, "A"): StockFigures(on_order=80),
        (STORE.warehouse_id, "C"): StockFigures(on_order=3),
    }


def test_a_withdrawn_vendor_order_contributes_nothing() -> None:
    assert purchase_order_contribution(then(placed(), WITHDRAW)) == {}


def test_a_vendor_order_into_fba_is_on_order_there() -> None:
    assert purchase_order_contribution(placed(lines(A=100), destination=FBA)) == {
        (FBA.warehouse_id, "A"): StockFigures(on_order=100)
    }


def test_a_vendor_orders_units_are_accounted_in_every_state() -> None:
    """From a vendor (never shipped): on hand + on order + discrepancy + written off =
    max(ordered, received) per SKU, whatever the state; nothing once withdrawn."""
    states = [placed(lines(A=100, B=5))]
    for command in (receive(A=60, Z=2), receive(B=9), CLOSE, ACKNOWLEDGE):
        states.append(then(states[-1], command))
    for state in states:
        contribution = purchase_order_contribution(state)
        for sku, line in state.lines.items():
            figures = contribution.get((STORE.warehouse_id, sku), StockFigures())
            assert figures.in_transit == figures.receiving == 0
            accounted = (
                figures.on_hand + figures.on_order + figures.discrepancy + figures.written_off
            )
            assert accounted == max(line.quantity_ordered, line.quantity_received), (sku, state)


def test_a_transfer_is_committed_then_in_transit_then_received() -> None:
    source, destination = (STORE.warehouse_id, "A"), (BACK.warehouse_id, "A")
    order = Transfer(transfer(lines(A=10)))
    assert order.contributions() == {
        source: StockFigures(committed=10),
        destination: StockFigures(on_order=10),
    }

    order.ship()
    assert order.contributions() == {
        source: StockFigures(on_hand=-10),
        destination: StockFigures(in_transit=10),
    }

    order.receive(A=4)
    assert order.contributions() == {
        source: StockFigures(on_hand=-10),
        destination: StockFigures(on_hand=4, receiving=6),
    }

    order.purchase = then(order.purchase, CLOSE)
    assert order.contributions() == {
        source: StockFigures(on_hand=-10),
        destination: StockFigures(on_hand=4, discrepancy=6),
    }


def test_a_transfer_received_over_its_plan_took_the_extra_units_from_its_source() -> None:
    order = Transfer(transfer(lines(A=10))).ship()

    order.receive(A=12, Z=2)

    assert order.contributions() == {
        (STORE.warehouse_id, "A"): StockFigures(on_hand=-12),
        (STORE.warehouse_id, "Z"): StockFigures(on_hand=-2),
        (BACK.warehouse_id, "A"): StockFigures(on_hand=12),
        (BACK.warehouse_id, "Z"): StockFigures(on_hand=2),
    }
