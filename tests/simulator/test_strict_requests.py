"""What Amazon refuses, the simulator refuses: 400 InvalidInput in the SP-API error shape, with
x-amzn-RequestId, for parameters outside Amazon's models. Over plain HTTP, so that the exact
statuses, headers and bodies are seen; every refusal is also checked against the model."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import httpx
import pytest

from infra.simulated_amazon import ControlClient, SimulatedAmazon
from infra.simulated_amazon.inventory_api import months_before

from .amazon_models import assert_response_matches_model, assert_sp_api_error_body
from .conftest import ALL_STATUSES, US, SellerHandle
from .raw_sp_api import (
    INVENTORY,
    SHIPMENT_ITEMS,
    SHIPMENTS,
    RawSpApi,
    error_of,
    inventory_params,
)

pytestmark = pytest.mark.slow

NEW_YORK_WINTER = timezone(timedelta(hours=-5))
PLUS_TWO = timezone(timedelta(hours=2))
EVER = {"LastUpdatedAfter": "2000-01-01T00:00:00Z", "LastUpdatedBefore": "2099-01-01T00:00:00Z"}
# (path, operation, parameters that make a valid call)
DATE_TIME_PARAMETERS = [
    (SHIPMENTS, "getShipments", "LastUpdatedAfter"),
    (SHIPMENTS, "getShipments", "LastUpdatedBefore"),
    (SHIPMENT_ITEMS, "getShipmentItems", "LastUpdatedAfter"),
    (SHIPMENT_ITEMS, "getShipmentItems", "LastUpdatedBefore"),
    (INVENTORY, "getInventorySummaries", "startDateTime"),
]
NOT_DATE_TIMES = [
    "2024-01-31",  # a date
    "2024-01-31T00:00:00",  # no zone
    "2024-01-31T00:00:00.000",  # no zone, with milliseconds
    "2024-01-31T00:00Z",  # no seconds
    "2024-01-31 00:00:00Z",  # a space for the T
    "2024-01-31T00:00:00+0100",  # offset without colon
    "2024-01-31T00:00:00 UTC",
    "1706659200",  # epoch seconds
    "2024-02-30T00:00:00Z",  # no such day
    "",
]


@pytest.fixture
def raw(sim: SimulatedAmazon, seller: SellerHandle) -> RawSpApi:
    return RawSpApi.for_seller(sim.url, seller.refresh_token)


def valid_params(path: str) -> dict[str, str]:
    if path == SHIPMENTS:
        return {"MarketplaceId": US, "QueryType": "DATE_RANGE", "ShipmentStatusList": "WORKING"}
    if path == SHIPMENT_ITEMS:
        return {"MarketplaceId": US, "QueryType": "DATE_RANGE"}
    return inventory_params()


def assert_refused(response: httpx.Response, operation_id: str, *mentions: str) -> None:
    status, code, message = error_of(response)
    assert (status, code) == (400, "InvalidInput"), response.text
    for mention in mentions:
        assert mention in message
    assert response.headers["x-amzn-RequestId"]
    assert_response_matches_model(operation_id, response)


# ShipmentStatusList


@pytest.mark.parametrize(
    "statuses",
    [
        "working",  # enum values are case-sensitive
        "WORKING,Shipped",
        "AWAITING_MARS_LANDING",  # a status the simulator can return is still no filter value
        "WORKING, SHIPPED",  # padded
        "WORKING,",  # an empty value
    ],
)
@pytest.mark.parametrize("query_type", ["SHIPMENT", "DATE_RANGE", "NEXT_TOKEN"])
def test_shipment_status_values_outside_the_enum_are_refused(
    raw: RawSpApi, statuses: str, query_type: str
) -> None:
    params = {
        "MarketplaceId": US,
        "QueryType": query_type,
        "ShipmentStatusList": statuses,
        "NextToken": "whatever",
        **EVER,
    }

    response = raw.get(SHIPMENTS, params)

    assert_refused(response, "getShipments", "ShipmentStatusList")


def test_every_status_of_the_request_enum_is_a_valid_filter(
    raw: RawSpApi, control: ControlClient, seller: SellerHandle
) -> None:
    ready = control.create_shipment(seller.seller_id, US, {"SKU-1": 1}, status="READY_TO_SHIP")

    response = raw.get(
        SHIPMENTS,
        {"MarketplaceId": US, "QueryType": "SHIPMENT", "ShipmentStatusList": ALL_STATUSES},
    )

    assert response.status_code == 200
    assert [s["ShipmentId"] for s in response.json()["payload"]["ShipmentData"]] == [ready]


# Date-times


@pytest.mark.parametrize("value", NOT_DATE_TIMES)
@pytest.mark.parametrize(("path", "operation_id", "key"), DATE_TIME_PARAMETERS)
def test_date_times_without_a_zone_or_in_other_formats_are_refused(
    raw: RawSpApi, path: str, operation_id: str, key: str, value: str
) -> None:
    params = {**valid_params(path), **EVER} if path != INVENTORY else valid_params(path)

    response = raw.get(path, {**params, key: value})

    assert_refused(response, operation_id, key, "time zone")


@pytest.mark.parametrize(("path", "operation_id", "key"), DATE_TIME_PARAMETERS)
def test_a_date_time_is_checked_even_where_the_query_type_ignores_it(
    raw: RawSpApi, path: str, operation_id: str, key: str
) -> None:
    if path == INVENTORY:
        params = {**inventory_params(), "nextToken": "unknown"}
    else:
        params = {"MarketplaceId": US, "QueryType": "NEXT_TOKEN", "NextToken": "unknown"}

    response = raw.get(path, {**params, key: "2024-01-31T00:00:00"})

    assert_refused(response, operation_id, key)


def test_an_unencoded_plus_in_an_offset_arrives_as_a_space_and_is_refused_with_a_hint(
    raw: RawSpApi,
) -> None:
    query = (
        f"MarketplaceId={US}&QueryType=DATE_RANGE&ShipmentStatusList=WORKING"
        "&LastUpdatedAfter=2024-01-31T00:00:00+01:00&LastUpdatedBefore=2099-01-01T00:00:00Z"
    )

    response = raw.get_raw_query(SHIPMENTS, query)

    assert_refused(response, "getShipments", "LastUpdatedAfter", "%2B")


def test_offsets_fractions_and_a_lower_case_z_are_accepted_and_compared_as_instants(
    raw: RawSpApi, control: ControlClient, seller: SellerHandle
) -> None:
    shipment_id = control.create_shipment(seller.seller_id, US, {"SKU-1": 1})
    updated = datetime.fromisoformat(control.shipment(shipment_id)["last_updated_at"])
    in_new_york = updated.astimezone(NEW_YORK_WINTER)
    bounds = [
        (updated.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f000z"), "fraction and z"),
        (in_new_york.isoformat(timespec="microseconds"), "-05:00"),
        (
            updated.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="milliseconds")
            + "+00:00",
            "+00:00",
        ),
    ]

    for bound, label in bounds:
        response = raw.get(
            SHIPMENTS,
            {
                **valid_params(SHIPMENTS),
                "LastUpdatedAfter": bound,
                "LastUpdatedBefore": bound,
            },
        )
        assert response.status_code == 200, (label, response.text)
        found = [s["ShipmentId"] for s in response.json()["payload"]["ShipmentData"]]
        assert found == [shipment_id], label


# Inventory: details, startDateTime


@pytest.mark.parametrize("value", ["1", "0", "yes", "True", "FALSE", ""])
def test_inventory_details_that_is_not_a_boolean_is_refused(raw: RawSpApi, value: str) -> None:
    response = raw.get(INVENTORY, inventory_params(details=value))

    assert_refused(response, "getInventorySummaries", "details")


def test_inventory_details_true_and_false(
    raw: RawSpApi, control: ControlClient, seller: SellerHandle
) -> None:
    control.create_shipment(seller.seller_id, US, {"SKU-1": 1})

    with_details = raw.get(INVENTORY, inventory_params(details="true"))
    without = raw.get(INVENTORY, inventory_params(details="false"))

    [detailed] = with_details.json()["payload"]["inventorySummaries"]
    [plain] = without.json()["payload"]["inventorySummaries"]
    assert "inventoryDetails" in detailed
    assert "inventoryDetails" not in plain


def test_months_before_keeps_the_day_or_takes_the_last_day_of_the_month() -> None:
    moment = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
    assert months_before(moment, 18) == datetime(2025, 5, 30, 12, 0, tzinfo=UTC)
    assert months_before(datetime(2026, 8, 31, tzinfo=UTC), 18) == datetime(2025, 2, 28, tzinfo=UTC)
    assert months_before(datetime(2025, 8, 31, tzinfo=UTC), 18) == datetime(2024, 2, 29, tzinfo=UTC)
    assert months_before(datetime(2026, 1, 15, tzinfo=UTC), 13) == datetime(
        2024, 12, 15, tzinfo=UTC
    )


def test_inventory_start_date_time_older_than_18_months_is_refused(
    raw: RawSpApi, control: ControlClient
) -> None:
    oldest = months_before(datetime.fromisoformat(control.now()), 18)

    def asked_from(moment: datetime) -> httpx.Response:
        start = moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        return raw.get(INVENTORY, inventory_params(startDateTime=start))

    assert asked_from(oldest + timedelta(minutes=1)).status_code == 200
    assert_refused(asked_from(oldest - timedelta(minutes=1)), "getInventorySummaries", "18 months")
    assert_refused(
        asked_from(oldest - timedelta(days=400)), "getInventorySummaries", "startDateTime"
    )


def test_paging_by_start_date_time_needs_the_original_start_date_time(
    raw: RawSpApi, control: ControlClient, seller: SellerHandle
) -> None:
    skus = {f"SKU-{n}": 1 for n in range(5)}
    start = datetime.fromisoformat(control.now()) - timedelta(seconds=1)
    shipment_id = control.create_shipment(seller.seller_id, US, skus, status="SHIPPED")
    control.receive(shipment_id, skus)
    since = start.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    first = raw.get(INVENTORY, inventory_params(startDateTime=since))
    token = first.json()["pagination"]["nextToken"]

    without_start = raw.get(INVENTORY, inventory_params(nextToken=token))
    another_start = raw.get(
        INVENTORY, inventory_params(nextToken=token, startDateTime="2026-01-01T00:00:00Z")
    )
    same_instant_other_offset = raw.get(
        INVENTORY,
        inventory_params(
            nextToken=token,
            startDateTime=start.replace(microsecond=0).astimezone(PLUS_TWO).isoformat(),
        ),
    )
    same_start = raw.get(INVENTORY, inventory_params(nextToken=token, startDateTime=since))

    assert len(first.json()["payload"]["inventorySummaries"]) == 3
    assert_refused(without_start, "getInventorySummaries", "startDateTime")
    assert_refused(another_start, "getInventorySummaries", "startDateTime")
    for page in (same_instant_other_offset, same_start):
        assert page.status_code == 200, page.text
        assert len(page.json()["payload"]["inventorySummaries"]) == 2


def test_a_token_from_a_query_without_start_date_time_pages_without_it(
    raw: RawSpApi, control: ControlClient, seller: SellerHandle
) -> None:
    control.create_shipment(seller.seller_id, US, {f"SKU-{n}": 1 for n in range(5)})
    token = raw.get(INVENTORY, inventory_params()).json()["pagination"]["nextToken"]

    response = raw.get(INVENTORY, inventory_params(nextToken=token))

    assert response.status_code == 200
    assert len(response.json()["payload"]["inventorySummaries"]) == 2


# Unknown paths


@pytest.mark.parametrize(
    "path", ["/fba/inbound/v0/nowhere", "/fba/inventory/v2/summaries", "/orders/v0/orders", "/"]
)
@pytest.mark.parametrize("with_token", [True, False])
def test_unknown_sp_api_paths_are_404_in_the_sp_api_error_shape(
    sim: SimulatedAmazon, raw: RawSpApi, path: str, with_token: bool
) -> None:
    caller = raw if with_token else RawSpApi(sim.url, None)

    response = caller.get(path)

    assert error_of(response)[:2] == (404, "NotFound")
    assert response.headers["x-amzn-RequestId"]
    assert_sp_api_error_body(response.json())


def test_control_routes_keep_their_own_404_shape(sim: SimulatedAmazon) -> None:
    response = httpx.get(f"{sim.url}/_sim/nowhere", verify=False)

    assert response.status_code == 404
    assert set(response.json()) == {"error"}
