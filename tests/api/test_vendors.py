"""/vendors over the real handler: create, read back at once, change, list by page; bad terms
are refused with the field and the reason, and nothing is appended."""

from typing import Any

import pytest

from tests.api.gateway import ApiClient

READS_VIEWS = True
ACME = {
    "name": "Acme",
    "lead_time_days": 30,
    "currency": "USD",
    "products": [{"sku": "W-1", "unit_cost": "2.5", "moq": 100, "case_pack": 12}],
}


def patch(api: ApiClient, path: str, body: Any) -> Any:
    return api.request("PATCH", path, body=body)


def test_a_vendor_is_created_read_back_changed_and_listed(api: ApiClient) -> None:
    created = api.post("/vendors", ACME)
    vendor_id = created.json["vendor_id"]

    read = api.get(f"/vendors/{vendor_id}")
    changed = patch(api, f"/vendors/{vendor_id}", {"lead_time_days": 45, "currency": "EUR"})
    unchanged = patch(api, f"/vendors/{vendor_id}", {"lead_time_days": 45})
    after = api.get(f"/vendors/{vendor_id}")
    history = api.get(f"/history/vendor/{vendor_id}")

    assert created.status == 201, created.text
    assert read.json == {
        "vendor_id": vendor_id,
        "name": "Acme",
        "lead_time_days": 30,
        "currency": "USD",
        "products": [{"sku": "W-1", "unit_cost": "2.5", "moq": 100, "case_pack": 12}],
        "version": 1,
    }
    assert (changed.status, changed.json["version"]) == (200, 2), changed.text
    assert (unchanged.status, unchanged.json["version"]) == (200, 2)
    assert (after.json["lead_time_days"], after.json["currency"]) == (45, "EUR")
    assert after.json["products"] == read.json["products"]
    assert [e["type"] for e in history.json["events"]] == ["VendorCreated", "VendorChanged"]


def test_vendors_are_listed_by_page(api: ApiClient) -> None:
    ids = sorted(
        api.post("/vendors", {**ACME, "name": f"V{n}"}).json["vendor_id"] for n in range(3)
    )

    first = api.get("/vendors", limit="2")
    second = api.get("/vendors", limit="2", cursor=first.json["next_cursor"])

    listed = [v["vendor_id"] for v in first.json["items"] + second.json["items"]]
    assert len(first.json["items"]) == 2
    assert sorted(listed) == sorted(ids)
    assert second.json["next_cursor"] is None


@pytest.mark.parametrize(
    ("body", "field", "reason"),
    [
        ({**ACME, "currency": "usd"}, "body.currency", "'EUR'"),
        ({**ACME, "currency": "XYZ"}, "body.currency", "'USD'"),
        ({**ACME, "lead_time_days": 366}, "body.lead_time_days", "365"),
        ({**ACME, "name": " "}, "body.name", "pattern"),
        ({**ACME, "lead_time_days": False}, "body.lead_time_days", "not true or false"),
        (
            {**ACME, "products": [{"sku": "W-1", "unit_cost": "-1"}]},
            "body.products.0.unit_cost",
            "pattern",
        ),
        (
            {**ACME, "products": [{"sku": "W-1", "unit_cost": "1.23456"}]},
            "body.products.0.unit_cost",
            "pattern",
        ),
        (
            {**ACME, "products": [{"sku": "W-1", "unit_cost": "1", "moq": 0}]},
            "body.products.0.moq",
            "greater than or equal to 1",
        ),
    ],
)
def test_bad_terms_are_refused_with_the_field_and_nothing_is_created(
    api: ApiClient, body: dict[str, Any], field: str, reason: str
) -> None:
    reply = api.post("/vendors", body)

    assert (reply.status, reply.json["code"]) == (422, "validation_failed"), reply.text
    [error] = [e for e in reply.json["errors"] if e["field"] == field]
    assert reason in error["reason"]
    assert api.get("/vendors").json["items"] == []


def test_a_sku_twice_and_an_unknown_vendor_are_refused_an_empty_change_changes_nothing(
    api: ApiClient,
) -> None:
    vendor_id = api.post("/vendors", ACME).json["vendor_id"]
    twice = {"products": [{"sku": "A", "unit_cost": "1"}, {"sku": "A", "unit_cost": "2"}]}

    duplicated = api.post("/vendors", {**ACME, **twice})
    empty = patch(api, f"/vendors/{vendor_id}", {})
    unknown = patch(api, "/vendors/vendor-nope", {"name": "X"})

    assert (duplicated.status, duplicated.json["code"]) == (422, "invalid_command")
    assert "only once" in duplicated.json["message"]
    assert (empty.status, empty.json["version"]) == (200, 1), empty.text  # nothing to change
    assert (unknown.status, unknown.json["code"]) == (404, "not_found")
    assert api.get(f"/history/vendor/{vendor_id}").json["events"][-1]["version"] == 1
