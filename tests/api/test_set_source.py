"""POST /purchase-orders/set-source over the real handler: imported (unknown-source) purchase
orders become transfers from a warehouse, one result per id, with the stock a reconcile from
there makes; every other id gets its own clear refusal."""

from typing import Any

import pytest

from domain import connection
from domain.connection import ChangeConnectionSettings, OrderRule, OrderType
from domain.streams import StreamId, StreamKind
from functions.api.wiring import Services
from functions.reactor.reactor import Reactor
from tests.api.gateway import ApiClient
from tests.api.givens import a_connection, a_synced_shipment, an_own_warehouse, append

READS_VIEWS = True


def imported_orders(api: ApiClient, services: Services, count: int) -> tuple[list[str], str]:
    """A connection importing as purchase orders, and `count` shipments it imported."""
    assert api.tenant is not None
    connection_id = a_connection(api)
    state = services.aggregates.load(api.tenant, StreamKind.CONNECTION, connection_id).state
    rule = ChangeConnectionSettings(
        connection_id=connection_id,
        order_rule=OrderRule(default_order_type=OrderType.PURCHASE_ORDER),
    )
    append(
        services,
        api.tenant,
        StreamKind.CONNECTION,
        connection_id,
        *connection.decide(rule, state),
    )
    reactor = Reactor(services.aggregates)
    shipments = []
    for n in range(count):
        shipment_id = a_synced_shipment(services, api.tenant, connection_id, {"SKU-1": 10 + n})
        stream = StreamId(tenant_id=api.tenant, kind=StreamKind.SHIPMENT, entity_id=shipment_id)
        for recorded in services.events.read(stream):
            reactor.react(recorded)
        shipments.append(shipment_id)
    fba = next(w for w in api.get("/warehouses").json["items"] if w["kind"] == "fba")
    return [f"po-{s}" for s in shipments], fba["warehouse_id"]


def set_source(api: ApiClient, ids: list[str], source: str) -> Any:
    return api.post(
        "/purchase-orders/set-source", {"purchase_order_ids": ids, "source_warehouse_id": source}
    )


def test_imported_orders_become_transfers_from_the_source_one_result_each(
    api: ApiClient, services: Services
) -> None:
    ids, fba = imported_orders(api, services, 3)
    main = an_own_warehouse(api, "Main")
    unknown = api.get("/purchase-orders", source_type="unknown").json["items"]

    reply = set_source(api, [*ids, "po-missing"], main)
    again = set_source(api, ids[:1], main)

    assert sorted(o["purchase_order_id"] for o in unknown) == sorted(ids)
    assert reply.status == 200, reply.text
    results = reply.json["results"]
    assert [r["result"] for r in results] == ["ok", "ok", "ok", "error"]
    assert results[0]["transfer_order_id"] == f"to-{ids[0]}"
    assert (results[3]["code"], results[3]["purchase_order_id"]) == ("not_found", "po-missing")
    assert again.json["results"][0]["result"] == "ok"
    main_stock = api.get("/stock", warehouse_id=main, sku="SKU-1").json["items"][0]
    assert main_stock["committed"] == 10 + 11 + 12  # committed until Amazon shows them gone
    fba_stock = api.get("/stock", warehouse_id=fba, sku="SKU-1").json["items"][0]
    assert fba_stock["on_order"] == 33
    transfer = api.get(f"/transfer-orders/to-{ids[0]}").json
    assert (transfer["source_warehouse_id"], transfer["purchase_order_id"]) == (main, ids[0])
    assert api.get(f"/purchase-orders/{ids[0]}").json["source_type"] == "warehouse"
    assert api.get("/purchase-orders", source_type="unknown").json["items"] == []


def test_each_refusal_is_its_own_result(api: ApiClient, services: Services) -> None:
    ids, fba = imported_orders(api, services, 1)
    main = an_own_warehouse(api, "Main")
    other = an_own_warehouse(api, "Other")
    vendor = api.post("/vendors", {"name": "V", "lead_time_days": 1, "currency": "USD"}).json
    placed = api.post(
        "/purchase-orders",
        {
            "vendor_id": vendor["vendor_id"],
            "destination_warehouse_id": main,
            "lines": [{"sku": "SKU-1", "quantity": 1}],
        },
    ).json["purchase_order_id"]
    set_source(api, ids, main)

    from_fba = set_source(api, ids, fba).json["results"][0]
    elsewhere = set_source(api, ids, other).json["results"][0]
    vendors = set_source(api, [placed], main).json["results"][0]

    assert from_fba["code"] == "source_not_usable"
    assert elsewhere["code"] == "source_already_set"
    assert vendors["code"] == "not_unknown_source"


@pytest.mark.parametrize(
    "ids",
    [[], [f"po-{n}" for n in range(501)], ["po-1", "po-1"]],
)
def test_bad_id_lists_are_refused_whole(api: ApiClient, ids: list[str]) -> None:
    reply = set_source(api, ids, "wh-1")

    assert (reply.status, reply.json["code"]) == (422, "validation_failed"), reply.text
    assert reply.json["errors"][0]["field"].startswith("body.purchase_order_ids")


def test_a_set_source_leaves_the_ledger_a_reconcile_from_there_would(
    api: ApiClient, services: Services
) -> None:
    assert api.tenant is not None
    ids, fba = imported_orders(api, services, 1)  # SKU-1 x 10, imported
    main = an_own_warehouse(api, "Main")
    connection_id = api.get("/connections").json["items"][0]["connection_id"]
    reconciled = a_synced_shipment(services, api.tenant, connection_id, {"SKU-1": 10})
    # (no reactor runs on this one: the user reconciles it, as under the rule none)
    api.post(f"/inbound-shipments/{reconciled}/reconcile", {"source_warehouse_id": main})

    set_source(api, ids, main)

    def movements(order_ids: set[str]) -> dict[str, list[dict[str, int]]]:
        figures = ("on_hand", "committed", "on_order", "in_transit", "receiving", "discrepancy")
        by_warehouse = {}
        for warehouse_id in (main, fba):
            entries = api.get("/stock/ledger", warehouse_id=warehouse_id, sku="SKU-1").json
            by_warehouse[warehouse_id] = [
                {name: entry[name] for name in figures}
                for entry in entries["entries"]
                if entry["order_id"] in order_ids
            ]
        return by_warehouse

    reconcile_ids = {
        o["purchase_order_id"]
        for o in api.get("/purchase-orders").json["items"]
        if o["purchase_order_id"] not in ids
    }
    reconcile_ids |= {t["sales_order_id"] for t in api.get("/transfer-orders").json["items"]}
    imported_ids = {ids[0], f"so-{ids[0]}"}
    assert movements(imported_ids) == movements(reconcile_ids - imported_ids)
    assert movements(imported_ids)[main] == [
        {
            "on_hand": 0,
            "committed": 10,
            "on_order": 0,
            "in_transit": 0,
            "receiving": 0,
            "discrepancy": 0,
        }
    ]
