"""The model oracle itself: the vendored files are Amazon's, and the checks catch what they must
(and excuse only what a named deviation covers)."""

from __future__ import annotations

import copy
import hashlib
import re
from typing import Any

import httpx
import pytest

from infra.simulated_amazon.rate_limit import AMAZON_RATE_LIMITS

from .amazon_models import (
    API_MODELS,
    ARE_CASES_REQUIRED_OMITTED,
    DEVIATIONS,
    EMPTY_LAST_UPDATED_TIME,
    MODELS_DIR,
    NON_JSON_ERROR_BODY,
    NOTIFICATION_SCHEMAS,
    READY_TO_SHIP_STATUS,
    UNLISTED_SHIPMENT_STATUS,
    assert_matches_model,
    assert_matches_notification_schema,
    assert_response_matches_model,
    assert_sp_api_error_body,
    operation,
)

ADDRESS = {
    "Name": "Warehouse",
    "AddressLine1": "1 Test Street",
    "City": "Seattle",
    "StateOrProvinceCode": "WA",
    "CountryCode": "US",
    "PostalCode": "98109",
}
SHIPMENT = {
    "ShipmentId": "FBA15DJ9SVVD",
    "ShipmentName": "Spring restock",
    "ShipFromAddress": ADDRESS,
    "DestinationFulfillmentCenterId": "PHX7",
    "ShipmentStatus": "WORKING",
    "LabelPrepType": "SELLER_LABEL",
    "AreCasesRequired": False,
    "BoxContentsSource": "INTERACTIVE",
}
SUMMARY = {
    "asin": "B0000000001",
    "fnSku": "X000000001",
    "sellerSku": "SKU-1",
    "condition": "NewItem",
    "lastUpdatedTime": "2026-11-30T10:00:00.000Z",
    "productName": "A product",
    "totalQuantity": 3,
}
HEADERS = {"x-amzn-RequestId": "r", "x-amzn-RateLimit-Limit": "2.0"}


def shipments_body(**changes: Any) -> dict[str, Any]:
    return {"payload": {"ShipmentData": [{**SHIPMENT, **changes}]}}


def inventory_body(**changes: Any) -> dict[str, Any]:
    granularity = {"granularityType": "Marketplace", "granularityId": "ATVPDKIKX0DER"}
    summary = {**SUMMARY, **changes}
    return {"payload": {"granularity": granularity, "inventorySummaries": [summary]}}


def violations(operation_id: str, status: int, body: Any, **kwargs: Any) -> str:
    with pytest.raises(AssertionError) as raised:
        assert_matches_model(operation_id, status, body, **kwargs)
    return str(raised.value)


# The vendored files


def readme_rows() -> list[tuple[str, str]]:
    readme = (MODELS_DIR / "README.md").read_text(encoding="utf-8")
    return re.findall(
        r"^\| `([^`]+)` \| `[^`]+` \| `[0-9a-f]{40}` [^|]*\| `([0-9a-f]{64})` \|$", readme, re.M
    )


def test_the_vendored_files_are_the_upstream_ones_listed_in_the_readme() -> None:
    rows = readme_rows()
    listed = {name for name, _ in rows}

    assert listed == {*API_MODELS, *NOTIFICATION_SCHEMAS.values(), "LICENSE", "NOTICE"}
    assert listed == {path.name for path in MODELS_DIR.iterdir()} - {"README.md"}
    for name, sha256 in rows:
        assert hashlib.sha256((MODELS_DIR / name).read_bytes()).hexdigest() == sha256, name


def test_every_operation_the_simulator_serves_is_in_the_models() -> None:
    for operation_id in AMAZON_RATE_LIMITS:
        assert operation(operation_id).method == "GET"


# What the checks catch


def test_a_valid_body_passes_and_relies_on_no_deviation() -> None:
    assert assert_matches_model("getShipments", 200, shipments_body()) == frozenset()
    assert assert_matches_model("getInventorySummaries", 200, inventory_body()) == frozenset()


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (shipments_body(Shipmentid="FBA1"), "'Shipmentid' was unexpected"),  # objects are closed
        (shipments_body(AreCasesRequired="false"), "is not of type 'boolean'"),
        (shipments_body(ConfirmedNeedByDate="2026-12-01T00:00:00Z"), "is not a 'date'"),
        (shipments_body(LabelPrepType="seller_label"), "is not one of"),
        (shipments_body(ShipFromAddress={**ADDRESS, "City": "C" * 31}), "is too long"),
        ({"payload": {"ShipmentData": [{"ShipmentId": "FBA1"}]}}, "is a required property"),
        ({"payload": {}, "pagination": {}}, "'pagination' was unexpected"),
        ({"errors": [{"message": "no code"}]}, "'code' is a required property"),
    ],
)
def test_what_the_model_does_not_allow_fails(body: dict[str, Any], problem: str) -> None:
    assert problem in violations("getShipments", 200, body)


def test_date_times_are_checked() -> None:
    assert "is not a 'date-time'" in violations(
        "getInventorySummaries", 200, inventory_body(lastUpdatedTime="2026-11-30T10:00:00")
    )


def test_a_status_or_operation_the_model_does_not_have_fails() -> None:
    assert "never answers 409" in violations("getShipments", 409, {})
    assert "no vendored model" in violations("getOrders", 200, {})


def test_allof_objects_are_closed_as_a_whole() -> None:
    event_filter = {
        "eventFilterType": "ANY_OFFER_CHANGED",
        "marketplaceIds": ["ATVPDKIKX0DER"],
        "aggregationSettings": {"aggregationTimePeriod": "FiveMinutes"},
    }
    subscription = {
        "subscriptionId": "s",
        "payloadVersion": "1.0",
        "destinationId": "d",
        "processingDirective": {"eventFilter": event_filter},
    }
    assert_matches_model("getSubscription", 200, {"payload": subscription})

    event_filter["marketplaceIdz"] = ["ATVPDKIKX0DER"]
    assert "'marketplaceIdz' was unexpected" in violations(
        "getSubscription", 200, {"payload": subscription}
    )


def test_an_sp_api_error_body_is_exactly_the_errors_list() -> None:
    assert_sp_api_error_body({"errors": [{"code": "NotFound", "message": "m", "details": ""}]})
    for body in ({"errors": []}, {"error": "m"}, {"errors": [{"code": "X"}], "extra": 1}):
        with pytest.raises(AssertionError):
            assert_sp_api_error_body(body)


# Deviations: named, precise, reported


def test_ready_to_ship_fails_unless_named_and_is_then_reported() -> None:
    body = shipments_body(ShipmentStatus="READY_TO_SHIP")

    assert "'READY_TO_SHIP' is not one of" in violations("getShipments", 200, body)
    used = assert_matches_model("getShipments", 200, body, deviations=[READY_TO_SHIP_STATUS])
    assert used == {READY_TO_SHIP_STATUS}


def test_a_deviation_excuses_only_its_own_violation() -> None:
    unlisted = shipments_body(ShipmentStatus="AWAITING_MARS_LANDING", ShipmentName=7)

    # READY_TO_SHIP does not excuse another unlisted status, nor any other problem.
    assert "AWAITING_MARS_LANDING" in violations(
        "getShipments", 200, unlisted, deviations=[READY_TO_SHIP_STATUS]
    )
    problems = violations("getShipments", 200, unlisted, deviations=[UNLISTED_SHIPMENT_STATUS])
    assert "AWAITING_MARS_LANDING" not in problems
    assert "7 is not of type 'string'" in problems


def test_amazons_empty_last_updated_time_and_missing_are_cases_required() -> None:
    empty_time = inventory_body(lastUpdatedTime="")
    no_cases = shipments_body()
    del no_cases["payload"]["ShipmentData"][0]["AreCasesRequired"]
    no_address = copy.deepcopy(no_cases)
    del no_address["payload"]["ShipmentData"][0]["ShipFromAddress"]

    assert assert_matches_model(
        "getInventorySummaries", 200, empty_time, deviations=[EMPTY_LAST_UPDATED_TIME]
    ) == {EMPTY_LAST_UPDATED_TIME}
    assert assert_matches_model(
        "getShipments", 200, no_cases, deviations=[ARE_CASES_REQUIRED_OMITTED]
    ) == {ARE_CASES_REQUIRED_OMITTED}
    assert "'ShipFromAddress' is a required property" in violations(
        "getShipments", 200, no_address, deviations=[ARE_CASES_REQUIRED_OMITTED]
    )


def test_a_deviation_of_another_operation_cannot_be_named() -> None:
    assert "does not occur in getInventorySummaries" in violations(
        "getInventorySummaries", 200, inventory_body(), deviations=[READY_TO_SHIP_STATUS]
    )


def test_every_deviation_says_why() -> None:
    for deviation in DEVIATIONS:
        assert deviation.name and len(deviation.evidence) > 40


# Whole answers: headers and JSON


def test_an_answer_must_carry_the_headers_its_model_declares() -> None:
    without_rate = httpx.Response(200, json=shipments_body(), headers={"x-amzn-RequestId": "r"})
    throttled = httpx.Response(
        429,
        json={"errors": [{"code": "QuotaExceeded", "message": "m"}]},
        headers={"x-amzn-RequestId": "r"},
    )

    with pytest.raises(AssertionError, match="x-amzn-RateLimit-Limit"):
        assert_response_matches_model("getShipments", without_rate)
    assert_response_matches_model("getShipments", throttled)  # 429: only the request id


def test_an_html_or_empty_body_only_as_a_named_proxy_failure() -> None:
    page = httpx.Response(
        503, text="<html></html>", headers={"content-type": "text/html", **HEADERS}
    )
    empty_200 = httpx.Response(200, headers=HEADERS)

    with pytest.raises(AssertionError, match="is not JSON"):
        assert_response_matches_model("getShipments", page)
    used = assert_response_matches_model("getShipments", page, deviations=[NON_JSON_ERROR_BODY])
    assert used == {NON_JSON_ERROR_BODY}
    with pytest.raises(AssertionError, match="is not JSON"):
        assert_response_matches_model("getShipments", empty_200, deviations=[NON_JSON_ERROR_BODY])


# Notification messages


def inventory_notification() -> dict[str, Any]:
    return {
        "NotificationVersion": "1.0",
        "NotificationType": "FBA_INVENTORY_AVAILABILITY_CHANGES",
        "PayloadVersion": "1.0",
        "EventTime": "2026-11-30T10:00:00.000Z",
        "Payload": {
            "SellerId": "A1SELLER",
            "FNSKU": "X000000001",
            "ASIN": "B0000000001",
            "SKU": "SKU-1",
            "FulfillmentInventoryByMarketplace": [
                {
                    "MarketplaceId": "ATVPDKIKX0DER",
                    "ItemName": "A product",
                    "FulfillmentInventory": {
                        "InboundQuantityBreakdown": {"Working": 0, "Shipped": 5, "Receiving": 1},
                        "Fulfillable": 6,
                        "Unfulfillable": 0,
                        "Researching": 0,
                        "ReservedQuantityBreakdown": {
                            "WarehouseProcessing": 0,
                            "WarehouseTransfer": 0,
                            "PendingCustomerOrder": 0,
                        },
                        "FutureSupplyBuyable": 0,
                        "PendingCustomerOrderInTransit": 0,
                    },
                }
            ],
        },
        "NotificationMetadata": {
            "ApplicationId": "amzn1.sp.solution.x",
            "SubscriptionId": "s",
            "PublishTime": "2026-11-30T10:00:01.000Z",
            "NotificationId": "n",
        },
    }


def test_a_complete_inventory_notification_matches_amazons_schema() -> None:
    assert_matches_notification_schema(inventory_notification())


def test_an_inventory_notification_without_the_fields_amazon_requires_fails() -> None:
    message = inventory_notification()
    [entry] = message["Payload"]["FulfillmentInventoryByMarketplace"]
    del entry["ItemName"]
    del entry["FulfillmentInventory"]["FutureSupplyBuyable"]
    del entry["FulfillmentInventory"]["ReservedQuantityBreakdown"]["PendingCustomerOrder"]

    with pytest.raises(AssertionError) as raised:
        assert_matches_notification_schema(message)

    for field in ("ItemName", "FutureSupplyBuyable", "PendingCustomerOrder"):
        assert f"'{field}' is a required property" in str(raised.value)
