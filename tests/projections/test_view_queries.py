"""The queries the API serves, on DynamoDB-on-moto, over views projected by the real handler
from a history decided by the real deciders and reactor."""

import base64
import json
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest

from domain.warehouse import fba_warehouse_id
from functions.shared.adapters.stream_records import batch, record_of
from functions.shared.views.queries import InvalidCursor, ViewQueries
from tests.projections.conftest import Tables, new_tables
from tests.projections.world import CA, T0, US, World
from tests.support import cursor_codec


@dataclass
class Seller:
    world: World
    main: str
    s1: str  # reconciled from Main, shipped, 7 of 10 A and 0 of 5 B received, closed short
    s2: str  # CA, unreconciled, working
    s3: str  # US, unreconciled, shipped
    other_tenant: World

    @property
    def fba_us(self) -> str:
        return fba_warehouse_id(self.world.connection_id, US)


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


@pytest.fixture(scope="module")
def tables(moto_client) -> Tables:  # type: ignore[no-untyped-def]
    return new_tables(moto_client)


@pytest.fixture(scope="module")
def seller(tables: Tables) -> Seller:
    world = World(tables.event_store())
    world.connect((US, CA))
    main = world.own_warehouse("Main")
    world.count(main, {"A": 100, "B": 40})
    world.clock.advance(10)
    s1 = world.discover({"A": 10, "B": 5}, US)
    world.clock.advance(10)
    world.reconcile(s1, main)
    world.clock.advance(10)
    world.mark_shipped(s1)
    world.clock.advance(10)
    world.amazon_receives(s1, "A", 7)
    world.clock.advance(10)
    world.amazon_status(s1, "CLOSED")
    world.clock.advance(10)
    s2 = world.discover({"A": 4}, CA)
    world.clock.advance(10)
    s3 = world.discover({"B": 2}, US)
    world.amazon_status(s3, "SHIPPED")
    world.clock.advance(10)
    world.amazon_reports(fba_warehouse_id(world.connection_id, US), "A", 7)
    other = World(tables.event_store())
    other.connect((US,))
    other.discover({"A": 1}, US)
    log = [*world.log, *other.log]
    tables.project(batch([record_of(e, str(n)) for n, e in enumerate(log, 1)]))
    return Seller(world, main, s1, s2, s3, other)


@pytest.fixture(scope="module")
def views(tables: Tables) -> ViewQueries:
    return ViewQueries(tables.views, tables.client, cursor_codec(), tables.event_store())


def ids(page_items: list) -> list[str]:  # type: ignore[type-arg]
    return [item.shipment_id for item in page_items]


def test_shipments_are_listed_newest_first_and_filtered_on_every_path(
    seller: Seller, views: ViewQueries
) -> None:
    tenant = seller.world.tenant_id
    s1, s2, s3 = seller.s1, seller.s2, seller.s3
    assert ids(views.orders.list_shipments(tenant).items) == [s3, s2, s1]
    assert ids(views.orders.list_shipments(tenant, status="CLOSED").items) == [s1]
    assert ids(views.orders.list_shipments(tenant, reconciled=True).items) == [s1]
    assert ids(views.orders.list_shipments(tenant, reconciled=False).items) == [s3, s2]
    assert ids(views.orders.list_shipments(tenant, marketplace_id=CA).items) == [s2]
    by_connection = views.orders.list_shipments(tenant, connection_id=seller.world.connection_id)
    assert ids(by_connection.items) == [s3, s2, s1]
    assert ids(views.orders.list_shipments(tenant, status="WORKING", marketplace_id=CA).items) == [
        s2
    ]
    assert ids(views.orders.list_shipments(tenant, status="SHIPPED", reconciled=False).items) == [
        s3
    ]
    assert views.orders.list_shipments(tenant, status="SHIPPED", reconciled=True).items == []


def test_shipment_pages_follow_their_cursor_to_the_end_without_repeats(
    seller: Seller, views: ViewQueries
) -> None:
    tenant = seller.world.tenant_id
    seen, cursor = [], None
    for _ in range(5):
        page = views.orders.list_shipments(tenant, limit=2, cursor=cursor)
        seen += ids(page.items)
        cursor = page.next_cursor
        if cursor is None:
            break
    assert seen == [seller.s3, seller.s2, seller.s1]
    filtered = views.orders.list_shipments(tenant, reconciled=False, limit=1)
    rest = views.orders.list_shipments(
        tenant, reconciled=False, limit=1, cursor=filtered.next_cursor
    )
    assert ids(filtered.items) + ids(rest.items) == [seller.s3, seller.s2]


def test_a_cursor_that_is_tampered_or_made_for_another_query_is_refused(
    seller: Seller, views: ViewQueries
) -> None:
    tenant, other = seller.world.tenant_id, seller.other_tenant.tenant_id
    cursor = views.orders.list_shipments(tenant, limit=1).next_cursor
    assert cursor is not None
    with pytest.raises(InvalidCursor):
        views.orders.list_shipments(other, limit=1, cursor=cursor)
    with pytest.raises(InvalidCursor):
        views.orders.list_shipments(tenant, status="CLOSED", cursor=cursor)
    with pytest.raises(InvalidCursor):
        views.orders.list_shipments(tenant, cursor="not-a-cursor!")
    with pytest.raises(ValueError):
        views.orders.list_shipments(tenant, limit=0)


def test_a_cursor_is_followed_only_as_this_service_signed_it(
    seller: Seller, views: ViewQueries, tables: Tables
) -> None:
    tenant = seller.world.tenant_id
    cursor = views.orders.list_shipments(tenant, limit=1).next_cursor
    assert cursor is not None
    body, mac = cursor[:-22], cursor[-22:]
    decoded = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    # The same position, the sort key moved on by hand and re-encoded without a valid MAC.
    moved = json.loads(decoded)
    moved["key"] = {name: value + "~" for name, value in moved["key"].items()}
    forged = base64.urlsafe_b64encode(json.dumps(moved).encode()).decode().rstrip("=")
    other_service = ViewQueries(tables.views, tables.client, cursor_codec(), tables.event_store())
    flipped = body[:-1] + ("A" if body[-1] != "A" else "B") + mac

    for bad in (forged + mac, flipped, body, mac, forged):
        with pytest.raises(InvalidCursor):
            views.orders.list_shipments(tenant, limit=1, cursor=bad)
    with pytest.raises(InvalidCursor):  # signed with another key
        other_service.orders.list_shipments(tenant, limit=1, cursor=cursor)
    assert views.orders.list_shipments(tenant, limit=1, cursor=cursor).items


def test_another_tenants_views_are_unreachable(seller: Seller, views: ViewQueries) -> None:
    other = seller.other_tenant.tenant_id
    assert len(views.orders.list_shipments(other).items) == 1
    assert views.orders.get_shipment(other, seller.s1) is None
    assert views.get_warehouse(other, seller.main) is None
    assert views.get_stock(other, seller.main).items == []
    assert views.orders.get_shipment(seller.world.tenant_id, "x#y") is None


def test_shipment_detail_has_lines_status_history_and_its_transfer_order(
    seller: Seller, views: ViewQueries
) -> None:
    detail = views.orders.get_shipment(seller.world.tenant_id, seller.s1)
    assert detail is not None
    lines = {
        line.sku: (line.quantity_shipped, line.quantity_received, line.discrepancy)
        for line in detail.lines
    }
    assert lines == {"A": (10, 7, 3), "B": (5, 0, 5)}
    assert [(s.status, s.observed_at) for s in detail.status_history] == [
        ("WORKING", at(10)),
        ("RECEIVING", at(40)),
        ("CLOSED", at(50)),
    ]
    assert detail.discovered_at == at(10) and detail.closed_at == at(50)
    assert detail.transfer_order_ids == [seller.world.reconciled[seller.s1].transfer_order_id]


def test_transfer_order_detail_joins_its_sales_order_purchase_order_and_shipment(
    seller: Seller, views: ViewQueries
) -> None:
    tenant, ids_ = seller.world.tenant_id, seller.world.reconciled[seller.s1]
    listed = views.orders.list_transfer_orders(tenant)
    assert [o.transfer_order_id for o in listed.items] == [ids_.transfer_order_id]
    assert (listed.items[0].sales_order_status, listed.items[0].purchase_order_status) == (
        "shipped",
        "closed_short",
    )
    detail = views.orders.get_transfer_order(tenant, ids_.transfer_order_id)
    assert detail is not None and detail.sales_order and detail.purchase_order and detail.shipment
    assert (detail.source_warehouse_id, detail.destination_warehouse_id) == (
        seller.main,
        seller.fba_us,
    )
    assert detail.shipment.shipment_id == seller.s1
    po_lines = {
        line.sku: (line.quantity_ordered, line.quantity_received, line.discrepancy)
        for line in detail.purchase_order.lines
    }
    assert po_lines == {"A": (10, 7, 3), "B": (5, 0, 5)}
    assert views.orders.get_sales_order(tenant, ids_.sales_order_id) == detail.sales_order
    assert views.orders.get_purchase_order(tenant, ids_.purchase_order_id) == detail.purchase_order


def test_warehouses_and_connections_are_listed_per_tenant(
    seller: Seller, views: ViewQueries
) -> None:
    tenant, connection_id = seller.world.tenant_id, seller.world.connection_id
    warehouses = {w.warehouse_id: w.kind for w in views.list_warehouses(tenant)}
    assert warehouses == {
        seller.main: "own",
        fba_warehouse_id(connection_id, US): "fba",
        fba_warehouse_id(connection_id, CA): "fba",
        f"fbm-{connection_id}": "fbm",
    }
    [connection] = views.list_connections(tenant)
    assert connection.marketplace_ids == [US, CA]
    assert views.get_connection(tenant, connection_id) == connection


def test_stock_now_and_as_of_any_instant_with_a_ledger_explaining_every_figure(
    seller: Seller, views: ViewQueries
) -> None:
    tenant, main, fba = seller.world.tenant_id, seller.main, seller.fba_us
    now = {(r.warehouse_id, r.sku): r for r in views.get_stock(tenant).items}
    assert (now[(main, "A")].on_hand, now[(main, "A")].committed) == (90, 0)
    assert now[(main, "B")].on_hand == 35
    assert (now[(fba, "A")].on_hand, now[(fba, "A")].discrepancy) == (7, 3)
    assert now[(fba, "B")].discrepancy == 5
    amazon = now[(fba, "A")].amazon
    assert amazon is not None and amazon.fulfillable == 7 and amazon.reported_at == at(80)
    assert [r.sku for r in views.get_stock(tenant, sku="A").items] == ["A", "A"]
    # As of minute 25 the transfer was reconciled but not shipped
    then = {(r.warehouse_id, r.sku): r for r in views.get_stock(tenant, as_of=at(25)).items}
    assert (then[(main, "A")].on_hand, then[(main, "A")].committed) == (100, 10)
    assert then[(fba, "A")].on_order == 10 and then[(fba, "A")].amazon is None
    [one] = views.get_stock(tenant, warehouse_id=main, sku="A", as_of=at(25)).items
    assert one == then[(main, "A")]
    assert views.get_stock(tenant, warehouse_id=fba, as_of=at(5)).items == []
    ledger = views.get_ledger(tenant, main, "A").items
    assert [(e.event_type, e.count, e.on_hand, e.committed, e.on_hand_after) for e in ledger] == [
        ("StockCounted", 100, 100, 0, 100),
        ("SalesOrderCreated", None, 0, 10, 100),
        ("SalesOrderShipped", None, -10, -10, 90),
    ]
    assert ledger[2].order_id == seller.world.reconciled[seller.s1].sales_order_id
    assert ledger[2].actor == "user:alice" and ledger[2].at == at(30)
