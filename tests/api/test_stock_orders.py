"""Stock orders over the real handler: vendor purchase orders placed, listed, edited, received,
closed and cancelled; transfers created, shipped and received; the stock each moves; every bad
request refused with its field and reason, nothing appended."""

from typing import Any

import pytest

from domain.streams import StreamKind
from domain.warehouse import WarehouseEnabledChanged
from functions.api.wiring import Services
from tests.api.gateway import ApiClient, Reply
from tests.api.givens import (
    a_connection,
    a_synced_shipment,
    an_own_warehouse,
    append,
    reconciled,
)

READS_VIEWS = True
SKU = "W-1"


def patch(api: ApiClient, path: str, body: Any) -> Reply:
    return api.request("PATCH", path, body=body)


def figures(api: ApiClient, warehouse_id: str, sku: str = SKU) -> dict[str, int]:
    rows = api.get("/stock", warehouse_id=warehouse_id, sku=sku).json["items"]
    names = ("on_hand", "committed", "on_order", "in_transit", "receiving", "discrepancy")
    return {name: rows[0][name] for name in names} if rows else {}


def ledger(api: ApiClient, warehouse_id: str, sku: str = SKU) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = api.get(
        "/stock/ledger", warehouse_id=warehouse_id, sku=sku
    ).json["entries"]
    return entries


@pytest.fixture
def vendor(api: ApiClient) -> str:
    reply = api.post(
        "/vendors",
        {
            "name": "Acme",
            "lead_time_days": 20,
            "currency": "USD",
            "products": [{"sku": SKU, "unit_cost": "2.5"}],
        },
    )
    assert reply.status == 201, reply.text
    return str(reply.json["vendor_id"])


@pytest.fixture
def store(api: ApiClient) -> str:
    return an_own_warehouse(api, "Store")


def order(api: ApiClient, vendor: str, destination: str, **extra: Any) -> Reply:
    body = {
        "vendor_id": vendor,
        "destination_warehouse_id": destination,
        "lines": [{"sku": SKU, "quantity": 100}],
        **extra,
    }
    return api.post("/purchase-orders", body)


def test_a_vendor_order_is_on_order_then_received_in_part_then_closed_short(
    api: ApiClient, vendor: str, store: str
) -> None:
    placed = order(api, vendor, store, reference="PO-7", expected_date="2026-12-24")
    po_id = placed.json["purchase_order_id"]
    on_order = figures(api, store)

    received = api.post(
        f"/purchase-orders/{po_id}/receipts", {"lines": [{"sku": SKU, "quantity": 60}]}
    )
    after_receipt = figures(api, store)
    entries = ledger(api, store)
    closed = api.post(f"/purchase-orders/{po_id}/close")
    view = api.get(f"/purchase-orders/{po_id}").json

    assert (placed.status, placed.json["status"]) == (201, "open"), placed.text
    assert on_order == {**dict.fromkeys(on_order, 0), "on_order": 100}
    assert (received.status, received.json["status"]) == (200, "partially_received")
    assert after_receipt == {**dict.fromkeys(after_receipt, 0), "on_hand": 60, "on_order": 40}
    assert [e["event_type"] for e in entries] == ["PurchaseOrderCreated", "PurchaseOrderReceived"]
    assert [e["order_id"] for e in entries] == [po_id, po_id]
    assert (closed.status, closed.json["status"]) == (200, "closed_short")
    assert figures(api, store) == {
        **dict.fromkeys(after_receipt, 0),
        "on_hand": 60,
        "discrepancy": 40,
    }
    assert {k: view[k] for k in ("type", "source_type", "vendor_id", "locked", "reference")} == {
        "type": "purchase_order",
        "source_type": "vendor",
        "vendor_id": vendor,
        "locked": False,
        "reference": "PO-7",
    }
    assert (view["expected_date"], view["received_by_amazon"]) == ("2026-12-24", False)
    assert view["lines"] == [
        {
            "sku": SKU,
            "quantity_ordered": 100,
            "quantity_received": 60,
            "discrepancy": 40,
            "written_off": 0,
            "unit_cost": "2.5",  # the vendor's, as the line named none
        }
    ]


def test_over_and_unplanned_receipts_are_booked(api: ApiClient, vendor: str, store: str) -> None:
    po_id = order(api, vendor, store).json["purchase_order_id"]

    reply = api.post(
        f"/purchase-orders/{po_id}/receipts",
        {"lines": [{"sku": SKU, "quantity": 120}, {"sku": "EXTRA", "quantity": 3}]},
    )

    assert (reply.status, reply.json["status"]) == (200, "received"), reply.text
    assert figures(api, store)["on_hand"] == 120
    assert figures(api, store, "EXTRA")["on_hand"] == 3
    lines = {line["sku"]: line for line in api.get(f"/purchase-orders/{po_id}").json["lines"]}
    assert (lines["EXTRA"]["quantity_ordered"], lines["EXTRA"]["quantity_received"]) == (0, 3)


def test_an_open_order_is_edited_until_something_is_received(
    api: ApiClient, vendor: str, store: str
) -> None:
    po_id = order(api, vendor, store).json["purchase_order_id"]

    edited = patch(
        api,
        f"/purchase-orders/{po_id}",
        {"lines": [{"sku": "W-2", "quantity": 7, "unit_cost": "1.25"}], "reference": "R"},
    )
    nothing = patch(api, f"/purchase-orders/{po_id}", {})
    api.post(f"/purchase-orders/{po_id}/receipts", {"lines": [{"sku": "W-2", "quantity": 1}]})
    late = patch(api, f"/purchase-orders/{po_id}", {"reference": "too late"})

    assert (edited.status, edited.json["version"]) == (200, 2), edited.text
    assert (nothing.status, nothing.json["version"]) == (200, 2)
    assert (late.status, late.json["code"]) == (409, "invalid_transition")
    view = api.get(f"/purchase-orders/{po_id}").json
    assert [(line["sku"], line["quantity_ordered"]) for line in view["lines"]] == [("W-2", 7)]
    assert view["reference"] == "R"
    assert set(figures(api, store).values()) == {0}  # W-1 left the order: nothing on order
    assert figures(api, store, "W-2")["on_order"] == 6


def test_an_order_bound_to_an_amazon_shipment_is_locked(api: ApiClient, services: Services) -> None:
    ids = reconciled(api, services)
    path = f"/purchase-orders/{ids['purchase_order_id']}"

    edit = patch(api, path, {"reference": "mine"})
    cancel = api.post(f"{path}/cancel")
    receipt = api.post(f"{path}/receipts", {"lines": [{"sku": "SKU-1", "quantity": 1}]})

    assert (edit.status, edit.json["code"]) == (409, "order_locked")
    assert "Seller Central" in edit.json["message"]
    assert (cancel.status, cancel.json["code"]) == (409, "order_locked")
    assert (receipt.status, receipt.json["code"]) == (409, "received_by_amazon")
    assert api.get(path).json["locked"] is True


def test_an_order_into_fba_is_open_until_amazon_receives_it(
    api: ApiClient, services: Services, vendor: str
) -> None:
    ids = reconciled(api, services)
    fba = api.get(f"/purchase-orders/{ids['purchase_order_id']}").json["warehouse_id"]
    po_id = order(api, vendor, fba).json["purchase_order_id"]

    receipt = api.post(
        f"/purchase-orders/{po_id}/receipts", {"lines": [{"sku": SKU, "quantity": 1}]}
    )
    close = api.post(f"/purchase-orders/{po_id}/close")
    view = api.get(f"/purchase-orders/{po_id}").json

    assert (receipt.status, receipt.json["code"]) == (409, "received_by_amazon")
    assert (close.status, close.json["code"]) == (409, "received_by_amazon")
    assert (view["status"], view["locked"], view["received_by_amazon"]) == ("open", False, True)
    assert figures(api, fba)["on_order"] == 100


def test_cancel_only_with_nothing_received(api: ApiClient, vendor: str, store: str) -> None:
    first = order(api, vendor, store).json["purchase_order_id"]
    second = order(api, vendor, store).json["purchase_order_id"]
    api.post(f"/purchase-orders/{second}/receipts", {"lines": [{"sku": SKU, "quantity": 1}]})

    cancelled = api.post(f"/purchase-orders/{first}/cancel")
    again = api.post(f"/purchase-orders/{first}/cancel")
    refused = api.post(f"/purchase-orders/{second}/cancel")
    receipt = api.post(
        f"/purchase-orders/{first}/receipts", {"lines": [{"sku": SKU, "quantity": 1}]}
    )

    assert (cancelled.status, cancelled.json["status"]) == (200, "cancelled")
    assert (again.status, again.json["version"]) == (200, cancelled.json["version"])
    assert (refused.status, refused.json["code"]) == (409, "invalid_transition")
    assert "close it instead" in refused.json["message"]
    assert receipt.status == 409
    assert figures(api, store)["on_order"] == 99  # only the second order's open units


def test_purchase_orders_are_listed_newest_first_and_filtered(
    api: ApiClient, vendor: str, store: str
) -> None:
    other_vendor = api.post(
        "/vendors", {"name": "Other", "lead_time_days": 1, "currency": "EUR"}
    ).json["vendor_id"]
    early = order(api, vendor, store, expected_date="2026-12-10").json["purchase_order_id"]
    late = order(api, vendor, store, expected_date="2027-01-10").json["purchase_order_id"]
    undated = order(api, other_vendor, store).json["purchase_order_id"]
    api.post(f"/purchase-orders/{late}/receipts", {"lines": [{"sku": SKU, "quantity": 5}]})
    other_sku = api.post(
        "/purchase-orders",
        {
            "vendor_id": other_vendor,
            "destination_warehouse_id": store,
            "lines": [{"sku": "Z-9", "quantity": 1}],
        },
    ).json["purchase_order_id"]

    def listed(**query: str) -> list[str]:
        reply = api.get("/purchase-orders", **query)
        assert reply.status == 200, reply.text
        return [item["purchase_order_id"] for item in reply.json["items"]]

    assert listed() == [other_sku, undated, late, early]
    assert listed(status="open") == [other_sku, undated, early]
    assert listed(status="partially_received") == [late]
    assert listed(vendor_id=vendor) == [late, early]
    assert listed(vendor_id=other_vendor, status="open") == [other_sku, undated]
    assert listed(destination_warehouse_id=store, source_type="vendor", sku=SKU) == [
        undated,
        late,
        early,
    ]
    assert listed(source_type="warehouse") == []
    assert listed(expected_before="2027-01-01") == [early]
    assert listed(expected_after="2026-12-10") == [late]
    assert listed(expected_after="2026-01-01", expected_before="2026-12-11") == [early]
    first = api.get("/purchase-orders", limit="3")
    second = api.get("/purchase-orders", limit="3", cursor=first.json["next_cursor"])
    assert [i["purchase_order_id"] for i in first.json["items"] + second.json["items"]] == [
        other_sku,
        undated,
        late,
        early,
    ]
    assert second.json["next_cursor"] is None
    row = api.get("/purchase-orders", status="partially_received").json["items"][0]
    assert (row["units_ordered"], row["units_received"], row["version"]) == (100, 5, 2)


@pytest.mark.parametrize(
    ("lines", "field"),
    [
        ([{"sku": SKU, "quantity": 0}], "body.lines.0.quantity"),
        ([{"sku": SKU, "quantity": 1_000_000_001}], "body.lines.0.quantity"),
        ([{"sku": SKU, "quantity": True}], "body.lines.0.quantity"),
        ([{"sku": SKU, "quantity": 1, "unit_cost": "-1"}], "body.lines.0.unit_cost"),
        ([{"sku": SKU, "quantity": 1, "unit_cost": "1.23456"}], "body.lines.0.unit_cost"),
        ([{"sku": SKU, "quantity": 1}, {"sku": SKU, "quantity": 2}], "body.lines"),
        ([{"sku": f"S{n}", "quantity": 1} for n in range(1001)], "body.lines"),
        ([], "body.lines"),
    ],
)
def test_bad_lines_are_refused_with_the_field_and_nothing_is_appended(
    api: ApiClient, vendor: str, store: str, lines: list[dict[str, Any]], field: str
) -> None:
    body = {"vendor_id": vendor, "destination_warehouse_id": store, "lines": lines}

    reply = api.post("/purchase-orders", body)
    transfer = api.post(
        "/transfer-orders",
        {"source_warehouse_id": store, "destination_warehouse_id": "elsewhere", "lines": lines},
    )

    assert (reply.status, reply.json["code"]) == (422, "validation_failed"), reply.text
    assert field in [error["field"] for error in reply.json["errors"]], reply.json
    assert transfer.status == 422
    assert api.get("/purchase-orders").json["items"] == []


def test_unknown_or_disabled_references_are_refused_with_the_field(
    api: ApiClient, services: Services, vendor: str, store: str
) -> None:
    assert api.tenant is not None
    peer = api.as_tenant(f"{api.tenant}-peer")
    peer_vendor = peer.post(
        "/vendors", {"name": "Theirs", "lead_time_days": 1, "currency": "USD"}
    ).json["vendor_id"]
    disabled_event = WarehouseEnabledChanged(warehouse_id=store, enabled=False)
    append(services, api.tenant, StreamKind.WAREHOUSE, store, disabled_event)
    closed_store = store
    open_store = an_own_warehouse(api, "Open")

    unknown = order(api, peer_vendor, open_store)
    nowhere = order(api, vendor, "wh-nowhere")
    disabled = order(api, vendor, closed_store)

    assert (unknown.status, unknown.json["errors"][0]["field"]) == (404, "body.vendor_id")
    assert (nowhere.status, nowhere.json["errors"][0]["field"]) == (
        404,
        "body.destination_warehouse_id",
    )
    assert (disabled.status, disabled.json["errors"][0]["field"]) == (
        422,
        "body.destination_warehouse_id",
    )
    assert "disabled" in disabled.json["message"]
    assert api.get("/purchase-orders").json["items"] == []


def test_a_transfer_between_own_warehouses_commits_ships_and_is_received(
    api: ApiClient, store: str
) -> None:
    source = an_own_warehouse(api, "Main")
    api.post(f"/warehouses/{source}/stock-counts", {"lines": [{"sku": SKU, "quantity": 50}]})

    created = api.post(
        "/transfer-orders",
        {
            "source_warehouse_id": source,
            "destination_warehouse_id": store,
            "lines": [{"sku": SKU, "quantity": 10}],
        },
    )
    transfer_id = created.json["transfer_order_id"]
    early = api.post(
        f"/transfer-orders/{transfer_id}/receipts", {"lines": [{"sku": SKU, "quantity": 1}]}
    )
    committed = (figures(api, source), figures(api, store))
    shipped = api.post(f"/transfer-orders/{transfer_id}/ship")
    in_transit = (figures(api, source), figures(api, store))
    received = api.post(
        f"/transfer-orders/{transfer_id}/receipts", {"lines": [{"sku": SKU, "quantity": 12}]}
    )
    detail = api.get(f"/transfer-orders/{transfer_id}").json

    assert created.status == 201, created.text
    assert (early.status, early.json["code"]) == (409, "invalid_transition")
    assert (committed[0]["on_hand"], committed[0]["committed"]) == (50, 10)
    assert committed[1]["on_order"] == 10
    assert shipped.status == 200, shipped.text
    assert (in_transit[0]["on_hand"], in_transit[0]["committed"]) == (40, 0)
    assert (in_transit[1]["on_order"], in_transit[1]["in_transit"]) == (0, 10)
    assert received.status == 200, received.text
    # Two units over the plan left the source too: no unit appears from nowhere.
    assert figures(api, source)["on_hand"] == 38
    assert figures(api, store) == {**dict.fromkeys(figures(api, store), 0), "on_hand": 12}
    assert detail["shipment_id"] is None
    assert detail["purchase_order"]["status"] == "received"
    assert detail["sales_order"]["lines"] == [{"sku": SKU, "quantity": 10, "shipped_over_plan": 2}]
    assert (
        api.get("/purchase-orders", source_type="warehouse").json["items"][0]["transfer_order_id"]
        == transfer_id
    )


def test_transfers_from_fba_or_to_themselves_are_refused(
    api: ApiClient, services: Services, store: str
) -> None:
    ids = reconciled(api, services)
    fba = api.get(f"/purchase-orders/{ids['purchase_order_id']}").json["warehouse_id"]
    lines = [{"sku": SKU, "quantity": 1}]

    from_fba = api.post(
        "/transfer-orders",
        {"source_warehouse_id": fba, "destination_warehouse_id": store, "lines": lines},
    )
    to_itself = api.post(
        "/transfer-orders",
        {"source_warehouse_id": store, "destination_warehouse_id": store, "lines": lines},
    )
    to_fba = api.post(
        "/transfer-orders",
        {"source_warehouse_id": store, "destination_warehouse_id": fba, "lines": lines},
    )
    to_fba_id = to_fba.json["transfer_order_id"]
    api.post(f"/transfer-orders/{to_fba_id}/ship")
    receipt = api.post(f"/transfer-orders/{to_fba_id}/receipts", {"lines": lines})

    assert (from_fba.status, from_fba.json["errors"][0]["field"]) == (
        422,
        "body.source_warehouse_id",
    )
    assert (to_itself.status, to_itself.json["errors"][0]["field"]) == (
        422,
        "body.destination_warehouse_id",
    )
    assert to_fba.status == 201
    assert (receipt.status, receipt.json["code"]) == (409, "received_by_amazon")
    assert figures(api, fba)["in_transit"] == 1


@pytest.fixture
def fba_shipment(api: ApiClient, services: Services) -> dict[str, str]:
    """A connection (so its FBA warehouse) and a synced shipment of SKU-1 x 10, SKU-2 x 5."""
    assert api.tenant is not None
    connection_id = a_connection(api)
    shipment_id = a_synced_shipment(services, api.tenant, connection_id)
    fba = next(w for w in api.get("/warehouses").json["items"] if w["kind"] == "fba")
    return {
        "shipment_id": shipment_id,
        "fba": fba["warehouse_id"],
        "connection_id": connection_id,
    }


def reconcile(api: ApiClient, shipment_id: str, body: dict[str, Any]) -> Reply:
    return api.post(f"/inbound-shipments/{shipment_id}/reconcile", body)


def test_a_shipment_reconciled_from_a_vendor_is_a_purchase_order_straight_to_fba(
    api: ApiClient, vendor: str, fba_shipment: dict[str, str]
) -> None:
    reply = reconcile(api, fba_shipment["shipment_id"], {"vendor_id": vendor})
    po_id = reply.json["purchase_order_id"]
    order_view = api.get(f"/purchase-orders/{po_id}").json
    shipment = api.get(f"/inbound-shipments/{fba_shipment['shipment_id']}").json

    assert reply.status == 201, reply.text
    assert (reply.json["transfer_order_id"], reply.json["sales_order_id"]) == (None, None)
    assert (order_view["source_type"], order_view["vendor_id"], order_view["locked"]) == (
        "vendor",
        vendor,
        True,
    )
    assert order_view["shipment_ids"] == [fba_shipment["shipment_id"]]
    assert [(line["sku"], line["quantity_ordered"]) for line in order_view["lines"]] == [
        ("SKU-1", 10),
        ("SKU-2", 5),
    ]
    assert (shipment["reconciled"], shipment["transfer_order_ids"]) == (True, [])
    assert shipment["purchase_order_ids"] == [po_id]
    assert figures(api, fba_shipment["fba"], "SKU-1")["on_order"] == 10
    assert api.get("/transfer-orders").json["items"] == []  # nothing leaves a warehouse of ours


def test_a_shipment_reconciled_to_an_open_order_into_fba_binds_it_and_lists_differences(
    api: ApiClient, services: Services, vendor: str, fba_shipment: dict[str, str]
) -> None:
    assert api.tenant is not None
    second = a_synced_shipment(services, api.tenant, fba_shipment["connection_id"])
    placed = api.post(
        "/purchase-orders",
        {
            "vendor_id": vendor,
            "destination_warehouse_id": fba_shipment["fba"],
            "lines": [{"sku": "SKU-1", "quantity": 12}, {"sku": "SKU-3", "quantity": 4}],
        },
    )
    po_id = placed.json["purchase_order_id"]

    reply = reconcile(api, fba_shipment["shipment_id"], {"purchase_order_id": po_id})
    again = reconcile(api, second, {"purchase_order_id": po_id})
    edit = patch(api, f"/purchase-orders/{po_id}", {"reference": "mine"})
    order_view = api.get(f"/purchase-orders/{po_id}").json

    assert reply.status == 201, reply.text
    assert reply.json["purchase_order_id"] == po_id
    differences = [
        {"sku": "SKU-1", "ordered": 12, "planned": 10},
        {"sku": "SKU-2", "ordered": 0, "planned": 5},
        {"sku": "SKU-3", "ordered": 4, "planned": 0},
    ]
    assert reply.json["differences"] == differences
    assert order_view["plan_differences"] == differences
    assert (order_view["locked"], order_view["shipment_id"]) == (
        True,
        fba_shipment["shipment_id"],
    )
    assert (again.status, again.json["code"]) == (409, "order_locked")
    assert (edit.status, edit.json["code"]) == (409, "order_locked")


@pytest.mark.parametrize(
    "body",
    [{}, {"source_warehouse_id": "wh-1", "vendor_id": "vendor-1"}, {"source_warehouse_id": None}],
)
def test_reconcile_takes_exactly_one_origin(
    api: ApiClient, fba_shipment: dict[str, str], body: dict[str, Any]
) -> None:
    reply = reconcile(api, fba_shipment["shipment_id"], body)

    assert (reply.status, reply.json["code"]) == (422, "validation_failed"), reply.text
    assert "exactly one" in reply.json["errors"][0]["reason"]
    assert api.get(f"/inbound-shipments/{fba_shipment['shipment_id']}").json["reconciled"] is False


def test_reconcile_to_an_order_into_an_own_warehouse_is_refused(
    api: ApiClient, vendor: str, store: str, fba_shipment: dict[str, str]
) -> None:
    po_id = order(api, vendor, store).json["purchase_order_id"]

    reply = reconcile(api, fba_shipment["shipment_id"], {"purchase_order_id": po_id})
    unknown = reconcile(api, fba_shipment["shipment_id"], {"purchase_order_id": "po-nope"})

    assert (reply.status, reply.json["errors"][0]["field"]) == (422, "body.purchase_order_id")
    assert (unknown.status, unknown.json["errors"][0]["field"]) == (404, "body.purchase_order_id")
    assert api.get(f"/purchase-orders/{po_id}").json["locked"] is False


def test_a_transfers_purchase_order_receives_as_its_transfer_and_is_not_edited(
    api: ApiClient, store: str
) -> None:
    source = an_own_warehouse(api, "Main")
    api.post(f"/warehouses/{source}/stock-counts", {"lines": [{"sku": SKU, "quantity": 20}]})
    created = api.post(
        "/transfer-orders",
        {
            "source_warehouse_id": source,
            "destination_warehouse_id": store,
            "lines": [{"sku": SKU, "quantity": 5}],
        },
    ).json
    api.post(f"/transfer-orders/{created['transfer_order_id']}/ship")
    po_path = f"/purchase-orders/{created['purchase_order_id']}"

    received = api.post(f"{po_path}/receipts", {"lines": [{"sku": SKU, "quantity": 7}]})
    edit = patch(api, po_path, {"lines": [{"sku": SKU, "quantity": 9}]})

    assert (received.status, received.json["status"]) == (200, "received"), received.text
    assert figures(api, source)["on_hand"] == 13  # the 2 over the plan left the source too
    assert figures(api, store)["on_hand"] == 7
    assert (edit.status, edit.json["code"]) == (409, "invalid_transition")


def test_edited_lines_take_the_vendors_unit_costs(api: ApiClient, vendor: str, store: str) -> None:
    po_id = order(api, vendor, store).json["purchase_order_id"]

    patch(api, f"/purchase-orders/{po_id}", {"lines": [{"sku": SKU, "quantity": 3}]})

    assert api.get(f"/purchase-orders/{po_id}").json["lines"][0]["unit_cost"] == "2.5"
