"""Every answer the simulator gives, checked against Amazon's published models: each operation
it serves, for each status it answers (success, refusals, auth failures, throttling, faults).

A case is a call over HTTP and the operation and status it must answer with; the answer must
match the model (headers it declares, body schema) apart from the named deviations, which must
then be relied on. To cover a new operation, add it to ANSWERS and add its cases.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from infra.simulated_amazon import ControlClient, SimulatedAmazon
from infra.simulated_amazon.rate_limit import AMAZON_RATE_LIMITS

from .amazon_models import (
    NON_JSON_ERROR_BODY,
    READY_TO_SHIP_STATUS,
    UNLISTED_SHIPMENT_STATUS,
    Deviation,
    assert_response_matches_model,
)
from .conftest import ALL_STATUSES, US, SellerHandle, make_seller
from .raw_sp_api import (
    INVENTORY,
    SHIPMENT_ITEMS,
    SHIPMENTS,
    RawSpApi,
    inventory_params,
    shipment_items_path,
)

pytestmark = pytest.mark.slow

GET_SHIPMENTS = "getShipments"
BY_SHIPMENT = "getShipmentItemsByShipmentId"
GET_ITEMS = "getShipmentItems"
INVENTORY_SUMMARIES = "getInventorySummaries"
# The statuses each served operation answers with, every one covered by a case below.
COMMON_STATUSES = frozenset({200, 400, 403, 429, 500, 503})
ANSWERS = {
    GET_SHIPMENTS: COMMON_STATUSES,
    BY_SHIPMENT: COMMON_STATUSES | {404},
    GET_ITEMS: COMMON_STATUSES,
    INVENTORY_SUMMARIES: COMMON_STATUSES,
}
RESPONSE_ENUM_STATUSES = [s for s in ALL_STATUSES.split(",") if s != "READY_TO_SHIP"]
EVER = {"LastUpdatedAfter": "2000-01-01T00:00:00Z", "LastUpdatedBefore": "2099-01-01T00:00:00Z"}


@dataclass(frozen=True)
class Caller:
    """Calls as one seller, and makes that seller a shipment when a call needs one."""

    raw: RawSpApi
    new_shipment: Callable[[], str]


@dataclass
class World:
    control: ControlClient
    seller: SellerHandle
    raw: RawSpApi
    url: str
    # A fresh seller in a simulator whose every burst is one call.
    throttling: Callable[[], Caller]

    def shipment(self, skus: dict[str, int] | None = None, **fields: Any) -> str:
        return self.control.create_shipment(
            self.seller.seller_id, US, skus or {"SKU-A": 5}, **fields
        )

    def caller(self) -> Caller:
        return Caller(self.raw, self.shipment)

    def anonymous(self, token: str | None) -> Caller:
        """Calls with no access token, or with one the simulator never issued."""
        return Caller(RawSpApi(self.url, token), self.shipment)


Call = Callable[[World], list[httpx.Response]]


@dataclass(frozen=True)
class Case:
    id: str
    operation_id: str
    status: int
    call: Call
    deviations: tuple[Deviation, ...] = ()


@pytest.fixture(scope="module")
def one_call_bursts() -> Iterator[SimulatedAmazon]:
    with SimulatedAmazon(rate_scale=0.01) as simulator:
        yield simulator


@pytest.fixture
def world(
    sim: SimulatedAmazon,
    control: ControlClient,
    seller: SellerHandle,
    one_call_bursts: SimulatedAmazon,
) -> Iterator[World]:
    with ControlClient(one_call_bursts.url) as slow_control:

        def throttling() -> Caller:
            slow_seller = make_seller(slow_control, one_call_bursts.url)
            return Caller(
                RawSpApi.for_seller(one_call_bursts.url, slow_seller.refresh_token),
                lambda: slow_control.create_shipment(slow_seller.seller_id, US, {"SKU-A": 1}),
            )

        yield World(
            control,
            seller,
            RawSpApi.for_seller(sim.url, seller.refresh_token),
            sim.url,
            throttling,
        )


# A valid call of each operation (faults, auth failures and throttling hit these)


WORKING = {"ShipmentStatusList": "WORKING"}


def shipments_call(caller: Caller) -> httpx.Response:
    return caller.raw.get(SHIPMENTS, {"MarketplaceId": US, "QueryType": "SHIPMENT", **WORKING})


def by_shipment_call(caller: Caller) -> httpx.Response:
    return caller.raw.get(shipment_items_path(caller.new_shipment()), {"MarketplaceId": US})


def items_call(caller: Caller) -> httpx.Response:
    return caller.raw.get(SHIPMENT_ITEMS, {"MarketplaceId": US, "QueryType": "DATE_RANGE", **EVER})


def inventory_call(caller: Caller) -> httpx.Response:
    return caller.raw.get(INVENTORY, inventory_params(details="true"))


VALID_CALLS: dict[str, Callable[[Caller], httpx.Response]] = {
    GET_SHIPMENTS: shipments_call,
    BY_SHIPMENT: by_shipment_call,
    GET_ITEMS: items_call,
    INVENTORY_SUMMARIES: inventory_call,
}


# getShipments


def shipment_pages(world: World, first: dict[str, str]) -> list[httpx.Response]:
    pages = [world.raw.get(SHIPMENTS, {"MarketplaceId": US, **first})]
    while token := pages[-1].json()["payload"].get("NextToken"):
        next_params = {"MarketplaceId": US, "QueryType": "NEXT_TOKEN", "NextToken": token}
        pages.append(world.raw.get(SHIPMENTS, next_params))
    return pages


def shipments_with_every_field(world: World) -> list[httpx.Response]:
    world.shipment(
        name="Spring restock",
        confirmed_need_by_date="2026-12-01",
        ship_from={
            "name": "N" * 50,
            "address_line1": "A" * 180,
            "address_line2": "B" * 60,
            "district_or_county": "D" * 25,
            "city": "C" * 30,
            "state_or_province_code": "WA",
            "country_code": "US",
            "postal_code": "P" * 30,
        },
        label_prep_type="AMAZON_LABEL",
        box_contents_source="2D_BARCODE",
        are_cases_required=True,
    )
    for _ in range(3):
        world.shipment()
    return shipment_pages(world, {"QueryType": "SHIPMENT", **WORKING})


def shipments_in_every_listed_status(world: World) -> list[httpx.Response]:
    ids = [world.shipment(status=status) for status in RESPONSE_ENUM_STATUSES]
    return shipment_pages(world, {"QueryType": "SHIPMENT", "ShipmentIdList": ",".join(ids)})


def shipments_by_date_range(world: World) -> list[httpx.Response]:
    world.shipment()
    return shipment_pages(
        world, {"QueryType": "DATE_RANGE", "ShipmentStatusList": ALL_STATUSES, **EVER}
    )


def shipments_none_in_range(world: World) -> list[httpx.Response]:
    world.shipment()
    empty_range = {
        "LastUpdatedAfter": "2001-01-01T00:00:00Z",
        "LastUpdatedBefore": "2001-01-02T00:00:00+01:00",
    }
    return shipment_pages(
        world, {"QueryType": "DATE_RANGE", "ShipmentStatusList": ALL_STATUSES, **empty_range}
    )


def shipments_ready_to_ship(world: World) -> list[httpx.Response]:
    world.shipment(status="READY_TO_SHIP")
    return shipment_pages(world, {"QueryType": "SHIPMENT", "ShipmentStatusList": "READY_TO_SHIP"})


def shipments_unlisted_status(world: World) -> list[httpx.Response]:
    shipment_id = world.shipment()
    world.control.set_status(shipment_id, "AWAITING_MARS_LANDING")
    return shipment_pages(world, {"QueryType": "SHIPMENT", "ShipmentIdList": shipment_id})


def shipments_refused(params: dict[str, str]) -> Call:
    return lambda world: [world.raw.get(SHIPMENTS, params)]


# getShipmentItemsByShipmentId and getShipmentItems


def items_of_a_shipment(world: World) -> list[httpx.Response]:
    shipment_id = world.shipment({f"SKU-{n}": n + 1 for n in range(5)}, status="RECEIVING")
    world.control.receive(shipment_id, {"SKU-0": 1, "SKU-UNPLANNED": 2})
    path = shipment_items_path(shipment_id)
    first = world.raw.get(path)  # MarketplaceId: optional, deprecated
    token = first.json()["payload"]["NextToken"]
    return [first, world.raw.get(path, {"MarketplaceId": US, "NextToken": token})]


def items_with_release_dates_and_cases(world: World) -> list[httpx.Response]:
    line = {"sku": "SKU-R", "quantity": 4, "quantity_in_case": 12, "release_date": "2027-03-01"}
    shipment_id = world.control.create_shipment(world.seller.seller_id, US, [line])
    return [world.raw.get(shipment_items_path(shipment_id), {"MarketplaceId": US})]


def item_pages(world: World) -> list[httpx.Response]:
    world.shipment({f"SKU-{n}": 1 for n in range(4)})
    first = world.raw.get(SHIPMENT_ITEMS, {"MarketplaceId": US, "QueryType": "DATE_RANGE", **EVER})
    pages = [first]
    while token := pages[-1].json()["payload"].get("NextToken"):
        next_params = {"MarketplaceId": US, "QueryType": "NEXT_TOKEN", "NextToken": token}
        pages.append(world.raw.get(SHIPMENT_ITEMS, next_params))
    return pages


def items_continuing_a_by_shipment_token(world: World) -> list[httpx.Response]:
    shipment_id = world.shipment({f"SKU-{n}": 1 for n in range(4)})
    first = world.raw.get(shipment_items_path(shipment_id))
    token = first.json()["payload"]["NextToken"]
    next_params = {"MarketplaceId": US, "QueryType": "NEXT_TOKEN", "NextToken": token}
    return [world.raw.get(SHIPMENT_ITEMS, next_params)]


def items_refused(params: dict[str, str]) -> Call:
    return lambda world: [world.raw.get(SHIPMENT_ITEMS, params)]


# getInventorySummaries


def inventory_pages(world: World, **extra: str) -> list[httpx.Response]:
    pages = [world.raw.get(INVENTORY, inventory_params(**extra))]
    while token := pages[-1].json().get("pagination", {}).get("nextToken"):
        pages.append(world.raw.get(INVENTORY, inventory_params(nextToken=token, **extra)))
    return pages


def inventory_with_details(world: World) -> list[httpx.Response]:
    skus = {f"SKU-{n}": 3 for n in range(4)}
    shipment_id = world.shipment(skus, status="SHIPPED")
    world.control.receive(shipment_id, {"SKU-0": 2})
    world.shipment({"SKU-1": 1})
    return inventory_pages(world, details="true")


def inventory_without_details(world: World) -> list[httpx.Response]:
    world.shipment({f"SKU-{n}": 3 for n in range(4)})
    return inventory_pages(world, details="false")


def inventory_since(world: World) -> list[httpx.Response]:
    since = world.control.now()
    shipment_id = world.shipment({f"SKU-{n}": 3 for n in range(4)}, status="SHIPPED")
    world.control.receive(shipment_id, {f"SKU-{n}": 1 for n in range(4)})
    return inventory_pages(world, startDateTime=since, details="true")


def inventory_of_nothing(world: World) -> list[httpx.Response]:
    return inventory_pages(world, sellerSkus="SKU-NEVER-SEEN")


def inventory_refused(params: dict[str, str]) -> Call:
    return lambda world: [world.raw.get(INVENTORY, params)]


def inventory_expired_token(world: World) -> list[httpx.Response]:
    world.shipment({f"SKU-{n}": 1 for n in range(4)})
    token = world.raw.get(INVENTORY, inventory_params()).json()["pagination"]["nextToken"]
    world.control.advance_clock(31)
    return [world.raw.get(INVENTORY, inventory_params(nextToken=token))]


# Every operation: auth failures, throttling, faults


def unauthenticated(operation_id: str, token: str | None) -> Call:
    return lambda world: [VALID_CALLS[operation_id](world.anonymous(token))]


def throttled(operation_id: str) -> Call:
    def call(world: World) -> list[httpx.Response]:
        caller = world.throttling()
        answers = [VALID_CALLS[operation_id](caller) for _ in range(2)]
        assert answers[0].status_code == 200
        return answers[1:]

    return call


def faulted(operation_id: str, status: int, body: str) -> Call:
    def call(world: World) -> list[httpx.Response]:
        world.control.inject_fault(operation_id, status, body=body)
        return [VALID_CALLS[operation_id](world.caller())]

    return call


def every_operation_cases() -> list[Case]:
    cases = []
    for operation_id in ANSWERS:
        cases += [
            Case(
                f"{operation_id}-no-token", operation_id, 403, unauthenticated(operation_id, None)
            ),
            Case(
                f"{operation_id}-unknown-token",
                operation_id,
                403,
                unauthenticated(operation_id, "Atza|never-issued"),
            ),
            Case(f"{operation_id}-usage-plan", operation_id, 429, throttled(operation_id)),
        ]
        for status in (429, 500, 503):
            cases.append(
                Case(
                    f"{operation_id}-fault-{status}",
                    operation_id,
                    status,
                    faulted(operation_id, status, "json"),
                )
            )
            for body in ("html", "empty"):
                cases.append(
                    Case(
                        f"{operation_id}-fault-{status}-{body}",
                        operation_id,
                        status,
                        faulted(operation_id, status, body),
                        (NON_JSON_ERROR_BODY,),
                    )
                )
    return cases


SHIPMENT_QUERY = {"MarketplaceId": US, "QueryType": "SHIPMENT"}
ITEMS_QUERY = {"MarketplaceId": US, "QueryType": "DATE_RANGE"}
CASES = [
    Case("shipments-every-field-paged", GET_SHIPMENTS, 200, shipments_with_every_field),
    Case("shipments-every-listed-status", GET_SHIPMENTS, 200, shipments_in_every_listed_status),
    Case("shipments-date-range", GET_SHIPMENTS, 200, shipments_by_date_range),
    Case("shipments-none-in-range", GET_SHIPMENTS, 200, shipments_none_in_range),
    Case(
        "shipments-ready-to-ship",
        GET_SHIPMENTS,
        200,
        shipments_ready_to_ship,
        (READY_TO_SHIP_STATUS,),
    ),
    Case(
        "shipments-unlisted-status",
        GET_SHIPMENTS,
        200,
        shipments_unlisted_status,
        (UNLISTED_SHIPMENT_STATUS,),
    ),
    Case(
        "shipments-no-query-type",
        GET_SHIPMENTS,
        400,
        shipments_refused({"MarketplaceId": US, **WORKING}),
    ),
    Case(
        "shipments-no-marketplace",
        GET_SHIPMENTS,
        400,
        shipments_refused({"QueryType": "SHIPMENT", **WORKING}),
    ),
    Case("shipments-no-list", GET_SHIPMENTS, 400, shipments_refused(SHIPMENT_QUERY)),
    Case(
        "shipments-status-outside-enum",
        GET_SHIPMENTS,
        400,
        shipments_refused({**SHIPMENT_QUERY, "ShipmentStatusList": "working"}),
    ),
    Case(
        "shipments-date-without-zone",
        GET_SHIPMENTS,
        400,
        shipments_refused(
            {
                **SHIPMENT_QUERY,
                **WORKING,
                **EVER,
                "QueryType": "DATE_RANGE",
                "LastUpdatedAfter": "2024-01-01",
            }
        ),
    ),
    Case(
        "shipments-unknown-token",
        GET_SHIPMENTS,
        400,
        shipments_refused({"MarketplaceId": US, "QueryType": "NEXT_TOKEN", "NextToken": "nope"}),
    ),
    Case("items-by-shipment-paged", BY_SHIPMENT, 200, items_of_a_shipment),
    Case("items-by-shipment-release-dates", BY_SHIPMENT, 200, items_with_release_dates_and_cases),
    Case(
        "items-by-shipment-unknown-token",
        BY_SHIPMENT,
        400,
        lambda world: [world.raw.get(shipment_items_path("FBA000000000"), {"NextToken": "nope"})],
    ),
    Case(
        "items-by-shipment-unknown-shipment",
        BY_SHIPMENT,
        404,
        lambda world: [world.raw.get(shipment_items_path("FBA000000000"), {"MarketplaceId": US})],
    ),
    Case("items-date-range-paged", GET_ITEMS, 200, item_pages),
    Case("items-continuing-by-shipment", GET_ITEMS, 200, items_continuing_a_by_shipment_token),
    Case("items-no-query-type", GET_ITEMS, 400, items_refused({"MarketplaceId": US, **EVER})),
    Case(
        "items-shipment-query-type",
        GET_ITEMS,
        400,
        items_refused({**ITEMS_QUERY, **EVER, "QueryType": "SHIPMENT"}),
    ),
    Case(
        "items-half-a-range",
        GET_ITEMS,
        400,
        items_refused({**ITEMS_QUERY, "LastUpdatedAfter": EVER["LastUpdatedAfter"]}),
    ),
    Case(
        "items-date-without-zone",
        GET_ITEMS,
        400,
        items_refused({**ITEMS_QUERY, **EVER, "LastUpdatedBefore": "2099-01-01T00:00:00"}),
    ),
    Case("inventory-details-paged", INVENTORY_SUMMARIES, 200, inventory_with_details),
    Case("inventory-no-details-paged", INVENTORY_SUMMARIES, 200, inventory_without_details),
    Case("inventory-since", INVENTORY_SUMMARIES, 200, inventory_since),
    Case("inventory-nothing", INVENTORY_SUMMARIES, 200, inventory_of_nothing),
    Case(
        "inventory-details-not-boolean",
        INVENTORY_SUMMARIES,
        400,
        inventory_refused(inventory_params(details="yes")),
    ),
    Case(
        "inventory-start-too-old",
        INVENTORY_SUMMARIES,
        400,
        inventory_refused(inventory_params(startDateTime="2001-01-01T00:00:00Z")),
    ),
    Case(
        "inventory-two-marketplaces",
        INVENTORY_SUMMARIES,
        400,
        inventory_refused(inventory_params(marketplaceIds=f"{US},A2EUQ1WTGCTBG2")),
    ),
    Case(
        "inventory-granularity",
        INVENTORY_SUMMARIES,
        400,
        inventory_refused(inventory_params(granularityType="Country")),
    ),
    Case("inventory-expired-token", INVENTORY_SUMMARIES, 400, inventory_expired_token),
    *every_operation_cases(),
]


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_answers_match_amazons_model(world: World, case: Case) -> None:
    answers = case.call(world)

    assert answers
    relied_on: set[Deviation] = set()
    for answer in answers:
        assert answer.status_code == case.status, answer.text
        relied_on |= assert_response_matches_model(
            case.operation_id, answer, deviations=case.deviations
        )
    # A named deviation the answers did not need would hide a change in what is sent.
    assert relied_on == set(case.deviations)


def test_every_served_operation_is_covered_for_every_status_it_answers() -> None:
    covered: dict[str, set[int]] = {}
    for case in CASES:
        covered.setdefault(case.operation_id, set()).add(case.status)

    assert set(ANSWERS) == set(AMAZON_RATE_LIMITS), "an operation the gateway serves lacks cases"
    assert covered == {operation_id: set(statuses) for operation_id, statuses in ANSWERS.items()}
