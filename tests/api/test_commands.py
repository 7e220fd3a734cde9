"""Commands through the real handler: what each appends, and what each refuses."""

import json
from typing import Any

from domain.streams import StreamId, StreamKind
from functions.api.wiring import Services
from functions.connection_state.pending import PendingJobs
from functions.connection_state.sync_jobs import SyncJob
from functions.shared.adapters.state_store import StateTable
from tests.api.conftest import Aws
from tests.api.gateway import ApiClient
from tests.api.givens import (
    CA,
    REFRESH_TOKEN,
    SELLER,
    US,
    a_connection,
    a_purchase_order_closed_short,
    a_synced_shipment,
    an_own_warehouse,
    reconciled,
)


def stream(api: ApiClient, kind: StreamKind, entity_id: str) -> StreamId:
    assert api.tenant is not None
    return StreamId(tenant_id=api.tenant, kind=kind, entity_id=entity_id)


def test_opening_a_connection_creates_its_warehouses_and_keeps_the_token_out_of_the_log(
    api: ApiClient, services: Services, aws: Aws
) -> None:
    reply = api.post(
        "/connections",
        {
            "seller_id": SELLER,
            "region": "NA",
            "marketplace_ids": [US, CA],
            "refresh_token": REFRESH_TOKEN,
        },
    )

    assert reply.status == 201, reply.text
    connection_id = reply.json["connection_id"]
    kinds = sorted((w["kind"], w["marketplace_id"]) for w in reply.json["warehouses"])
    assert kinds == [("fba", CA), ("fba", US), ("fbm", None)]
    secret = aws.clients.secretsmanager.get_secret_value(
        SecretId=f"{aws.settings.refresh_token_secret_prefix}{api.tenant}/{connection_id}"
    )
    assert secret["SecretString"] == REFRESH_TOKEN
    logged = services.events.read(stream(api, StreamKind.CONNECTION, connection_id))
    assert [e.type for e in logged] == ["ConnectionCreated"]
    assert REFRESH_TOKEN not in json.dumps([e.model_dump(mode="json") for e in logged])
    assert REFRESH_TOKEN not in reply.text


def test_a_marketplace_of_another_region_is_refused_before_any_secret_is_written(
    api: ApiClient, aws: Aws
) -> None:
    body = {"seller_id": "A1", "region": "EU", "marketplace_ids": [US], "refresh_token": "t"}

    reply = api.post("/connections", body)

    assert (reply.status, reply.json["code"]) == (422, "validation_failed")
    assert reply.json["errors"][0]["field"].startswith("body.EU.marketplace_ids")
    secrets = aws.clients.secretsmanager.list_secrets(
        Filters=[
            {"Key": "name", "Values": [f"{aws.settings.refresh_token_secret_prefix}{api.tenant}"]}
        ]
    )
    assert secrets["SecretList"] == []


def queued_jobs(aws: Aws, connection_id: str) -> list[dict[str, Any]]:
    """The connection's jobs on the sync queue, taken off it (as the worker would)."""
    messages = aws.clients.sqs.receive_message(
        QueueUrl=aws.settings.sync_queue_url,
        MaxNumberOfMessages=10,
        AttributeNames=["MessageGroupId"],
    ).get("Messages", [])
    mine = [m for m in messages if json.loads(m["Body"])["connection_id"] == connection_id]
    for message in mine:
        aws.clients.sqs.delete_message(
            QueueUrl=aws.settings.sync_queue_url, ReceiptHandle=message["ReceiptHandle"]
        )
    return [{**json.loads(m["Body"]), "group": m["Attributes"]["MessageGroupId"]} for m in mine]


def test_a_new_connection_is_synced_at_once_and_sync_now_waits_once_per_connection(
    api: ApiClient, aws: Aws
) -> None:
    connection_id = a_connection(api)

    replies = [api.post(f"/connections/{connection_id}/sync") for _ in range(3)]

    assert [reply.status for reply in replies] == [202] * 3
    [first] = queued_jobs(aws, connection_id)  # the first sync still waits: it covers them
    assert first["reason"] == "on_demand"
    assert first["group"] == f"{api.tenant}#{connection_id}"
    # Once the worker picks the waiting job up, "sync now" queues another run.
    assert api.tenant is not None
    PendingJobs(StateTable(aws.settings.state_table, aws.clients.dynamodb)).take(
        SyncJob.model_validate({k: v for k, v in first.items() if k != "group"})
    )
    again = api.post(f"/connections/{connection_id}/sync")
    [second] = queued_jobs(aws, connection_id)
    assert second["correlation_id"] == again.json["correlation_id"]


def test_syncing_an_unknown_connection_is_not_found(api: ApiClient) -> None:
    assert api.post("/connections/conn-nope/sync").status == 404


def test_a_stock_count_sets_on_hand_in_an_own_warehouse(api: ApiClient, services: Services) -> None:
    warehouse_id = an_own_warehouse(api)

    reply = api.post(
        f"/warehouses/{warehouse_id}/stock-counts", {"lines": [{"sku": "SKU-1", "quantity": 40}]}
    )

    assert reply.status == 200, reply.text
    assert reply.json["version"] == 2
    logged = services.events.read(stream(api, StreamKind.WAREHOUSE, warehouse_id))
    assert [e.type for e in logged] == ["WarehouseCreated", "StockCounted"]


def test_stock_counts_are_refused_in_amazon_warehouses_and_with_repeated_skus(
    api: ApiClient,
) -> None:
    connection_id = a_connection(api)
    own = an_own_warehouse(api)
    line = {"sku": "SKU-1", "quantity": 1}

    fba = api.post(f"/warehouses/fba-{connection_id}-{US}/stock-counts", {"lines": [line]})
    repeated = api.post(f"/warehouses/{own}/stock-counts", {"lines": [line, line]})
    unknown = api.post("/warehouses/wh-nope/stock-counts", {"lines": [line]})

    assert (fba.status, fba.json["code"]) == (422, "invalid_command")
    assert (repeated.status, repeated.json["code"]) == (422, "invalid_command")
    assert (unknown.status, unknown.json["code"]) == (404, "not_found")


def test_reconciling_creates_the_three_orders_at_once(api: ApiClient, services: Services) -> None:
    ids = reconciled(api, services)

    for kind, key in [
        (StreamKind.TRANSFER_ORDER, "transfer_order_id"),
        (StreamKind.SALES_ORDER, "sales_order_id"),
        (StreamKind.PURCHASE_ORDER, "purchase_order_id"),
    ]:
        assert len(services.events.read(stream(api, kind, ids[key]))) == 1
    shipment = services.events.read(stream(api, StreamKind.SHIPMENT, ids["shipment_id"]))
    assert shipment[-1].type == "InboundShipmentReconciled"
    assert shipment[-1].actor == f"user:user-of-{api.tenant}"


def test_reconciling_twice_is_a_conflict(api: ApiClient, services: Services) -> None:
    ids = reconciled(api, services)

    again = api.post(
        f"/inbound-shipments/{ids['shipment_id']}/reconcile",
        {"source_warehouse_id": ids["warehouse_id"]},
    )

    assert (again.status, again.json["code"]) == (409, "invalid_transition")


def test_reconcile_refuses_unknown_shipments_and_sources_and_fba_sources(
    api: ApiClient, services: Services
) -> None:
    assert api.tenant is not None
    connection_id = a_connection(api)
    shipment_id = a_synced_shipment(services, api.tenant, connection_id)
    own = an_own_warehouse(api)

    unknown_shipment = api.post(
        "/inbound-shipments/FBA0NOPE/reconcile", {"source_warehouse_id": own}
    )
    unknown_source = api.post(
        f"/inbound-shipments/{shipment_id}/reconcile", {"source_warehouse_id": "wh-nope"}
    )
    fba_source = api.post(
        f"/inbound-shipments/{shipment_id}/reconcile",
        {"source_warehouse_id": f"fba-{connection_id}-{US}"},
    )

    assert unknown_shipment.status == 404
    assert unknown_source.status == 404
    assert (fba_source.status, fba_source.json["code"]) == (422, "invalid_command")


def test_marking_shipped_ships_the_sales_order_and_puts_the_purchase_order_in_transit(
    api: ApiClient, services: Services
) -> None:
    ids = reconciled(api, services)

    reply = api.post(f"/sales-orders/{ids['sales_order_id']}/status", {"status": "shipped"})

    assert reply.status == 200, reply.text
    assert reply.json == {
        "sales_order_id": ids["sales_order_id"],
        "status": "shipped",
        "version": 2,
        "purchase_order_id": ids["purchase_order_id"],
    }
    purchase = services.events.read(
        stream(api, StreamKind.PURCHASE_ORDER, ids["purchase_order_id"])
    )
    assert [e.type for e in purchase] == ["PurchaseOrderCreated", "PurchaseOrderShipped"]


def test_shipping_twice_is_a_conflict_and_other_statuses_are_refused(
    api: ApiClient, services: Services
) -> None:
    ids = reconciled(api, services)
    path = f"/sales-orders/{ids['sales_order_id']}/status"
    api.post(path, {"status": "shipped"})

    twice = api.post(path, {"status": "shipped"})
    reopen = api.post(path, {"status": "open"})

    assert (twice.status, twice.json["code"]) == (409, "invalid_transition")
    assert (reopen.status, reopen.json["code"]) == (422, "validation_failed")
    assert reopen.json["errors"][0]["field"] == "body.status"


def test_a_discrepancy_is_acknowledged_only_once_the_order_closed_short(
    api: ApiClient, services: Services
) -> None:
    assert api.tenant is not None
    ids = reconciled(api, services)
    path = f"/purchase-orders/{ids['purchase_order_id']}/acknowledge-discrepancy"
    still_open = api.post(path)
    a_purchase_order_closed_short(
        services, api.tenant, ids["purchase_order_id"], {"SKU-1": 10, "SKU-2": 3}
    )

    acknowledged = api.post(path)
    again = api.post(path)

    assert (still_open.status, still_open.json["code"]) == (409, "invalid_transition")
    assert acknowledged.status == 200, acknowledged.text
    assert acknowledged.json["written_off"] == [{"sku": "SKU-2", "quantity": 2}]
    assert again.status == 409


def test_history_lists_a_streams_events_in_order_with_who_and_why(
    api: ApiClient, services: Services
) -> None:
    ids = reconciled(api, services)
    api.post(f"/sales-orders/{ids['sales_order_id']}/status", {"status": "shipped"}, key="k-1")

    reply = api.get(f"/history/sales-order/{ids['sales_order_id']}")

    assert reply.status == 200, reply.text
    events = reply.json["events"]
    assert [(e["version"], e["type"]) for e in events] == [
        (1, "SalesOrderCreated"),
        (2, "SalesOrderShipped"),
    ]
    assert events[1]["causation_id"] == "k-1"
    assert events[1]["actor"] == f"user:user-of-{api.tenant}"
    assert events[1]["payload"]["sales_order_id"] == ids["sales_order_id"]
    assert "type" not in events[1]["payload"]


def test_history_pages_by_version(api: ApiClient) -> None:
    warehouse_id = an_own_warehouse(api)
    for quantity in range(3):
        lines = {"lines": [{"sku": "S", "quantity": quantity}]}
        api.post(f"/warehouses/{warehouse_id}/stock-counts", lines)

    first = api.get(f"/history/warehouse/{warehouse_id}", limit="3").json
    rest = api.get(
        f"/history/warehouse/{warehouse_id}", from_version=str(first["next_from_version"])
    ).json

    assert [e["version"] for e in first["events"]] == [1, 2, 3]
    assert [e["version"] for e in rest["events"]] == [4]
    assert rest["next_from_version"] is None


def test_a_connections_watch_window_can_be_changed_and_is_validated(
    api: ApiClient, services: Services
) -> None:
    connection_id = a_connection(api)

    reply = api.post(f"/connections/{connection_id}/settings", {"watch_window_days": 30})
    again = api.post(f"/connections/{connection_id}/settings", {"watch_window_days": 30})
    refused = api.post(f"/connections/{connection_id}/settings", {"watch_window_days": 0})
    missing = api.post("/connections/conn-nope/settings", {"watch_window_days": 30})

    assert (reply.status, reply.json["watch_window_days"]) == (200, 30), reply.text
    assert again.json["version"] == reply.json["version"]  # nothing new appended
    logged = services.events.read(stream(api, StreamKind.CONNECTION, connection_id))
    assert [(e.type, getattr(e.event, "watch_window_days", None)) for e in logged[1:]] == [
        ("ConnectionSettingsChanged", 30)
    ]
    assert (refused.status, refused.json["errors"][0]["field"]) == (
        422,
        "body.watch_window_days",
    )
    assert missing.status == 404
