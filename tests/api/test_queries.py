"""Reads come from the views (here projected as each command appends)."""

from typing import Any

from functions.api.wiring import Services
from functions.connection_state.status import (
    QuarantinedRecord,
    RunCounters,
    RunOutcome,
    RunReport,
    SyncStatusWriter,
)
from functions.connection_state.sync_jobs import SyncReason
from functions.shared.adapters.state_store import StateTable
from tests.api.conftest import Aws
from tests.api.gateway import ApiClient
from tests.api.givens import (
    OBSERVED_AT,
    US,
    a_connection,
    a_synced_shipment,
    an_own_warehouse,
    reconciled,
)

READS_VIEWS = True


def test_the_workflow_reads_back_through_every_view(api: ApiClient, services: Services) -> None:
    ids = reconciled(api, services)
    api.post(f"/sales-orders/{ids['sales_order_id']}/status", {"status": "shipped"})

    shipments = api.get("/inbound-shipments", reconciled="true")
    shipment = api.get(f"/inbound-shipments/{ids['shipment_id']}")
    transfers = api.get("/transfer-orders")
    transfer = api.get(f"/transfer-orders/{ids['transfer_order_id']}")
    sales = api.get(f"/sales-orders/{ids['sales_order_id']}")
    purchase = api.get(f"/purchase-orders/{ids['purchase_order_id']}")

    assert [s["shipment_id"] for s in shipments.json["items"]] == [ids["shipment_id"]]
    assert shipment.json["reconciled"] is True
    assert {line["sku"] for line in shipment.json["lines"]} == {"SKU-1", "SKU-2"}
    assert [t["transfer_order_id"] for t in transfers.json["items"]] == [ids["transfer_order_id"]]
    assert transfer.json["sales_order"]["status"] == "shipped"
    assert sales.json["status"] == "shipped"
    assert purchase.json["shipped"] is True
    assert purchase.json["warehouse_id"] == f"fba-{ids['connection_id']}-{US}"


def test_stock_and_its_ledger_explain_a_count_and_a_shipment(
    api: ApiClient, services: Services
) -> None:
    ids = reconciled(api, services)
    source = ids["warehouse_id"]
    api.post(f"/warehouses/{source}/stock-counts", {"lines": [{"sku": "SKU-1", "quantity": 30}]})
    api.post(f"/sales-orders/{ids['sales_order_id']}/status", {"status": "shipped"})

    stock = api.get("/stock", warehouse_id=source, sku="SKU-1")
    ledger = api.get("/stock/ledger", warehouse_id=source, sku="SKU-1")
    in_transit = api.get("/stock", sku="SKU-1")

    assert stock.status == 200, stock.text
    assert stock.json["items"][0]["on_hand"] == 20
    assert [e["event_type"] for e in ledger.json["entries"]][-1] == "SalesOrderShipped"
    fba = [row for row in in_transit.json["items"] if row["warehouse_id"].startswith("fba-")]
    assert fba[0]["in_transit"] == 10


def test_stock_as_of_a_past_instant(api: ApiClient, services: Services) -> None:
    ids = reconciled(api, services)

    before = api.get("/stock", warehouse_id=ids["warehouse_id"], as_of="2000-01-01T00:00:00Z")
    naive = api.get("/stock", as_of="2026-01-01T00:00:00")
    nonsense = api.get("/stock", as_of="yesterday")

    assert (before.status, before.json["items"]) == (200, [])
    assert (naive.status, naive.json["code"]) == (400, "invalid_parameter")
    assert nonsense.status == 400


def test_lists_page_with_cursors_and_refuse_forged_ones(api: ApiClient, services: Services) -> None:
    assert api.tenant is not None
    connection_id = a_connection(api)
    created = [a_synced_shipment(services, api.tenant, connection_id) for _ in range(3)]

    first = api.get("/inbound-shipments", limit="2")
    second = api.get("/inbound-shipments", limit="2", cursor=first.json["next_cursor"])
    forged = api.get("/inbound-shipments", cursor="bm90LWEtY3Vyc29y")
    garbage = api.get("/inbound-shipments", cursor="%%%")

    seen = [s["shipment_id"] for s in first.json["items"] + second.json["items"]]
    assert sorted(seen) == sorted(created)
    assert second.json["next_cursor"] is None
    assert (forged.status, forged.json["code"]) == (400, "invalid_cursor")
    assert (garbage.status, garbage.json["code"]) == (400, "invalid_parameter")


def test_a_cursor_of_another_tenant_is_refused(api: ApiClient, services: Services) -> None:
    assert api.tenant is not None
    connection_id = a_connection(api)
    for _ in range(2):
        a_synced_shipment(services, api.tenant, connection_id)
    cursor = api.get("/inbound-shipments", limit="1").json["next_cursor"]

    theirs = api.as_tenant("tenant-other").get("/inbound-shipments", cursor=cursor)

    assert (theirs.status, theirs.json["code"]) == (400, "invalid_cursor")


def test_a_connection_shows_its_warehouses_and_no_sync_before_the_first_run(
    api: ApiClient,
) -> None:
    connection_id = a_connection(api)

    connection = api.get(f"/connections/{connection_id}")
    connections = api.get("/connections")
    warehouses = api.get("/warehouses")

    assert connection.json["marketplace_ids"] == [US]
    assert connection.json["sync"] == {"last_run": None, "last_completed_run": None}
    assert [c["connection_id"] for c in connections.json["items"]] == [connection_id]
    assert sorted(w["kind"] for w in warehouses.json["items"]) == ["fba", "fbm"]


def test_a_connection_shows_what_its_last_sync_did(api: ApiClient, aws: Aws) -> None:
    assert api.tenant is not None
    connection_id = a_connection(api)
    counters = RunCounters(
        calls={"getShipments": 2, "getShipmentItems": 3},
        throttled={"getShipments": 1},
        shipments_seen=4,
        events_appended=9,
        reports_requested=3,
        reports_dropped=1,
        orders_recorded=12,
        returns_recorded=2,
        inventory_reported=40,
    )
    counters.quarantine(
        QuarantinedRecord(
            marketplace_id=US, operation="getShipments", reference="FBA1", problem="bad date"
        )
    )
    report = RunReport(
        run_id="run-1",
        reason=SyncReason.ON_DEMAND,
        outcome=RunOutcome.COMPLETED,
        started_at=OBSERVED_AT,
        finished_at=OBSERVED_AT,
        duration_ms=1200,
        counters=counters,
    )
    writer = SyncStatusWriter(StateTable(aws.settings.state_table, aws.clients.dynamodb))
    writer.record(api.tenant, connection_id, report)

    sync = api.get(f"/connections/{connection_id}").json["sync"]

    assert sync["last_run"] == sync["last_completed_run"]
    assert sync["last_run"]["calls"] == 5
    assert sync["last_run"]["throttled"] == 1
    assert sync["last_run"]["events_appended"] == 9
    assert [sync["last_run"][name] for name in ("reports_requested", "reports_dropped")] == [3, 1]
    assert (sync["last_run"]["orders_recorded"], sync["last_run"]["returns_recorded"]) == (12, 2)
    assert sync["last_run"]["inventory_reported"] == 40
    assert sync["last_run"]["quarantined_count"] == 1
    assert sync["last_run"]["quarantined"][0]["reference"] == "FBA1"


def test_stock_ledger_and_history_page_through_thousands_of_rows(api: ApiClient) -> None:
    warehouse = an_own_warehouse(api)
    skus = [f"SKU-{n:04d}" for n in range(1_000)]
    for chunk in range(0, len(skus), 500):
        lines = [{"sku": sku, "quantity": 7} for sku in skus[chunk : chunk + 500]]
        assert api.post(f"/warehouses/{warehouse}/stock-counts", {"lines": lines}).status == 200
    for quantity in range(1, 121):  # one SKU counted again and again: a long ledger
        line = [{"sku": "SKU-0000", "quantity": quantity}]
        assert api.post(f"/warehouses/{warehouse}/stock-counts", {"lines": line}).status == 200

    rows = follow(api, "/stock", "items", warehouse_id=warehouse, limit="100")
    entries = follow(api, "/stock/ledger", "entries", warehouse_id=warehouse, sku="SKU-0000")
    history = follow_history(api, f"/history/warehouse/{warehouse}")

    assert [row["sku"] for row in rows] == skus
    assert [e["on_hand_after"] for e in entries] == [7, *range(1, 121)]
    assert [e["on_hand"] for e in entries] == [7, -6] + [1] * 119
    assert [e["version"] for e in history] == list(range(1, 2 + 2 + 120))


def follow(api: ApiClient, path: str, field: str, **query: str) -> list[dict[str, Any]]:
    """Every page of a list, in order, following `next_cursor`; pages stay within the limit."""
    seen: list[dict[str, Any]] = []
    cursor: str | None = None
    for _ in range(100):
        page = api.get(path, **query, **({"cursor": cursor} if cursor else {}))
        assert page.status == 200, page.text
        assert len(page.json[field]) <= int(query.get("limit", "100"))
        seen += page.json[field]
        cursor = page.json["next_cursor"]
        if cursor is None:
            return seen
    raise AssertionError("more than 100 pages")


def follow_history(api: ApiClient, path: str) -> list[dict[str, Any]]:
    seen: list[dict[str, Any]] = []
    from_version = "1"
    while True:
        page = api.get(path, from_version=from_version, limit="50")
        assert page.status == 200, page.text
        assert len(page.json["events"]) <= 50
        seen += page.json["events"]
        if page.json["next_from_version"] is None:
            return seen
        from_version = str(page.json["next_from_version"])


def test_a_stock_or_ledger_cursor_changed_by_hand_is_refused(api: ApiClient) -> None:
    warehouse = an_own_warehouse(api)
    for quantity in (1, 2):
        lines = [{"sku": f"SKU-{n}", "quantity": quantity} for n in range(3)]
        api.post(f"/warehouses/{warehouse}/stock-counts", {"lines": lines})
    cursor = api.get("/stock", warehouse_id=warehouse, limit="1").json["next_cursor"]
    ledger_cursor = api.get("/stock/ledger", warehouse_id=warehouse, sku="SKU-0", limit="1").json[
        "next_cursor"
    ]

    assert cursor is not None and ledger_cursor is not None
    # The first character: every bit of it counts (the last one's low bits may be padding).
    changed = ("A" if cursor[0] != "A" else "B") + cursor[1:]
    for path, bad, query in (
        ("/stock", changed, {"warehouse_id": warehouse}),
        ("/stock", ledger_cursor, {"warehouse_id": warehouse}),
        ("/stock/ledger", cursor, {"warehouse_id": warehouse, "sku": "SKU-0"}),
    ):
        reply = api.get(path, cursor=bad, **query)
        assert (reply.status, reply.json["code"]) == (400, "invalid_cursor"), (path, reply.text)


def test_instants_far_outside_any_stock_history_are_refused_not_failed(api: ApiClient) -> None:
    for as_of in (
        "0001-01-01T00:00:00+05:00",
        "0001-01-01T00:00:00Z",
        "9999-12-31T23:59:59-05:00",
        "9999-12-31T23:59:59Z",
        "1969-12-31T23:59:59Z",
    ):
        reply = api.get("/stock", as_of=as_of)
        assert (reply.status, reply.json["code"]) == (400, "invalid_parameter"), as_of
        assert "1970 to 2999" in reply.text
    assert api.get("/stock", as_of="2999-12-31T23:59:59Z").status == 200


def test_path_parameters_are_percent_decoded_as_api_gateway_decodes_them(api: ApiClient) -> None:
    warehouse = an_own_warehouse(api)
    encoded = "".join(f"%{ord(char):02X}" for char in warehouse)

    plain = api.get(f"/warehouses/{warehouse}")
    escaped = api.get(f"/warehouses/{encoded}")

    assert plain.status == 200, plain.text
    assert (escaped.status, escaped.json) == (200, plain.json)
