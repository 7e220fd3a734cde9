"""Assemblies over the API: a product's bill of materials (no cycles, only the tenant's own
products), assembly orders at the seller's own warehouses whose unreceived units are on
assembly (on order) and whose receipts consume the components, and every refusal appending
nothing."""

from collections.abc import Callable, Iterator, Sequence
from typing import Any

import pytest

from domain.errors import InvalidCommand
from domain.event_store import EventStore, RecordedEvent, StreamAppend
from domain.products.product import ProductComponent, SetComponents
from domain.streams import StreamId
from domain.warehouse import fba_warehouse_id
from functions.api.auth import Caller
from functions.api.commands.products import set_components
from functions.api.wiring import Services
from functions.shared.aggregates import Aggregates
from tests.api.gateway import ApiClient
from tests.api.givens import US, a_connection, an_own_warehouse

READS_VIEWS = True


def a_product(api: ApiClient, sku: str) -> str:
    reply = api.post("/products", {"sku": sku, "name": sku.title()})
    assert reply.status == 201, reply.text
    return str(reply.json["product_id"])


def components(api: ApiClient, product_id: str, *lines: tuple[str, int], key: str | None = None):  # type: ignore[no-untyped-def]
    body = [{"product_id": p, "quantity": q} for p, q in lines]
    headers = {"Idempotency-Key": key} if key else None
    return api.request("PUT", f"/products/{product_id}/components", body=body, headers=headers)


def counted(api: ApiClient, warehouse_id: str, **quantities: int) -> None:
    lines = [{"sku": sku, "quantity": n} for sku, n in quantities.items()]
    reply = api.post(f"/warehouses/{warehouse_id}/stock-counts", {"lines": lines})
    assert reply.status == 200, reply.text


def stock(api: ApiClient, warehouse_id: str) -> dict[str, dict[str, int]]:
    reply = api.get("/stock", warehouse_id=warehouse_id)
    assert reply.status == 200, reply.text
    return {
        row["sku"]: {"on_hand": row["on_hand"], "on_order": row["on_order"]}
        for row in reply.json["items"]
    }


def logged(services: Services, api: ApiClient) -> int:
    return sum(1 for e in services.events.read_all() if e.stream_id.tenant_id == api.tenant)


def a_kit(api: ApiClient) -> dict[str, str]:
    """KIT = 2 x BOLT + 1 x PLATE."""
    ids = {sku: a_product(api, sku) for sku in ("KIT", "BOLT", "PLATE")}
    reply = components(api, ids["KIT"], (ids["BOLT"], 2), (ids["PLATE"], 1))
    assert reply.status == 200, reply.text
    return ids


def test_a_bill_of_materials_is_set_shown_and_replaced(api: ApiClient) -> None:
    # given three products
    ids = {sku: a_product(api, sku) for sku in ("KIT", "BOLT", "PLATE")}

    # when the kit's bill is set, set again the same, then replaced
    first = components(api, ids["KIT"], (ids["BOLT"], 2), (ids["PLATE"], 1))
    same = components(api, ids["KIT"], (ids["BOLT"], 2), (ids["PLATE"], 1))
    shown = api.get(f"/products/{ids['KIT']}").json
    replaced = components(api, ids["KIT"], (ids["BOLT"], 4))

    # then the product shows its components; the same bill appends nothing
    assert first.status == 200, first.text
    assert shown["components"] == [
        {"product_id": ids["BOLT"], "quantity": 2},
        {"product_id": ids["PLATE"], "quantity": 1},
    ]
    assert same.json["version"] == first.json["version"]
    assert replaced.json["version"] == first.json["version"] + 1
    assert api.get(f"/products/{ids['KIT']}").json["components"] == [
        {"product_id": ids["BOLT"], "quantity": 4}
    ]
    assert api.get(f"/products/{ids['BOLT']}").json["components"] == []

    # when the bill is emptied, the kit is no assembly any more
    emptied = components(api, ids["KIT"])
    assert emptied.status == 200, emptied.text
    assert api.get(f"/products/{ids['KIT']}").json["components"] == []


def test_bad_bills_are_refused_with_the_field_and_append_nothing(
    api: ApiClient, services: Services
) -> None:
    # given A = 1 x B, B = 1 x C, and another tenant's product
    ids = {sku: a_product(api, sku) for sku in ("A", "B", "C", "D")}
    assert components(api, ids["A"], (ids["B"], 1)).status == 200
    assert components(api, ids["B"], (ids["C"], 1)).status == 200
    others = api.as_tenant("tenant-other-assemblies")
    foreign = a_product(others, "FOREIGN")
    before = logged(services, api)

    # when bad bills are sent
    refusals: list[tuple[str, list[tuple[str, int]], int, str]] = [
        (ids["C"], [(ids["A"], 1)], 422, "body.components"),  # C -> A -> B -> C
        (ids["B"], [(ids["A"], 1)], 422, "body.components"),  # B -> A -> B
        (ids["D"], [(ids["D"], 1)], 422, "body.components.0.product_id"),
        (ids["D"], [(ids["C"], 1), (ids["C"], 2)], 422, "body.components.1.product_id"),
        (ids["D"], [(ids["C"], 1), ("prod-none", 1)], 422, "body.components.1.product_id"),
        (ids["D"], [(foreign, 1)], 422, "body.components.0.product_id"),
        (ids["D"], [(ids["C"], 0)], 422, "body.0.quantity"),
        (ids["D"], [(ids["C"], -3)], 422, "body.0.quantity"),
    ]
    for product_id, lines, status, field in refusals:
        reply = components(api, product_id, *lines)
        # then each names the field at fault
        assert reply.status == status, (lines, reply.text)
        assert field in [e["field"] for e in reply.json["errors"]], (lines, reply.text)

    # and an unknown product in the path is not found, as is another tenant's
    assert components(api, "prod-none", (ids["C"], 1)).status == 404
    assert components(others, ids["D"], (foreign, 1)).status == 404
    assert logged(services, api) == before


class RacingStore:
    """The event store, where another request's append lands just before the first append
    through this one (after this one's reads)."""

    def __init__(self, store: EventStore, other: Callable[[], object]) -> None:
        self._store = store
        self._other: Callable[[], object] | None = other

    def append(self, appends: Sequence[StreamAppend]) -> None:
        other, self._other = self._other, None
        if other is not None:
            other()
        self._store.append(appends)

    def read(
        self, stream_id: StreamId, from_version: int = 1, limit: int | None = None
    ) -> list[RecordedEvent]:
        return self._store.read(stream_id, from_version, limit)

    def read_all(self) -> Iterator[RecordedEvent]:
        return self._store.read_all()


def bill(product_id: str, *component_ids: str) -> SetComponents:
    return SetComponents(
        product_id=product_id,
        components=tuple(ProductComponent(product_id=c, quantity=1) for c in component_ids),
    )


def test_two_bills_set_at_once_cannot_close_a_cycle(api: ApiClient, services: Services) -> None:
    # given A = 1 x B, and C plain
    assert api.tenant is not None
    ids = {sku: a_product(api, sku) for sku in ("A", "B", "C")}
    assert components(api, ids["A"], (ids["B"], 1)).status == 200
    caller = Caller(tenant_id=api.tenant, actor="user:test", correlation_id="race")

    # when B = C is being set, and C = A lands after it read the bills (two different
    # products' streams: B -> C -> A -> B is a cycle only with both)
    other = lambda: set_components(services.aggregates, caller, bill(ids["C"], ids["A"]))  # noqa: E731
    racing = Aggregates(
        RacingStore(services.events, other), services.aggregates.ids, services.aggregates.clock
    )

    # then the later is decided again on the bills as they now are, and refused
    with pytest.raises(InvalidCommand) as refused:
        set_components(racing, caller, bill(ids["B"], ids["C"]))
    assert refused.value.field == "components"
    assert api.get(f"/products/{ids['C']}").json["components"] == [
        {"product_id": ids["A"], "quantity": 1}
    ]
    assert api.get(f"/products/{ids['B']}").json["components"] == []


def test_an_assembly_order_is_on_assembly_until_received_and_consumes_components(
    api: ApiClient,
) -> None:
    # given a kit of 2 bolts and a plate, and 10 bolts and 3 plates at my warehouse
    ids = a_kit(api)
    main = an_own_warehouse(api)
    counted(api, main, BOLT=10, PLATE=3)

    # when 4 kits are ordered
    created = api.post(
        "/assembly-orders", {"warehouse_id": main, "product_id": ids["KIT"], "quantity": 4}
    )

    # then they are on assembly (on order) for the kit
    assert created.status == 201, created.text
    order_id = created.json["assembly_order_id"]
    assert stock(api, main)["KIT"] == {"on_hand": 0, "on_order": 4}
    order = api.get(f"/assembly-orders/{order_id}").json
    assert (order["status"], order["on_assembly"], order["sku"]) == ("open", 4, "KIT")
    assert order["components"] == [
        {"product_id": ids["BOLT"], "sku": "BOLT", "quantity": 2},
        {"product_id": ids["PLATE"], "sku": "PLATE", "quantity": 1},
    ]

    # when 3 are received (twice with one key)
    first = api.post(f"/assembly-orders/{order_id}/receipts", {"quantity": 3}, key="r-1")
    again = api.post(f"/assembly-orders/{order_id}/receipts", {"quantity": 3}, key="r-1")

    # then the components are consumed once and the kits are on hand
    assert first.status == 200, first.text
    assert again.json == first.json
    assert first.json["status"] == "partially_received"
    assert stock(api, main) == {
        "BOLT": {"on_hand": 4, "on_order": 0},
        "PLATE": {"on_hand": 0, "on_order": 0},
        "KIT": {"on_hand": 3, "on_order": 1},
    }
    ledger = api.get("/stock/ledger", warehouse_id=main, sku="BOLT")
    assert ledger.status == 200, ledger.text
    assert [(e["reason"], e["on_hand"]) for e in ledger.json["entries"]][-1] == (
        "assembly_consumed",
        -6,
    )
    kit_ledger = api.get("/stock/ledger", warehouse_id=main, sku="KIT").json["entries"]
    assert {e["reason"] for e in kit_ledger} == {"assembly"}
    listed = api.get("/assembly-orders", warehouse_id=main, status="partially_received")
    assert [item["assembly_order_id"] for item in listed.json["items"]] == [order_id]
    assert api.get("/assembly-orders", warehouse_id=main, status="open").json["items"] == []


def test_a_receipt_short_of_components_is_refused_naming_each_short_sku(
    api: ApiClient, services: Services
) -> None:
    # given a kit order of 3 and only 5 bolts and 1 plate
    ids = a_kit(api)
    main = an_own_warehouse(api)
    counted(api, main, BOLT=5, PLATE=1)
    order_id = api.post(
        "/assembly-orders", {"warehouse_id": main, "product_id": ids["KIT"], "quantity": 3}
    ).json["assembly_order_id"]
    before = logged(services, api)

    # when 3 are received
    short = api.post(f"/assembly-orders/{order_id}/receipts", {"quantity": 3})
    over = api.post(f"/assembly-orders/{order_id}/receipts", {"quantity": 4})

    # then it is refused, naming both short SKUs with the units needed and on hand
    assert short.status == 409, short.text
    assert short.json["code"] == "components_short"
    assert "BOLT needs 6, on hand 5" in short.json["message"]
    assert "PLATE needs 3, on hand 1" in short.json["message"]
    assert over.status == 422, over.text
    assert "body.quantity" in [e["field"] for e in over.json["errors"]]
    assert logged(services, api) == before
    assert stock(api, main)["BOLT"]["on_hand"] == 5

    # when the stock is there, the rest goes through; one more is over the order
    counted(api, main, BOLT=6, PLATE=3)
    done = api.post(f"/assembly-orders/{order_id}/receipts", {"quantity": 3})
    assert done.status == 200, done.text
    assert done.json["status"] == "received"
    more = api.post(f"/assembly-orders/{order_id}/receipts", {"quantity": 1})
    assert more.status == 422, more.text


def test_bad_assembly_orders_are_refused_with_the_field_and_append_nothing(
    api: ApiClient, services: Services
) -> None:
    # given a kit, a plain product, my warehouse, an FBA warehouse and a combined one
    ids = a_kit(api)
    main = an_own_warehouse(api)
    connection = a_connection(api)
    fba = fba_warehouse_id(connection, US)
    combined = api.post(
        "/warehouses",
        {"name": "Sum", "kind": "combined", "members": [{"warehouse_id": main}]},
    )
    assert combined.status == 201, combined.text
    others = api.as_tenant("tenant-other-assembly-orders")
    foreign_warehouse = an_own_warehouse(others)
    before = logged(services, api)

    # when bad orders are sent
    def order(**fields: Any) -> dict[str, Any]:
        return {"warehouse_id": main, "product_id": ids["KIT"], "quantity": 1, **fields}

    refusals = [
        (order(warehouse_id=fba), 422, "body.warehouse_id"),
        (order(warehouse_id=combined.json["warehouse_id"]), 422, "body.warehouse_id"),
        (order(warehouse_id="wh-none"), 404, "body.warehouse_id"),
        (order(warehouse_id=foreign_warehouse), 404, "body.warehouse_id"),
        (order(product_id=ids["BOLT"]), 422, "body.product_id"),
        (order(product_id="prod-none"), 404, "body.product_id"),
        (order(quantity=0), 422, "body.quantity"),
        (order(quantity=-2), 422, "body.quantity"),
    ]
    for body, status, field in refusals:
        reply = api.post("/assembly-orders", body)
        # then each is refused naming the field (404: not one of mine)
        assert reply.status == status, (body, reply.text)
        assert field in [e["field"] for e in reply.json["errors"]], (body, reply.text)
    assert logged(services, api) == before
    assert api.post("/assembly-orders/ao-none/receipts", {"quantity": 1}).status == 404
    assert api.get("/assembly-orders/ao-none").status == 404


def test_another_tenant_sees_none_of_my_assembly_orders(api: ApiClient) -> None:
    # given my kit order
    ids = a_kit(api)
    main = an_own_warehouse(api)
    counted(api, main, BOLT=2, PLATE=1)
    order_id = api.post(
        "/assembly-orders", {"warehouse_id": main, "product_id": ids["KIT"], "quantity": 1}
    ).json["assembly_order_id"]

    # when another tenant reads, receives and cancels it
    others = api.as_tenant("tenant-other-kits")

    # then it is not found, and their list is empty
    assert others.get(f"/assembly-orders/{order_id}").status == 404
    assert others.post(f"/assembly-orders/{order_id}/receipts", {"quantity": 1}).status == 404
    assert others.post(f"/assembly-orders/{order_id}/cancel").status == 404
    assert others.get("/assembly-orders").json["items"] == []
    assert api.get(f"/assembly-orders/{order_id}").json["status"] == "open"


def test_cancelling_drops_what_is_on_assembly_and_keeps_what_was_received(
    api: ApiClient,
) -> None:
    # given a kit order of 3, one received
    ids = a_kit(api)
    main = an_own_warehouse(api)
    counted(api, main, BOLT=2, PLATE=1)
    order_id = api.post(
        "/assembly-orders", {"warehouse_id": main, "product_id": ids["KIT"], "quantity": 3}
    ).json["assembly_order_id"]
    assert api.post(f"/assembly-orders/{order_id}/receipts", {"quantity": 1}).status == 200

    # when it is cancelled
    cancelled = api.post(f"/assembly-orders/{order_id}/cancel")

    # then nothing is on assembly any more; the kit made stays, and no receipt is taken
    assert cancelled.status == 200, cancelled.text
    assert cancelled.json["status"] == "cancelled"
    assert stock(api, main)["KIT"] == {"on_hand": 1, "on_order": 0}
    assert api.post(f"/assembly-orders/{order_id}/receipts", {"quantity": 1}).status == 409
