"""Reconciling a shipment onto an existing purchase order into FBA, or from a vendor straight to
FBA, and following Amazon with a purchase order alone: given these events, when this, then that."""

from datetime import date
from decimal import Decimal

import pytest

from domain.errors import InvalidCommand, InvalidTransition, NotFound, OrderLocked
from domain.inbound_shipment.observe import observe
from domain.orders import purchase_order as po
from domain.orders.follow_shipment import follow_shipment
from domain.orders.lines import LineChange
from domain.orders.placing import CreateTransferOrder, create_transfer_order
from domain.orders.transfer import (
    ReconcileToPurchaseOrder,
    ReconcileToVendor,
    reconcile_to_purchase_order,
    reconcile_to_vendor,
)
from domain.orders.transfer_order import TransferOrder
from domain.orders.transfer_order import evolve as evolve_transfer
from domain.stock.contributions import purchase_order_contribution
from domain.stock.figures import StockFigures
from domain.streams import StreamKind
from domain.vendor import Vendor, VendorProduct
from tests.unit.domain.builders import at, fold, new_id, snapshot
from tests.unit.domain.scenario import Scenario, fba_warehouse_for, own_warehouse

VENDOR = Vendor(
    vendor_id="vendor-1",
    name="Acme",
    lead_time_days=10,
    currency="USD",
    products=(VendorProduct(sku="A", unit_cost=Decimal("1.5")),),
)


def observed(lines: dict[str, tuple[int, int]], status: str = "WORKING") -> Scenario:
    scenario = Scenario()
    scenario.observe(status, lines, 0)
    return scenario


def order_of(scenario: Scenario, purchase_order_id: str) -> po.PurchaseOrder:
    state = fold(po.evolve, scenario.events(StreamKind.PURCHASE_ORDER, purchase_order_id))
    assert state is not None
    return state


def follow(scenario: Scenario, purchase_order_id: str, minute: int) -> None:
    shipment = scenario.shipment()
    assert shipment is not None
    order = order_of(scenario, purchase_order_id)
    scenario.apply(follow_shipment(shipment, None, order, at(minute), scenario.shipment_version()))


def an_open_order_into_fba(scenario: Scenario, lines: dict[str, int]) -> po.PurchaseOrder:
    shipment = scenario.shipment()
    assert shipment is not None
    created = po.PurchaseOrderCreated(
        purchase_order_id=new_id("po-"),
        warehouse_id=fba_warehouse_for(shipment).warehouse_id,
        lines=tuple(po.PurchaseLine(sku=sku, quantity=q) for sku, q in lines.items()),
        source_type=po.SourceType.VENDOR,
        vendor_id=VENDOR.vendor_id,
        received_by_amazon=True,
    )
    scenario.apply({(StreamKind.PURCHASE_ORDER, created.purchase_order_id): [created]})
    return order_of(scenario, created.purchase_order_id)


def test_from_a_vendor_a_purchase_order_straight_to_fba_with_the_vendors_costs() -> None:
    scenario = observed({"A": (10, 0), "B": (4, 0)})
    shipment = scenario.shipment()
    assert shipment is not None
    command = ReconcileToVendor(
        shipment_id=scenario.shipment_id, vendor_id=VENDOR.vendor_id, purchase_order_id="po-v"
    )

    decision = reconcile_to_vendor(command, shipment, VENDOR, fba_warehouse_for(shipment))
    scenario.apply(decision)

    assert set(decision) == {
        (StreamKind.SHIPMENT, scenario.shipment_id),
        (StreamKind.PURCHASE_ORDER, "po-v"),
    }
    order = order_of(scenario, "po-v")
    assert (order.locked, order.source_type, order.vendor_id) == (True, "vendor", "vendor-1")
    assert {sku: (line.quantity_ordered, line.unit_cost) for sku, line in order.lines.items()} == {
        "A": (10, Decimal("1.5")),
        "B": (4, None),
    }
    bound = scenario.shipment()
    assert bound is not None and bound.reconciliation is not None
    assert (bound.reconciliation.sales_order_id, bound.reconciliation.purchase_order_id) == (
        None,
        "po-v",
    )


def test_a_vendor_order_follows_amazon_alone_shipped_received_and_closed_short() -> None:
    scenario = observed({"A": (10, 0)})
    shipment = scenario.shipment()
    assert shipment is not None
    command = ReconcileToVendor(
        shipment_id=scenario.shipment_id, vendor_id=VENDOR.vendor_id, purchase_order_id="po-v"
    )
    scenario.apply(reconcile_to_vendor(command, shipment, VENDOR, fba_warehouse_for(shipment)))
    fba = fba_warehouse_for(shipment).warehouse_id

    scenario.observe("RECEIVING", {"A": (10, 6)}, 10)
    follow(scenario, "po-v", 10)
    receiving = order_of(scenario, "po-v")
    scenario.observe("CLOSED", {"A": (10, 9)}, 20)
    follow(scenario, "po-v", 20)
    closed = order_of(scenario, "po-v")

    assert receiving.shipped and receiving.shipped_at == at(10)
    assert purchase_order_contribution(receiving) == {
        (fba, "A"): StockFigures(on_hand=6, receiving=4)
    }
    assert closed.status is po.PurchaseOrderStatus.CLOSED_SHORT
    assert purchase_order_contribution(closed) == {
        (fba, "A"): StockFigures(on_hand=9, discrepancy=1)
    }


def test_a_vendor_order_is_cancelled_with_its_shipment_before_anything_left() -> None:
    scenario = observed({"A": (10, 0)})
    shipment = scenario.shipment()
    assert shipment is not None
    command = ReconcileToVendor(
        shipment_id=scenario.shipment_id, vendor_id=VENDOR.vendor_id, purchase_order_id="po-v"
    )
    scenario.apply(reconcile_to_vendor(command, shipment, VENDOR, fba_warehouse_for(shipment)))

    scenario.observe("CANCELLED", {"A": (10, 0)}, 5)
    follow(scenario, "po-v", 5)

    assert order_of(scenario, "po-v").status is po.PurchaseOrderStatus.CANCELLED
    assert purchase_order_contribution(order_of(scenario, "po-v")) == {}


def test_onto_an_open_order_into_fba_it_is_bound_and_then_follows_the_plan() -> None:
    scenario = observed({"A": (10, 0), "B": (5, 0)})
    order = an_open_order_into_fba(scenario, {"A": 12, "C": 3})
    shipment = scenario.shipment()
    assert shipment is not None
    command = ReconcileToPurchaseOrder(
        shipment_id=scenario.shipment_id, purchase_order_id=order.purchase_order_id
    )

    scenario.apply(reconcile_to_purchase_order(command, shipment, order, None))
    bound = order_of(scenario, order.purchase_order_id)
    follow(scenario, order.purchase_order_id, 1)
    following = order_of(scenario, order.purchase_order_id)

    assert bound.locked and bound.shipment_id == scenario.shipment_id
    assert bound.bound_differences == (
        LineChange(sku="A", from_quantity=12, to_quantity=10),
        LineChange(sku="B", from_quantity=0, to_quantity=5),
        LineChange(sku="C", from_quantity=3, to_quantity=0),
    )
    assert {sku: line.quantity_ordered for sku, line in following.lines.items()} == {
        "A": 10,
        "B": 5,
        "C": 0,
    }
    with pytest.raises(OrderLocked):
        po.decide(po.EditPurchaseOrder(purchase_order_id=order.purchase_order_id), following)


def test_a_transfers_order_into_fba_brings_its_transfer_and_sales_order_along() -> None:
    scenario = observed({"A": (10, 0)})
    shipment = scenario.shipment()
    assert shipment is not None
    source = own_warehouse()
    ids = CreateTransferOrder(
        transfer_order_id="to-1",
        sales_order_id="so-1",
        purchase_order_id="po-1",
        source_warehouse_id=source.warehouse_id,
        destination_warehouse_id=fba_warehouse_for(shipment).warehouse_id,
        lines=(po.PurchaseLine(sku="A", quantity=10),),
    )
    scenario.apply(create_transfer_order(ids, source, fba_warehouse_for(shipment)))
    transfer = fold(evolve_transfer, scenario.events(StreamKind.TRANSFER_ORDER, "to-1"))
    assert isinstance(transfer, TransferOrder)
    command = ReconcileToPurchaseOrder(shipment_id=scenario.shipment_id, purchase_order_id="po-1")

    decision = reconcile_to_purchase_order(command, shipment, order_of(scenario, "po-1"), transfer)
    scenario.apply(decision)

    reconciliation = scenario.shipment().reconciliation  # type: ignore[union-attr]
    assert reconciliation is not None
    assert (reconciliation.transfer_order_id, reconciliation.sales_order_id) == ("to-1", "so-1")
    assert reconciliation.source_warehouse_id == source.warehouse_id
    rebound = fold(evolve_transfer, scenario.events(StreamKind.TRANSFER_ORDER, "to-1"))
    assert rebound is not None and rebound.shipment_id == scenario.shipment_id


def refusal(order: po.PurchaseOrder | None, scenario: Scenario) -> Exception:
    shipment = scenario.shipment()
    command = ReconcileToPurchaseOrder(
        shipment_id=scenario.shipment_id,
        purchase_order_id=order.purchase_order_id if order else "po-none",
    )
    with pytest.raises((NotFound, InvalidCommand, InvalidTransition)) as refused:
        reconcile_to_purchase_order(command, shipment, order, None)
    return refused.value


def test_onto_an_order_is_refused_for_an_unknown_own_warehouse_or_received_order() -> None:
    scenario = observed({"A": (10, 0)})
    into_own = an_open_order_into_fba(scenario, {"A": 1}).model_copy(
        update={"warehouse_id": "wh-own", "received_by_amazon": False}
    )
    received = an_open_order_into_fba(scenario, {"A": 1}).model_copy(
        update={"lines": {"A": po.POLine(sku="A", quantity_ordered=1, quantity_received=1)}}
    )

    unknown = refusal(None, scenario)
    elsewhere = refusal(into_own, scenario)
    done = refusal(received, scenario)

    assert isinstance(unknown, NotFound) and unknown.field == "purchase_order_id"
    assert isinstance(elsewhere, InvalidCommand) and elsewhere.field == "purchase_order_id"
    assert "not" in str(elsewhere)
    assert isinstance(done, InvalidTransition) and "received" in str(done)


def test_a_shipment_reconciled_once_is_not_reconciled_again() -> None:
    scenario = observed({"A": (10, 0)})
    shipment = scenario.shipment()
    assert shipment is not None
    first = ReconcileToVendor(
        shipment_id=scenario.shipment_id, vendor_id=VENDOR.vendor_id, purchase_order_id="po-v"
    )
    scenario.apply(reconcile_to_vendor(first, shipment, VENDOR, fba_warehouse_for(shipment)))
    order = an_open_order_into_fba(scenario, {"A": 10})

    with pytest.raises(InvalidTransition, match="already reconciled to purchase order po-v"):
        reconcile_to_purchase_order(
            ReconcileToPurchaseOrder(
                shipment_id=scenario.shipment_id, purchase_order_id=order.purchase_order_id
            ),
            scenario.shipment(),
            order,
            None,
        )
    with pytest.raises(NotFound, match="vendor"):
        second = first.model_copy(update={"vendor_id": "vendor-x"})
        reconcile_to_vendor(second, observed({"A": (1, 0)}).shipment(), None, None)


def test_a_bound_order_takes_amazons_confirmed_need_by_date_as_its_expected_date() -> None:
    scenario = observed({"A": (10, 0)})
    shipment = scenario.shipment()
    assert shipment is not None
    command = ReconcileToVendor(
        shipment_id=scenario.shipment_id, vendor_id=VENDOR.vendor_id, purchase_order_id="po-v"
    )
    scenario.apply(reconcile_to_vendor(command, shipment, VENDOR, fba_warehouse_for(shipment)))
    dated = snapshot(scenario.shipment_id, "WORKING", {"A": (10, 0)}).model_copy(
        update={"confirmed_need_by_date": date(2026, 12, 24)}
    )
    scenario.apply(
        {(StreamKind.SHIPMENT, scenario.shipment_id): observe(scenario.shipment(), dated, at(3))}
    )

    follow(scenario, "po-v", 3)
    follow(scenario, "po-v", 4)  # the same date again decides nothing

    followed = [
        e
        for e in scenario.events(StreamKind.PURCHASE_ORDER, "po-v")
        if isinstance(e, po.PurchaseOrderExpectedDateFollowed)
    ]
    assert [e.expected_date for e in followed] == [date(2026, 12, 24)]
    assert order_of(scenario, "po-v").expected_date == date(2026, 12, 24)
