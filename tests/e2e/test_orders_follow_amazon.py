"""End to end: the orders follow Amazon when it departs from the reconciled plan, over HTTP only
(the API and the simulator's control API) against `python -m infra.local` as a subprocess.

Each test is one seller with its own tenant: MAIN, an own warehouse holding 50 of each SKU, and
the FBA warehouse of the marketplace; every figure is read from `GET /stock` until it shows
exactly what it should (the views are eventually consistent)."""

import uuid
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from infra.simulated_amazon.client import ControlClient
from tests.e2e.support import RunningBackend
from tests.e2e.tenant import US, eventually

FIGURES = (
    "on_hand",
    "committed",
    "in_transit",
    "on_order",
    "receiving",
    "discrepancy",
    "written_off",
)


@pytest.fixture(scope="module")
def backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningBackend]:
    # In memory; Amazon's rates scaled up so syncs are fast; the schedule is only a backstop
    # (every step asks for a sync on demand).
    log_path = tmp_path_factory.mktemp("orders-follow-amazon") / "local-runtime.log"
    running = RunningBackend(None, log_path=log_path, schedule_seconds=5, rate_scale=100)
    running.start()
    yield running
    running.kill()


def figures(**given: int) -> dict[str, int]:
    """Every stock figure, zero unless given."""
    unknown = set(given) - set(FIGURES)
    assert not unknown, unknown
    return {name: given.get(name, 0) for name in FIGURES}


class Seller:
    """One seller: its tenant in the API, its Seller Central in the simulator, its connection,
    MAIN (counted to 50 of each SKU) and the FBA warehouse of the marketplace."""

    def __init__(self, backend: RunningBackend, skus: tuple[str, ...]) -> None:
        tenant = f"e2e-{uuid.uuid4().hex[:10]}"
        self.api = httpx.Client(
            base_url=backend.api_url,
            headers={"Authorization": f"Bearer dev:{tenant}"},
            timeout=30,
        )
        self.amazon = ControlClient(backend.sim_url)
        self.seller_id = f"E2E{uuid.uuid4().hex[:10].upper()}"
        created = self.amazon.create_seller(self.seller_id, [US])
        connection = self.call(
            "POST",
            "/connections",
            201,
            json={
                "seller_id": self.seller_id,
                "region": "NA",
                "marketplace_ids": [US],
                "refresh_token": created["refresh_token"],
            },
        )
        self.connection_id: str = connection["connection_id"]
        self.fba: str = next(
            w["warehouse_id"] for w in connection["warehouses"] if w["kind"] == "fba"
        )
        main = self.call("POST", "/warehouses", 201, json={"name": "MAIN", "kind": "own"})
        self.main: str = main["warehouse_id"]
        lines = [{"sku": sku, "quantity": 50} for sku in skus]
        self.call("POST", f"/warehouses/{self.main}/stock-counts", 200, json={"lines": lines})
        self.expect_stock("MAIN counted", self.main, {sku: figures(on_hand=50) for sku in skus})

    def close(self) -> None:
        self.api.close()
        self.amazon.disconnect()

    def call(self, method: str, path: str, expect: int, **kw: Any) -> Any:
        response = self.api.request(method, path, **kw)
        body = response.json() if response.content else None
        assert response.status_code == expect, f"{method} {path}: {response.status_code} {body}"
        return body

    def sync(self) -> None:
        """Ask for a sync of the connection now (queued; the reads below wait for its effect)."""
        self.call("POST", f"/connections/{self.connection_id}/sync", 202)

    def discover_and_reconcile(self, plan: dict[str, int]) -> tuple[str, dict[str, Any]]:
        """Amazon gets a WORKING shipment, the sync finds it, the user reconciles it from MAIN."""
        shipment_id = self.amazon.create_shipment(self.seller_id, US, plan)
        self.sync()
        eventually(
            f"shipment {shipment_id} listed as unreconciled",
            lambda: self.call("GET", "/inbound-shipments?reconciled=false", 200)["items"],
            lambda items: any(s["shipment_id"] == shipment_id for s in items),
        )
        ids = self.call(
            "POST",
            f"/inbound-shipments/{shipment_id}/reconcile",
            201,
            json={"source_warehouse_id": self.main},
        )
        assert ids["shipment_id"] == shipment_id
        return shipment_id, ids

    def stock(self, warehouse_id: str) -> dict[str, dict[str, int]]:
        rows = self.call("GET", "/stock", 200, params={"warehouse_id": warehouse_id})["items"]
        assert all(row["warehouse_id"] == warehouse_id for row in rows), rows
        return {row["sku"]: {name: row[name] for name in FIGURES} for row in rows}

    def expect_stock(
        self, what: str, warehouse_id: str, expected: dict[str, dict[str, int]]
    ) -> None:
        """Every figure of each expected SKU at the warehouse, exactly (a SKU without a row
        counts as all zeros)."""

        def shows(stock: dict[str, dict[str, int]]) -> bool:
            return all(stock.get(sku, figures()) == wanted for sku, wanted in expected.items())

        eventually(
            f"{what}: stock at {warehouse_id} = {expected}", lambda: self.stock(warehouse_id), shows
        )

    def expect_order(
        self, kind: str, order_id: str, shows: Callable[[dict[str, Any]], bool], what: str
    ) -> dict[str, Any]:
        return eventually(
            f"{kind} {order_id} {what}",
            lambda: self.call("GET", f"/{kind}/{order_id}", 200),
            shows,
        )


@pytest.fixture
def seller_of(backend: RunningBackend) -> Iterator[Callable[[tuple[str, ...]], Seller]]:
    made: list[Seller] = []

    def make(skus: tuple[str, ...]) -> Seller:
        made.append(Seller(backend, skus))
        return made[-1]

    yield make
    for seller in made:
        seller.close()


def sales_lines(order: dict[str, Any]) -> dict[str, int]:
    return {line["sku"]: line["quantity"] for line in order["lines"]}


def received(order: dict[str, Any]) -> dict[str, int]:
    return {line["sku"]: line["quantity_received"] for line in order["lines"]}


def test_a_plan_changed_after_reconcile_is_followed_by_both_orders(
    seller_of: Callable[[tuple[str, ...]], Seller],
) -> None:
    # Given MAIN holding 50 of A, B and C, and a WORKING shipment A10 B4 reconciled from MAIN
    seller = seller_of(("A", "B", "C"))
    shipment_id, ids = seller.discover_and_reconcile({"A": 10, "B": 4})
    seller.expect_stock(
        "reconciled",
        seller.main,
        {
            "A": figures(on_hand=50, committed=10),
            "B": figures(on_hand=50, committed=4),
            "C": figures(on_hand=50),
        },
    )
    seller.expect_stock(
        "reconciled",
        seller.fba,
        {"A": figures(on_order=10), "B": figures(on_order=4), "C": figures()},
    )

    # When Amazon's plan becomes A6 C5 and the next sync sees it
    view = seller.amazon.set_items(shipment_id, {"A": 6, "C": 5})
    assert view["status"] == "WORKING"
    seller.sync()
    # Then MAIN commits A6 B0 C5, FBA has A6 C5 on order, and the sales order says A6 B0 C5
    seller.expect_stock(
        "plan amended",
        seller.main,
        {
            "A": figures(on_hand=50, committed=6),
            "B": figures(on_hand=50),
            "C": figures(on_hand=50, committed=5),
        },
    )
    seller.expect_stock(
        "plan amended",
        seller.fba,
        {"A": figures(on_order=6), "B": figures(), "C": figures(on_order=5)},
    )
    seller.expect_order(
        "sales-orders",
        ids["sales_order_id"],
        lambda order: sales_lines(order) == {"A": 6, "B": 0, "C": 5},
        "with lines A6 B0 C5",
    )

    # When Amazon ships it (nobody marked the sales order shipped)
    seller.amazon.set_status(shipment_id, "SHIPPED")
    seller.sync()
    # Then the goods left MAIN and are in transit to FBA
    seller.expect_order(
        "sales-orders",
        ids["sales_order_id"],
        lambda order: order["status"] == "shipped",
        "shipped as Amazon shows it",
    )
    seller.expect_stock(
        "shipped",
        seller.main,
        {"A": figures(on_hand=44), "B": figures(on_hand=50), "C": figures(on_hand=45)},
    )
    seller.expect_stock(
        "shipped",
        seller.fba,
        {"A": figures(in_transit=6), "B": figures(), "C": figures(in_transit=5)},
    )

    # When Amazon receives A6 and C5 and closes the shipment
    seller.amazon.receive(shipment_id, {"A": 6, "C": 5})
    assert seller.amazon.close(shipment_id)["status"] == "CLOSED"
    seller.sync()
    # Then MAIN A44 B50 C45 with nothing committed, FBA A6 C5 on hand, nothing else anywhere
    purchase = seller.expect_order(
        "purchase-orders",
        ids["purchase_order_id"],
        lambda order: order["status"] == "received" and received(order).get("C") == 5,
        "received (A6, C5)",
    )
    assert {k: v for k, v in received(purchase).items() if v} == {"A": 6, "C": 5}
    assert all(line["discrepancy"] == 0 for line in purchase["lines"]), purchase
    seller.expect_stock(
        "received and closed",
        seller.fba,
        {"A": figures(on_hand=6), "B": figures(), "C": figures(on_hand=5)},
    )
    seller.expect_stock(
        "received and closed",
        seller.main,
        {"A": figures(on_hand=44), "B": figures(on_hand=50), "C": figures(on_hand=45)},
    )
    transfer = seller.call("GET", f"/transfer-orders/{ids['transfer_order_id']}", 200)
    assert transfer["sales_order_id"] == ids["sales_order_id"]
    sales = seller.call("GET", f"/sales-orders/{ids['sales_order_id']}", 200)
    assert (sales["status"], sales_lines(sales)) == ("shipped", {"A": 6, "B": 0, "C": 5})


def test_a_cancelled_shipment_that_amazon_receives_anyway_reopens_its_orders(
    seller_of: Callable[[tuple[str, ...]], Seller],
) -> None:
    # Given MAIN holding 50 of A, and a WORKING shipment A10 reconciled from MAIN
    seller = seller_of(("A",))
    shipment_id, ids = seller.discover_and_reconcile({"A": 10})
    seller.expect_stock("reconciled", seller.main, {"A": figures(on_hand=50, committed=10)})
    seller.expect_stock("reconciled", seller.fba, {"A": figures(on_order=10)})

    # When Amazon cancels it before anyone marked it shipped, and the next sync sees it
    assert seller.amazon.set_status(shipment_id, "CANCELLED")["status"] == "CANCELLED"
    seller.sync()
    # Then MAIN's commitment and FBA's units on order are released
    seller.expect_stock("cancelled", seller.main, {"A": figures(on_hand=50)})
    seller.expect_stock("cancelled", seller.fba, {"A": figures()})

    # When Amazon receives the 10 anyway (the shipment stays CANCELLED) and a sync follows
    view = seller.amazon.receive(shipment_id, {"A": 10})
    assert view["status"] == "CANCELLED"
    seller.sync()
    # Then the orders reopened: the purchase order received, the sales order shipped,
    # MAIN 40 and FBA 10 on hand, nothing committed, on order or in transit
    seller.expect_order(
        "purchase-orders",
        ids["purchase_order_id"],
        lambda order: order["status"] == "received" and received(order) == {"A": 10},
        "received (A10) after the cancellation",
    )
    seller.expect_order(
        "sales-orders",
        ids["sales_order_id"],
        lambda order: order["status"] == "shipped",
        "shipped after the cancellation",
    )
    seller.expect_stock("received after cancel", seller.fba, {"A": figures(on_hand=10)})
    seller.expect_stock("received after cancel", seller.main, {"A": figures(on_hand=40)})


def test_a_vendors_shipment_straight_to_fba_is_followed_by_its_purchase_order_alone(
    seller_of: Callable[[tuple[str, ...]], Seller],
) -> None:
    # Given a vendor, and a WORKING shipment A10 B4 the vendor sends straight to FBA
    seller = seller_of(("A", "B"))
    vendor = seller.call(
        "POST", "/vendors", 201, json={"name": "Acme", "lead_time_days": 9, "currency": "USD"}
    )["vendor_id"]
    shipment_id = seller.amazon.create_shipment(seller.seller_id, US, {"A": 10, "B": 4})
    seller.sync()
    eventually(
        f"shipment {shipment_id} listed",
        lambda: seller.call("GET", "/inbound-shipments?reconciled=false", 200)["items"],
        lambda items: any(s["shipment_id"] == shipment_id for s in items),
    )

    # When it is reconciled from the vendor, then Amazon receives A6 B4 and closes it
    ids = seller.call(
        "POST",
        f"/inbound-shipments/{shipment_id}/reconcile",
        201,
        json={"vendor_id": vendor},
    )
    seller.expect_stock(
        "on order at FBA",
        seller.fba,
        {"A": figures(on_order=10), "B": figures(on_order=4)},
    )
    seller.amazon.set_status(shipment_id, "SHIPPED")
    seller.amazon.receive(shipment_id, {"A": 6, "B": 4})
    assert seller.amazon.close(shipment_id)["status"] == "CLOSED"
    seller.sync()

    # Then the purchase order closes short, MAIN never moved, and FBA holds what Amazon received
    order = seller.expect_order(
        "purchase-orders",
        ids["purchase_order_id"],
        lambda o: o["status"] == "closed_short",
        "closed short",
    )
    assert (ids["transfer_order_id"], ids["sales_order_id"]) == (None, None)
    assert received(order) == {"A": 6, "B": 4}
    seller.expect_stock(
        "received at FBA",
        seller.fba,
        {"A": figures(on_hand=6, discrepancy=4), "B": figures(on_hand=4)},
    )
    seller.expect_stock("MAIN untouched", seller.main, {"A": figures(on_hand=50)})
