"""Manual warehouses (stock by counts and adjustments only) and combined warehouses (the sum of
their members) over the real handler: what each route appends, shows and refuses."""

from typing import Any

import pytest

from domain.warehouse import StockAdjusted
from functions.api.wiring import Services
from tests.api.gateway import ApiClient, Reply
from tests.api.givens import US, a_connection, a_synced_shipment, an_own_warehouse
from tests.api.test_set_source import imported_orders, set_source

READS_VIEWS = True


def a_warehouse(api: ApiClient, kind: str, name: str = "W", **body: Any) -> str:
    reply = api.post("/warehouses", {"name": name, "kind": kind, **body})
    assert reply.status == 201, reply.text
    return str(reply.json["warehouse_id"])


def a_combined(api: ApiClient, *members: str | dict[str, Any]) -> str:
    return a_warehouse(api, "combined", "Sum", members=[_member(m) for m in members])


def _member(member: str | dict[str, Any]) -> dict[str, Any]:
    return {"warehouse_id": member} if isinstance(member, str) else member


def counted(api: ApiClient, warehouse_id: str, **quantities: int) -> None:
    lines = [{"sku": sku, "quantity": n} for sku, n in quantities.items()]
    reply = api.post(f"/warehouses/{warehouse_id}/stock-counts", {"lines": lines})
    assert reply.status == 200, reply.text


def on_hand(api: ApiClient, warehouse_id: str, **query: str) -> dict[str, int]:
    reply = api.get("/stock", warehouse_id=warehouse_id, **query)
    assert reply.status == 200, reply.text
    return {row["sku"]: row["on_hand"] for row in reply.json["items"]}


def logged(services: Services, api: ApiClient) -> int:
    """How many events the tenant's streams hold."""
    return sum(1 for e in services.events.read_all() if e.stream_id.tenant_id == api.tenant)


def refused_field(reply: Reply) -> str:
    assert reply.status == 422, reply.text
    [error] = reply.json["errors"]
    return str(error["field"])


# -- manual warehouses -------------------------------------------------------------------------


def test_a_manual_warehouse_gets_its_stock_from_counts_and_adjustments(
    api: ApiClient, services: Services
) -> None:
    manual = a_warehouse(api, "manual", "IP warehouse")
    counted(api, manual, **{"SKU-1": 10})

    adjusted = api.post(
        f"/warehouses/{manual}/adjustments",
        {
            "lines": [
                {"sku": "SKU-1", "delta": -3, "reason": "damaged"},
                {"sku": "SKU-2", "delta": 5, "reason": "found"},
            ]
        },
    )

    assert adjusted.status == 200, adjusted.text
    assert adjusted.json == {"warehouse_id": manual, "version": 3}
    assert on_hand(api, manual) == {"SKU-1": 7, "SKU-2": 5}
    view = api.get(f"/warehouses/{manual}").json
    assert (view["kind"], view["members"]) == ("manual", [])
    [adjustment] = [
        e.event
        for e in services.events.read_all()
        if isinstance(e.event, StockAdjusted) and e.stream_id.entity_id == manual
    ]
    assert isinstance(adjustment, StockAdjusted)
    assert [(line.sku, line.reason) for line in adjustment.lines] == [
        ("SKU-1", "damaged"),
        ("SKU-2", "found"),
    ]


def test_an_adjustment_may_take_on_hand_below_zero(api: ApiClient) -> None:
    own = an_own_warehouse(api)

    api.post(
        f"/warehouses/{own}/adjustments",
        {"lines": [{"sku": "SKU-1", "delta": -4, "reason": "shipped unrecorded"}]},
    )

    assert on_hand(api, own) == {"SKU-1": -4}


@pytest.mark.parametrize(
    ("lines", "field"),
    [
        ([{"sku": "A", "delta": 0, "reason": "none"}], "body.lines.0.delta"),
        ([{"sku": "A", "delta": 2}], "body.lines.0.reason"),
        ([{"sku": "A", "delta": 1, "reason": " "}], "body.lines.0.reason"),
        ([], "body.lines"),
    ],
)
def test_an_adjustment_of_zero_without_a_reason_or_without_lines_is_refused(
    api: ApiClient, services: Services, lines: list[dict[str, Any]], field: str
) -> None:
    manual = a_warehouse(api, "manual")
    before = logged(services, api)

    reply = api.post(f"/warehouses/{manual}/adjustments", {"lines": lines})

    assert refused_field(reply) == field
    assert logged(services, api) == before


def test_adjustments_are_refused_where_stock_is_not_set_by_hand(
    api: ApiClient, services: Services
) -> None:
    connection_id = a_connection(api)
    combined = a_combined(api, an_own_warehouse(api))
    line = {"sku": "A", "delta": 1, "reason": "found"}
    before = logged(services, api)

    fba = api.post(f"/warehouses/fba-{connection_id}-{US}/adjustments", {"lines": [line]})
    fbm = api.post(f"/warehouses/fbm-{connection_id}/adjustments", {"lines": [line]})
    summed = api.post(f"/warehouses/{combined}/adjustments", {"lines": [line]})
    count = api.post(
        f"/warehouses/{combined}/stock-counts", {"lines": [{"sku": "A", "quantity": 1}]}
    )
    unknown = api.post("/warehouses/wh-nope/adjustments", {"lines": [line]})

    assert [r.status for r in (fba, fbm, summed, count, unknown)] == [422, 422, 422, 422, 404]
    assert "Amazon" in fba.json["message"] and "its members" in summed.json["message"]
    assert logged(services, api) == before


def test_orders_refuse_manual_and_combined_warehouses_at_either_end(
    api: ApiClient, services: Services
) -> None:
    own, manual = an_own_warehouse(api), a_warehouse(api, "manual")
    combined = a_combined(api, own)
    vendor = api.post("/vendors", {"name": "Acme", "lead_time_days": 5, "currency": "USD"})
    lines = [{"sku": "A", "quantity": 1}]
    before = logged(services, api)

    def transfer(source: str, destination: str) -> str:
        body = {"source_warehouse_id": source, "destination_warehouse_id": destination}
        return refused_field(api.post("/transfer-orders", {**body, "lines": lines}))

    def purchase(destination: str) -> str:
        body = {"vendor_id": vendor.json["vendor_id"], "destination_warehouse_id": destination}
        return refused_field(api.post("/purchase-orders", {**body, "lines": lines}))

    assert transfer(manual, own) == "body.source_warehouse_id"
    assert transfer(combined, own) == "body.source_warehouse_id"
    assert transfer(own, manual) == "body.destination_warehouse_id"
    assert transfer(own, combined) == "body.destination_warehouse_id"
    assert purchase(manual) == "body.destination_warehouse_id"
    assert purchase(combined) == "body.destination_warehouse_id"
    assert logged(services, api) == before


def test_shipments_are_neither_reconciled_nor_sourced_from_manual_or_combined_warehouses(
    api: ApiClient, services: Services
) -> None:
    assert api.tenant is not None
    imported, _ = imported_orders(api, services, 1)
    [connection] = api.get("/connections").json["items"]
    shipment_id = a_synced_shipment(services, api.tenant, connection["connection_id"], {"A": 5})
    manual = a_warehouse(api, "manual")
    combined = a_combined(api, manual)
    before = logged(services, api)

    reconciled = api.post(
        f"/inbound-shipments/{shipment_id}/reconcile", {"source_warehouse_id": manual}
    )
    sourced = [set_source(api, imported, source).json["results"] for source in (manual, combined)]

    assert refused_field(reconciled) == "body.source_warehouse_id"
    assert [[r["code"] for r in results] for results in sourced] == [
        ["source_not_usable"],
        ["source_not_usable"],
    ]
    assert logged(services, api) == before


# -- combined warehouses -----------------------------------------------------------------------


def test_a_combined_warehouse_sums_the_stock_of_its_members_through_nested_ones(
    api: ApiClient, services: Services
) -> None:
    a, b, c = (an_own_warehouse(api, name) for name in "ABC")
    manual = a_warehouse(api, "manual")
    counted(api, a, **{"SKU-1": 1, "SKU-2": 2})
    counted(api, b, **{"SKU-1": 10})
    counted(api, c, **{"SKU-1": 100})
    counted(api, manual, **{"SKU-3": 1000})
    inner = a_combined(api, b, {"warehouse_id": c, "include_stock": False})

    outer = a_combined(api, a, inner, manual)
    rows = api.get("/stock", warehouse_id=outer).json["items"]

    assert on_hand(api, outer) == {"SKU-1": 11, "SKU-2": 2, "SKU-3": 1000}
    assert [(row["warehouse_id"], row["sku"], row["members"]) for row in rows] == [
        (outer, "SKU-1", [a, b]),
        (outer, "SKU-2", [a]),
        (outer, "SKU-3", [manual]),
    ]
    assert on_hand(api, outer, sku="SKU-1") == {"SKU-1": 11}
    as_of = services.aggregates.clock.now().isoformat()
    assert on_hand(api, outer, as_of=as_of) == {"SKU-1": 11, "SKU-2": 2, "SKU-3": 1000}
    assert api.get("/stock", warehouse_id=a).json["items"][0]["members"] is None
    view = api.get(f"/warehouses/{outer}").json
    assert view["kind"] == "combined"
    assert [m["warehouse_id"] for m in view["members"]] == [a, inner, manual]
    listed = {w["warehouse_id"]: w for w in api.get("/warehouses").json["items"]}
    assert listed[inner]["members"][1] == {
        "warehouse_id": c,
        "include_stock": False,
        "include_sales": True,
    }


def test_a_combined_warehouses_stock_pages_by_sku(api: ApiClient) -> None:
    a, b = an_own_warehouse(api, "A"), an_own_warehouse(api, "B")
    counted(api, a, **{"S1": 1, "S3": 3, "S5": 5})
    counted(api, b, **{"S2": 20, "S3": 30, "S4": 40})
    combined = a_combined(api, a, b)

    pages, cursor = [], None
    while True:
        query = {"limit": "2"} | ({"cursor": cursor} if cursor else {})
        page = api.get("/stock", warehouse_id=combined, **query).json
        pages.append({row["sku"]: row["on_hand"] for row in page["items"]})
        cursor = page["next_cursor"]
        if cursor is None:
            break

    assert pages[:3] == [{"S1": 1, "S2": 20}, {"S3": 33, "S4": 40}, {"S5": 5}]
    assert all(not page for page in pages[3:])


def test_changing_members_replaces_them(api: ApiClient) -> None:
    a, b = an_own_warehouse(api, "A"), an_own_warehouse(api, "B")
    counted(api, a, **{"SKU-1": 1})
    counted(api, b, **{"SKU-1": 10})
    combined = a_combined(api, a)

    changed = api.request(
        "PATCH", f"/warehouses/{combined}", body={"members": [{"warehouse_id": b}]}
    )

    assert changed.status == 200, changed.text
    assert [m["warehouse_id"] for m in changed.json["members"]] == [b]
    assert on_hand(api, combined) == {"SKU-1": 10}


def test_the_ledger_of_a_combined_warehouse_is_refused(api: ApiClient) -> None:
    own = an_own_warehouse(api)
    counted(api, own, **{"SKU-1": 1})
    combined = a_combined(api, own)

    reply = api.get("/stock/ledger", warehouse_id=combined, sku="SKU-1")

    assert reply.status == 422, reply.text
    assert "combined" in reply.json["message"]


def test_members_that_are_empty_repeated_unknown_foreign_or_cyclic_are_refused(
    api: ApiClient, services: Services
) -> None:
    own = an_own_warehouse(api)
    inner = a_combined(api, own)
    outer = a_combined(api, inner)
    foreign = an_own_warehouse(api.as_tenant("tenant-other"))
    before = logged(services, api)

    def create(members: list[str]) -> str:
        body = {"name": "X", "kind": "combined", "members": [_member(m) for m in members]}
        return refused_field(api.post("/warehouses", body))

    def change(warehouse_id: str, members: list[str]) -> str:
        body = {"members": [_member(m) for m in members]}
        return refused_field(api.request("PATCH", f"/warehouses/{warehouse_id}", body=body))

    assert create([]) == "body.members"
    assert create([own, own]) == "body.members.1"
    assert create([own, "wh-nope"]) == "body.members.1"
    assert create([foreign]) == "body.members.0"
    assert change(inner, [own, outer]) == "body.members.1"  # outer contains inner
    assert change(inner, [inner]) == "body.members.0"
    assert change(own, [inner]) == "body.members"  # not a combined warehouse
    assert refused_field(
        api.post("/warehouses", {"name": "X", "members": [{"warehouse_id": own}]})
    ) == ("body.members")
    assert logged(services, api) == before
