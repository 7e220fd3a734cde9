"""Reconcile, mark shipped and follow Amazon: given these events, when this, then that."""

import pytest

from domain.errors import InvalidCommand, InvalidTransition, NotFound
from domain.orders.follow_shipment import follow_shipment
from domain.orders.purchase_order import LineDiscrepancy, PurchaseOrderStatus
from domain.orders.sales_order import SalesOrderLine, SalesOrderStatus
from domain.orders.transfer import ReconcileShipment, mark_shipped, reconcile
from domain.streams import StreamKind
from domain.warehouse import Warehouse, WarehouseKind
from tests.unit.domain.builders import at, new_id, types
from tests.unit.domain.scenario import Scenario, fba_warehouse_for, own_warehouse, reconciled


def command_for(scenario: Scenario, source: Warehouse) -> ReconcileShipment:
    return ReconcileShipment(
        shipment_id=scenario.shipment_id,
        source_warehouse_id=source.warehouse_id,
        transfer_order_id=new_id("to-"),
        sales_order_id=new_id("so-"),
        purchase_order_id=new_id("po-"),
    )


def follow(scenario: Scenario, minute: int) -> None:
    shipment = scenario.shipment()
    assert shipment is not None
    scenario.apply(
        follow_shipment(
            shipment,
            scenario.sales_order(),
            scenario.purchase_order(),
            at(minute),
            scenario.shipment_version(),
        )
    )


def test_reconcile_creates_the_transfer_sales_and_purchase_orders_in_one_decision() -> None:
    scenario = reconciled({"A": (10, 0), "B": (5, 0)})
    assert scenario.ids is not None
    assert types(scenario.events(StreamKind.TRANSFER_ORDER, scenario.ids.transfer_order_id)) == [
        "TransferOrderCreated"
    ]
    assert scenario.sales_order().lines == (
        SalesOrderLine(sku="A", quantity=10),
        SalesOrderLine(sku="B", quantity=5),
    )
    assert scenario.sales_order().warehouse_id == scenario.ids.source_warehouse_id
    po = scenario.purchase_order()
    assert {sku: line.quantity_ordered for sku, line in po.lines.items()} == {"A": 10, "B": 5}
    assert po.status is PurchaseOrderStatus.OPEN
    shipment = scenario.shipment()
    assert shipment is not None and shipment.reconciliation is not None
    assert shipment.reconciliation.transfer_order_id == scenario.ids.transfer_order_id
    assert po.warehouse_id == fba_warehouse_for(shipment).warehouse_id


def test_a_shipment_can_be_reconciled_only_once() -> None:
    scenario = reconciled({"A": (10, 0)})
    shipment = scenario.shipment()
    assert shipment is not None
    source = own_warehouse()
    with pytest.raises(InvalidTransition, match="already reconciled"):
        reconcile(command_for(scenario, source), shipment, source, fba_warehouse_for(shipment))


def test_a_cancelled_or_deleted_shipment_cannot_be_reconciled() -> None:
    for status in ("CANCELLED", "DELETED"):
        scenario = Scenario()
        scenario.observe(status, {"A": (10, 0)}, 0)
        shipment = scenario.shipment()
        assert shipment is not None
        source = own_warehouse()
        with pytest.raises(InvalidTransition, match=status):
            reconcile(command_for(scenario, source), shipment, source, fba_warehouse_for(shipment))


def test_reconciling_needs_an_existing_enabled_non_fba_source_and_an_enabled_destination() -> None:
    scenario = Scenario()
    scenario.observe("WORKING", {"A": (10, 0)}, 0)
    shipment = scenario.shipment()
    assert shipment is not None
    source, destination = own_warehouse(), fba_warehouse_for(shipment)
    command = command_for(scenario, source)
    with pytest.raises(NotFound):
        reconcile(command, shipment, None, destination)
    with pytest.raises(InvalidCommand, match="disabled"):
        reconcile(command, shipment, own_warehouse(enabled=False), destination)
    with pytest.raises(InvalidCommand, match="missing or disabled"):
        reconcile(command, shipment, source, None)
    with pytest.raises(InvalidCommand, match="missing or disabled"):
        reconcile(command, shipment, source, destination.model_copy(update={"enabled": False}))
    fba_source = source.model_copy(update={"kind": WarehouseKind.FBA})
    with pytest.raises(InvalidCommand):
        reconcile(command, shipment, fba_source, destination)
    with pytest.raises(NotFound):
        reconcile(command, None, source, destination)


def test_mark_shipped_ships_the_sales_order_and_puts_the_purchase_order_in_transit() -> None:
    scenario = reconciled({"A": (10, 0)})
    scenario.apply(mark_shipped(scenario.sales_order(), scenario.purchase_order(), at(5)))
    assert scenario.sales_order().status is SalesOrderStatus.SHIPPED
    assert scenario.sales_order().shipped_at == at(5)
    assert scenario.purchase_order().shipped


def test_shipping_twice_is_refused() -> None:
    scenario = reconciled({"A": (10, 0)})
    scenario.apply(mark_shipped(scenario.sales_order(), scenario.purchase_order(), at(5)))
    with pytest.raises(InvalidTransition, match="already shipped"):
        mark_shipped(scenario.sales_order(), scenario.purchase_order(), at(6))


def test_shipping_a_cancelled_sales_order_is_refused() -> None:
    scenario = reconciled({"A": (10, 0)})
    scenario.observe("DELETED", {"A": (10, 0)}, 10)
    follow(scenario, 10)
    assert scenario.sales_order().status is SalesOrderStatus.CANCELLED
    with pytest.raises(InvalidTransition, match="cancelled"):
        mark_shipped(scenario.sales_order(), scenario.purchase_order(), at(11))


def test_auto_receive_books_the_delta_of_amazons_cumulative_totals() -> None:
    scenario = reconciled({"A": (10, 0), "B": (5, 0)})
    scenario.apply(mark_shipped(scenario.sales_order(), scenario.purchase_order(), at(5)))
    scenario.observe("RECEIVING", {"A": (10, 4), "B": (5, 0)}, 30)
    follow(scenario, 30)
    assert scenario.purchase_order().lines["A"].quantity_received == 4
    assert scenario.purchase_order().status is PurchaseOrderStatus.PARTIALLY_RECEIVED
    scenario.observe("RECEIVING", {"A": (10, 10), "B": (5, 5)}, 60)
    follow(scenario, 60)
    receipts = [
        e
        for e in scenario.events(
            StreamKind.PURCHASE_ORDER, scenario.purchase_order().purchase_order_id
        )
        if e.type == "PurchaseOrderReceived"
    ]
    assert [[(r.sku, r.delta) for r in e.receipts] for e in receipts] == [  # type: ignore[attr-defined]
        [("A", 4)],
        [("A", 6), ("B", 5)],
    ]
    assert scenario.purchase_order().status is PurchaseOrderStatus.RECEIVED


def test_following_the_same_shipment_twice_books_nothing_more() -> None:
    scenario = reconciled({"A": (10, 0)})
    scenario.observe("RECEIVING", {"A": (10, 4)}, 30)
    follow(scenario, 30)
    before = dict(scenario.streams)
    shipment = scenario.shipment()
    assert shipment is not None
    assert (
        follow_shipment(
            shipment,
            scenario.sales_order(),
            scenario.purchase_order(),
            at(31),
            scenario.shipment_version(),
        )
        == {}
    )
    assert scenario.streams == before


def test_units_received_before_anyone_marked_shipped_ship_the_sales_order() -> None:
    scenario = reconciled({"A": (10, 3)}, status="RECEIVING")
    follow(scenario, 1)
    assert scenario.sales_order().status is SalesOrderStatus.SHIPPED
    po = scenario.purchase_order()
    assert po.shipped and po.lines["A"].quantity_received == 3


def test_closing_short_closes_the_purchase_order_with_a_discrepancy_and_late_units_still_post() -> (
    None
):
    scenario = reconciled({"A": (10, 0), "B": (5, 0)})
    scenario.apply(mark_shipped(scenario.sales_order(), scenario.purchase_order(), at(5)))
    scenario.observe("CLOSED", {"A": (10, 7), "B": (5, 5)}, 60)
    follow(scenario, 60)
    po = scenario.purchase_order()
    assert po.status is PurchaseOrderStatus.CLOSED_SHORT
    assert po.open_discrepancies() == (LineDiscrepancy(sku="A", quantity=3),)
    scenario.observe("CLOSED", {"A": (10, 9), "B": (5, 5)}, 600)
    follow(scenario, 600)
    assert scenario.purchase_order().open_discrepancies() == (LineDiscrepancy(sku="A", quantity=1),)


def test_unplanned_skus_become_extra_purchase_order_lines_shipped_over_plan() -> None:
    scenario = reconciled({"A": (10, 0)})
    scenario.observe("RECEIVING", {"A": (10, 10), "Z": (0, 2)}, 30)
    follow(scenario, 30)
    po = scenario.purchase_order()
    assert (po.lines["Z"].quantity_ordered, po.lines["Z"].quantity_received) == (0, 2)
    assert po.open_discrepancies() == ()
    assert scenario.sales_order().line_map()["Z"].shipped_over_plan == 2


def test_a_cancelled_shipment_releases_its_unshipped_orders() -> None:
    scenario = reconciled({"A": (10, 0)})
    scenario.observe("CANCELLED", {"A": (10, 0)}, 30)
    follow(scenario, 30)
    assert scenario.sales_order().status is SalesOrderStatus.CANCELLED
    assert scenario.purchase_order().status is PurchaseOrderStatus.CANCELLED
    shipment = scenario.shipment()
    assert shipment is not None
    assert (
        follow_shipment(
            shipment,
            scenario.sales_order(),
            scenario.purchase_order(),
            at(31),
            scenario.shipment_version(),
        )
        == {}
    )


def test_a_shipment_amazon_closes_with_nothing_received_ships_and_closes_short() -> None:
    # Amazon closing a shipment says the goods left: they ship as of that observation
    scenario = reconciled({"A": (10, 0)})
    scenario.observe("CLOSED", {"A": (10, 0)}, 30)
    follow(scenario, 30)
    assert scenario.sales_order().status is SalesOrderStatus.SHIPPED
    assert scenario.sales_order().shipped_at == at(30)
    assert scenario.purchase_order().status is PurchaseOrderStatus.CLOSED_SHORT
    assert scenario.purchase_order().open_discrepancies() == (
        LineDiscrepancy(sku="A", quantity=10),
    )
