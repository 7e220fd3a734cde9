"""/settings/planning and what "ignore unreceived" does to GET /stock: an FBA order with nothing
received by its expected date + N days leaves `incoming_for_planning`, listed with the instant it
left; the real figures keep its units; the setting applies at once, both ways."""

from typing import Any

import pytest

from tests.api.gateway import ApiClient, Reply
from tests.api.givens import a_connection

READS_VIEWS = True


def put(api: ApiClient, body: Any) -> Reply:
    return api.request("PUT", "/settings/planning", body=body)


@pytest.fixture
def late_order(api: ApiClient) -> dict[str, str]:
    """A purchase order of 8 W-1 into FBA, expected 2026-01-01, and another of 2 expected later."""
    a_connection(api)
    fba = next(w for w in api.get("/warehouses").json["items"] if w["kind"] == "fba")
    vendor = api.post("/vendors", {"name": "V", "lead_time_days": 3, "currency": "USD"}).json
    ids = {}
    for name, expected, units in (("late", "2026-01-01", 8), ("later", "2999-01-01", 2)):
        ids[name] = api.post(
            "/purchase-orders",
            {
                "vendor_id": vendor["vendor_id"],
                "destination_warehouse_id": fba["warehouse_id"],
                "expected_date": expected,
                "lines": [{"sku": "W-1", "quantity": units}],
            },
        ).json["purchase_order_id"]
    return {**ids, "fba": fba["warehouse_id"]}


def row(api: ApiClient, warehouse_id: str) -> dict[str, Any]:
    rows = api.get("/stock", warehouse_id=warehouse_id, sku="W-1").json["items"]
    listed = api.get("/stock", warehouse_id=warehouse_id).json["items"]
    assert listed == rows  # one SKU: the page and the single row agree
    found: dict[str, Any] = rows[0]
    return found


def test_settings_default_off_and_are_changed_and_read_back(api: ApiClient) -> None:
    before = api.get("/settings/planning")
    changed = put(api, {"ignore_unreceived": {"enabled": True, "days_after_expected": 14}})
    same = put(api, {"ignore_unreceived": {"enabled": True, "days_after_expected": 14}})
    after = api.get("/settings/planning")

    assert before.json == {
        "ignore_unreceived": {"enabled": False, "days_after_expected": 30},
        "drift_tolerance_units": 2,
        "version": 0,
    }
    assert (changed.status, changed.json["version"]) == (200, 1), changed.text
    assert same.json["version"] == 1
    assert after.json["ignore_unreceived"] == {"enabled": True, "days_after_expected": 14}


@pytest.mark.parametrize(
    "body",
    [
        {"ignore_unreceived": {"enabled": True, "days_after_expected": 0}},
        {"ignore_unreceived": {"enabled": True, "days_after_expected": 366}},
        {"ignore_unreceived": {"enabled": True, "days_after_expected": True}},
        {"ignore_unreceived": {"enabled": "yes"}},
        {},
    ],
)
def test_bad_settings_are_refused(api: ApiClient, body: Any) -> None:
    reply = put(api, body)

    assert (reply.status, reply.json["code"]) == (422, "validation_failed"), reply.text
    assert api.get("/settings/planning").json["version"] == 0


def test_an_unreceived_late_shipment_leaves_planning_and_the_setting_brings_it_back(
    api: ApiClient, late_order: dict[str, str]
) -> None:
    fba = late_order["fba"]
    off = row(api, fba)
    put(api, {"ignore_unreceived": {"enabled": True, "days_after_expected": 10}})
    on = row(api, fba)
    put(api, {"ignore_unreceived": {"enabled": True, "days_after_expected": 365}})
    long_wait = row(api, fba)
    put(api, {"ignore_unreceived": {"enabled": False, "days_after_expected": 10}})
    off_again = row(api, fba)

    assert (off["on_order"], off["incoming_for_planning"], off["ignored_shipments"]) == (10, 10, [])
    assert (on["on_order"], on["incoming_for_planning"]) == (10, 2)  # the real figure stays
    assert on["ignored_shipments"] == [
        {
            "purchase_order_id": late_order["late"],
            "shipment_id": None,
            "units": 8,
            "expected_date": "2026-01-01",
            "ignored_since": "2026-01-11T00:00:00Z",
        }
    ]
    assert (long_wait["incoming_for_planning"], off_again["incoming_for_planning"]) == (10, 10)
