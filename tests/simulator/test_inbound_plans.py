"""Fulfillment Inbound v2024-03-20 through the real sp_api client (`FulfillmentInboundV20240320`)
over HTTP: the whole flow from createInboundPlan to confirmed shipments that the v0 reads show
as WORKING, placement options as configured per seller, operations that run on the simulated
clock and fail when told to, the checks Amazon makes, and its usage plans."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from sp_api.base.exceptions import (
    SellingApiBadRequestException,
    SellingApiNotFoundException,
    SellingApiRequestThrottledException,
    SellingApiTemporarilyUnavailableException,
)

from infra.simulated_amazon import ControlApiError, ControlClient, SimulatedAmazon

from .amazon_models import assert_response_matches_model, assert_sp_api_error_body
from .conftest import ALL_STATUSES, US, SellerHandle, items_by_sku, make_seller
from .inbound_plan_support import (
    SOURCE_ADDRESS,
    PlanDriver,
    inbound_2024,
    item_input,
    one_box,
    plan_body,
    total_fee,
)
from .raw_sp_api import RawSpApi, error_of

pytestmark = pytest.mark.slow

PLANS = "/inbound/fba/2024-03-20/inboundPlans"
UNITS = {"SKU-A": 12, "SKU-B": 7, "SKU-C": 5, "SKU-D": 1}


@pytest.fixture
def driver(seller: SellerHandle, control: ControlClient) -> PlanDriver:
    return PlanDriver.for_seller(seller, control)


def v0_shipments(seller: SellerHandle, shipment_ids: list[str]) -> dict[str, dict[str, Any]]:
    answer = seller.inbound().get_shipments(
        QueryType="SHIPMENT", ShipmentIdList=",".join(shipment_ids), MarketplaceId=US
    )
    return {shipment["ShipmentId"]: shipment for shipment in answer.payload["ShipmentData"]}


def bad_request(call: Any, *args: Any, **kwargs: Any) -> SellingApiBadRequestException:
    with pytest.raises(SellingApiBadRequestException) as raised:
        call(*args, **kwargs)
    return raised.value


# The whole flow


def test_a_plan_split_into_three_shipments_shows_in_v0_as_working_with_its_fba_ids(
    driver: PlanDriver, control: ControlClient, seller: SellerHandle
) -> None:
    control.set_placement_options(
        seller.seller_id, [{"shipment_count": 3}, {"shipment_count": 1, "fee": 150.0}]
    )
    plan_id = driver.ready_for_placement(UNITS)
    options = driver.placement_options(plan_id)
    [split] = [option for option in options if len(option["shipmentIds"]) == 3]

    status = driver.confirm_placement(plan_id, split["placementOptionId"])

    assert status["operation"] == "confirmPlacementOption"
    assert status["operationStatus"] == "SUCCESS"
    assert status["operationProblems"] == []
    plan = driver.api.get_inbound_plan(plan_id).payload
    assert plan["status"] == "ACTIVE"
    assert plan["placementOptions"] == [
        {"placementOptionId": split["placementOptionId"], "status": "ACCEPTED"}
    ]
    assert [s["shipmentId"] for s in plan["shipments"]] == split["shipmentIds"]
    assert {s["status"] for s in plan["shipments"]} == {"WORKING"}

    placed: dict[str, dict[str, int]] = {}
    warehouses = {}
    for shipment_id in split["shipmentIds"]:
        shipment = driver.api.get_shipment(plan_id, shipment_id).payload
        assert shipment["status"] == "WORKING"
        assert shipment["placementOptionId"] == split["placementOptionId"]
        fba_id = shipment["shipmentConfirmationId"]
        assert fba_id.startswith("FBA") and len(fba_id) == 12
        placed[fba_id] = driver.shipment_units(plan_id, shipment_id)
        warehouses[fba_id] = shipment["destination"]["warehouseId"]
    # Every unit placed once, split across the three shipments.
    assert all(placed.values())
    totals: dict[str, int] = {}
    for units in placed.values():
        for msku, quantity in units.items():
            totals[msku] = totals.get(msku, 0) + quantity
    assert totals == UNITS

    # The backend's normal sync: v0 shows them as WORKING, with the same lines.
    shown = v0_shipments(seller, list(placed))
    assert set(shown) == set(placed)
    inbound = seller.inbound()
    for fba_id, units in placed.items():
        assert shown[fba_id]["ShipmentStatus"] == "WORKING"
        assert shown[fba_id]["DestinationFulfillmentCenterId"] == warehouses[fba_id]
        assert shown[fba_id]["ShipFromAddress"]["PostalCode"] == SOURCE_ADDRESS["postalCode"]
        lines = items_by_sku(inbound, fba_id)
        assert {sku: line["QuantityShipped"] for sku, line in lines.items()} == units
    working = inbound.get_shipments(QueryType="SHIPMENT", ShipmentStatusList="WORKING")
    assert set(placed) <= {s["ShipmentId"] for s in working.payload["ShipmentData"]}
    # And the units count as inbound working in the inventory figures.
    working_units = {}
    inventories, token = seller.inventories(), None
    while True:
        page = inventories.get_inventory_summary_marketplace(
            details=True, sellerSkus=",".join(UNITS), **({"nextToken": token} if token else {})
        )
        for summary in page.payload["inventorySummaries"]:
            details = summary["inventoryDetails"]
            working_units[summary["sellerSku"]] = details["inboundWorkingQuantity"]
        token = page.next_token
        if not token:
            break
    assert working_units == UNITS


def test_a_shipment_follows_its_v0_status_and_the_plan_ships_with_them(
    driver: PlanDriver, control: ControlClient, seller: SellerHandle
) -> None:
    control.set_placement_options(seller.seller_id, [{"shipment_count": 2}])
    plan_id = driver.ready_for_placement({"SKU-A": 3, "SKU-B": 4})
    [option] = driver.placement_options(plan_id)
    driver.confirm_placement(plan_id, option["placementOptionId"])
    fba_ids = [s["shipment_confirmation_id"] for s in control.inbound_plan(plan_id)["shipments"]]

    control.set_status(fba_ids[0], "SHIPPED")
    assert driver.api.get_inbound_plan(plan_id).payload["status"] == "ACTIVE"
    control.set_status(fba_ids[1], "RECEIVING")

    plan = driver.api.get_inbound_plan(plan_id).payload
    assert plan["status"] == "SHIPPED"
    assert sorted(s["status"] for s in plan["shipments"]) == ["RECEIVING", "SHIPPED"]
    shipped = driver.api.list_inbound_plans(status="SHIPPED").payload["inboundPlans"]
    assert [p["inboundPlanId"] for p in shipped] == [plan_id]


# Operations on the simulated clock


def test_operations_stay_in_progress_for_the_sellers_operation_time(
    driver: PlanDriver, control: ControlClient, seller: SellerHandle
) -> None:
    control.set_operation_duration(seller.seller_id, 30)
    created = driver.api.create_inbound_plan(**plan_body({"SKU-A": 2})).payload
    plan_id, operation_id = created["inboundPlanId"], created["operationId"]

    assert driver.status(operation_id)["operationStatus"] == "IN_PROGRESS"
    # Another state-changing call waits for it.
    refused = bad_request(driver.api.generate_packing_options, plan_id)
    assert refused.amzn_code == "BadRequest"
    assert f"createInboundPlan {operation_id} is still in progress" in refused.message
    control.advance_clock(29)
    assert driver.status(operation_id)["operationStatus"] == "IN_PROGRESS"
    control.advance_clock(1.1)
    assert driver.status(operation_id) == {
        "operation": "createInboundPlan",
        "operationId": operation_id,
        "operationProblems": [],
        "operationStatus": "SUCCESS",
    }
    # Packing options appear when their operation has completed, not before.
    generated = driver.api.generate_packing_options(plan_id).payload["operationId"]
    assert driver.api.list_packing_options(plan_id).payload["packingOptions"] == []
    driver.succeed(generated)
    assert len(driver.api.list_packing_options(plan_id).payload["packingOptions"]) == 1


def test_an_operation_time_of_zero_completes_by_the_next_request(
    driver: PlanDriver, control: ControlClient, seller: SellerHandle
) -> None:
    control.set_operation_duration(seller.seller_id, 0)
    created = driver.api.create_inbound_plan(**plan_body({"SKU-A": 2})).payload

    assert driver.status(created["operationId"])["operationStatus"] == "SUCCESS"
    assert control.operation_duration(seller.seller_id) == 0


# Placement options as configured


def test_the_single_shipment_option_when_amazon_offers_it(
    driver: PlanDriver, control: ControlClient, seller: SellerHandle
) -> None:
    control.set_placement_options(
        seller.seller_id,
        [
            {"shipment_count": 3, "fee": 0},
            {"shipment_count": 1, "fee": 120.5, "discount": 20.5},
        ],
    )
    plan_id = driver.ready_for_placement(UNITS)
    options = driver.placement_options(plan_id)

    assert [len(option["shipmentIds"]) for option in options] == [3, 1]
    single = options[1]
    assert single["status"] == "OFFERED"
    assert single["fees"] == [
        {
            "description": "Placement service fee",
            "target": "Placement Services",
            "type": "FEE",
            "value": {"amount": 120.5, "code": "USD"},
        }
    ]
    assert single["discounts"][0]["type"] == "DISCOUNT"
    assert total_fee(single) == 100.0
    assert total_fee(options[0]) == 0.0

    driver.confirm_placement(plan_id, single["placementOptionId"])
    [shipment_id] = single["shipmentIds"]
    fba_id = driver.api.get_shipment(plan_id, shipment_id).payload["shipmentConfirmationId"]
    lines = items_by_sku(seller.inbound(), fba_id)
    assert {sku: line["QuantityShipped"] for sku, line in lines.items()} == UNITS
    listed = driver.api.list_placement_options(plan_id).payload["placementOptions"]
    assert [option["status"] for option in listed] == ["EXPIRED", "ACCEPTED"]


def test_no_single_shipment_option_when_amazon_does_not_offer_one(
    driver: PlanDriver, control: ControlClient, seller: SellerHandle
) -> None:
    control.set_placement_options(
        seller.seller_id, [{"shipment_count": 2, "fee": 0}, {"shipment_count": 3, "fee": 10}]
    )
    plan_id = driver.ready_for_placement(UNITS)

    options = driver.placement_options(plan_id)

    assert sorted(len(option["shipmentIds"]) for option in options) == [2, 3]
    assert [total_fee(option) for option in options] == [0.0, 10.0]


def test_the_default_offer_and_an_offer_of_nothing(
    driver: PlanDriver, control: ControlClient, seller: SellerHandle
) -> None:
    assert control.placement_options(seller.seller_id) == {
        "seller_id": seller.seller_id,
        "options": [
            {"shipment_count": 2, "fee": 0.0, "discount": 0.0, "currency": None},
            {"shipment_count": 1, "fee": 45.0, "discount": 0.0, "currency": None},
        ],
        "configured": False,
    }
    plan_id = driver.ready_for_placement({"SKU-A": 1, "SKU-B": 1})
    assert [len(o["shipmentIds"]) for o in driver.placement_options(plan_id)] == [2, 1]

    control.set_placement_options(seller.seller_id, [])
    assert driver.placement_options(plan_id) == []  # Amazon sometimes offers nothing
    control.reset_placement_options(seller.seller_id)
    assert control.placement_options(seller.seller_id)["configured"] is False


def test_a_split_never_has_more_shipments_than_units_and_may_split_a_sku(
    driver: PlanDriver, control: ControlClient, seller: SellerHandle
) -> None:
    control.set_placement_options(seller.seller_id, [{"shipment_count": 3}, {"shipment_count": 5}])
    plan_id = driver.ready_for_placement({"SKU-ONLY": 4})

    three, five = driver.placement_options(plan_id)

    units = [driver.shipment_units(plan_id, s) for s in three["shipmentIds"]]
    assert sorted(u["SKU-ONLY"] for u in units) == [1, 1, 2]
    assert len(five["shipmentIds"]) == 4  # 4 units: at most 4 shipments


# Failures


def test_a_failed_confirmation_reports_its_problems_and_confirms_nothing(
    driver: PlanDriver, control: ControlClient, seller: SellerHandle
) -> None:
    problem = {
        "code": "FBA_INB_0115",
        "message": "ERROR: Sorry, something went wrong. Please try again.",
    }
    control.fail_next_operation(seller.seller_id, "confirmPlacementOption", problems=[problem])
    plan_id = driver.ready_for_placement(UNITS)
    options = driver.placement_options(plan_id)

    status = driver.confirm_placement(plan_id, options[0]["placementOptionId"])

    assert status["operationStatus"] == "FAILED"
    assert status["operationProblems"] == [{**problem, "severity": "ERROR"}]
    plan = driver.api.get_inbound_plan(plan_id).payload
    assert plan["shipments"] == []
    assert {option["status"] for option in plan["placementOptions"]} == {"OFFERED"}
    assert all(
        s["shipment_confirmation_id"] is None for s in control.inbound_plan(plan_id)["shipments"]
    )
    assert control.seller(seller.seller_id)["shipment_ids"] == []
    assert control.operation_failures(seller.seller_id) == []
    # Trying again works.
    retried = driver.confirm_placement(plan_id, options[0]["placementOptionId"])
    assert retried["operationStatus"] == "SUCCESS"
    assert len(control.seller(seller.seller_id)["shipment_ids"]) == 2


def test_a_failed_creation_leaves_an_errored_plan_that_cannot_go_on(
    driver: PlanDriver, control: ControlClient, seller: SellerHandle
) -> None:
    control.fail_next_operation(seller.seller_id, "createInboundPlan")
    created = driver.api.create_inbound_plan(**plan_body({"SKU-A": 1})).payload

    status = driver.finish(created["operationId"])

    assert status["operationStatus"] == "FAILED"
    assert status["operationProblems"] == [
        {
            "code": "InternalServerError",
            "message": "ERROR: Something went wrong. Please try again later.",
            "severity": "ERROR",
        }
    ]
    plan_id = created["inboundPlanId"]
    assert driver.api.get_inbound_plan(plan_id).payload["status"] == "ERRORED"
    refused = bad_request(driver.api.generate_packing_options, plan_id)
    assert (
        refused.message == f"ERROR: Inbound plan {plan_id} is ERRORED: it can no longer be changed."
    )


def test_an_operation_can_succeed_with_warnings(
    driver: PlanDriver, control: ControlClient, seller: SellerHandle
) -> None:
    warning = {"code": "DimensionMismatch", "message": "Check the box.", "severity": "WARNING"}
    pending = control.fail_next_operation(
        seller.seller_id, "generatePackingOptions", outcome="SUCCESS", problems=[warning], count=2
    )
    assert pending == [
        {
            "operation": "generatePackingOptions",
            "count": 2,
            "outcome": "SUCCESS",
            "problems": [warning],
        }
    ]
    plan_id = driver.create({"SKU-A": 1})

    status = driver.finish(driver.api.generate_packing_options(plan_id).payload["operationId"])

    assert status["operationStatus"] == "SUCCESS"
    assert status["operationProblems"] == [warning]
    assert len(driver.api.list_packing_options(plan_id).payload["packingOptions"]) == 1
    assert control.operation_failures(seller.seller_id)[0]["count"] == 1
    control.clear_operation_failures(seller.seller_id)
    assert control.operation_failures(seller.seller_id) == []


def test_an_injected_fault_answers_before_the_operation_runs(
    driver: PlanDriver, control: ControlClient, seller: SellerHandle
) -> None:
    driver.api.list_inbound_plans()  # fetch the access token before the fault
    control.inject_fault("createInboundPlan", 503)

    with pytest.raises(SellingApiTemporarilyUnavailableException):
        driver.api.create_inbound_plan(**plan_body({"SKU-A": 1}))

    assert control.inbound_plans(seller.seller_id) == []
    assert control.calls()["createInboundPlan"]["faulted"] >= 1


# Requests Amazon refuses


def test_missing_required_fields_are_refused_in_amazons_words(driver: PlanDriver) -> None:
    body = plan_body({"SKU-A": 1})
    body["items"] = [{"msku": "SKU-A", "quantity": 1, "prepOwner": "NONE"}]
    body["sourceAddress"] = {k: v for k, v in SOURCE_ADDRESS.items() if k != "phoneNumber"}

    refused = bad_request(driver.api.create_inbound_plan, **body)

    assert refused.amzn_code == "InvalidInput"
    assert refused.message == (
        "2 validation errors detected: "
        "Value null at 'request.items.1.member.labelOwner' failed to satisfy constraint: "
        "Member must not be null; "
        "Value null at 'request.sourceAddress.phoneNumber' failed to satisfy constraint: "
        "Member must not be null"
    )


def test_a_refusal_is_amazons_error_shape_and_creates_nothing(
    sim: SimulatedAmazon, control: ControlClient, seller: SellerHandle
) -> None:
    raw = RawSpApi.for_seller(sim.url, seller.refresh_token)

    answer = httpx.post(
        f"{sim.url}{PLANS}",
        json={"marketplaceIds": [US]},  # what sp_api adds; nothing else
        headers={"x-amz-access-token": str(raw.token)},
    )

    assert answer.status_code == 400
    assert_sp_api_error_body(answer.json())
    assert_response_matches_model("createInboundPlan", answer)
    _, code, message = error_of(answer)
    assert code == "InvalidInput"
    assert message.startswith("3 validation errors detected: Value null at ")
    for member in ("destinationMarketplaces", "items", "sourceAddress"):
        assert f"'request.{member}' failed to satisfy constraint: Member must not be null" in (
            message
        )
    assert answer.json()["errors"][0]["details"] == ""
    assert control.inbound_plans(seller.seller_id) == []


@pytest.mark.parametrize(
    ("change", "constraint"),
    [
        ({"name": "N" * 41}, "Member must have length less than or equal to 40"),
        ({"destinationMarketplaces": [US, "A2EUQ1WTGCTBG2"]}, "length less than or equal to 1"),
        ({"items": []}, "Member must have length greater than or equal to 1"),
        ({"items": [{**item_input("A", 0)}]}, "value greater than or equal to 1"),
        ({"items": [{**item_input("A", 1), "labelOwner": "amazon"}]}, "enum value set"),
        ({"items": [{**item_input("A", 1), "quantity": "1"}]}, "must be of type integer"),
        ({"sourceAddress": {**SOURCE_ADDRESS, "countryCode": "us"}}, "regular expression"),
        ({"items": [{**item_input("A", 1), "expiration": "2027-13-01"}]}, "pattern"),
    ],
)
def test_a_body_outside_the_models_constraints_is_refused(
    driver: PlanDriver, change: dict[str, Any], constraint: str
) -> None:
    refused = bad_request(driver.api.create_inbound_plan, **plan_body({"A": 1}, **change))

    assert refused.amzn_code == "InvalidInput"
    assert refused.message.startswith("1 validation error detected: Value ")
    assert constraint in refused.message


def test_parameters_outside_the_model_are_refused_and_unknown_ids_are_not_found(
    driver: PlanDriver, new_seller: Any, control: ControlClient
) -> None:
    assert (
        "value less than or equal to 30"
        in bad_request(driver.api.list_inbound_plans, pageSize=31).message
    )
    assert (
        "enum value set: [ACTIVE, VOIDED, SHIPPED]"
        in bad_request(driver.api.list_inbound_plans, status="active").message
    )
    malformed = bad_request(driver.api.get_inbound_plan, "wf-too-short")
    assert "at 'inboundPlanId' failed to satisfy constraint" in malformed.message
    with pytest.raises(SellingApiNotFoundException):
        driver.api.get_inbound_plan("wf" + "0" * 36)
    with pytest.raises(SellingApiNotFoundException):
        driver.api.get_inbound_operation_status("0" * 36)
    # Another seller's plan and operation are not found either.
    created = driver.api.create_inbound_plan(**plan_body({"SKU-A": 1})).payload
    other = inbound_2024(new_seller())
    with pytest.raises(SellingApiNotFoundException):
        other.get_inbound_plan(created["inboundPlanId"])
    with pytest.raises(SellingApiNotFoundException):
        other.get_inbound_operation_status(created["operationId"])


def test_what_amazon_refuses_at_once(
    driver: PlanDriver, control: ControlClient, seller: SellerHandle
) -> None:
    assert (
        "not an accepted labelOwner or prepOwner in the US"
        in bad_request(
            driver.api.create_inbound_plan,
            **plan_body({"A": 1}, items=[{**item_input("A", 1), "labelOwner": "AMAZON"}]),
        ).message
    )
    assert (
        "repeated: A"
        in bad_request(
            driver.api.create_inbound_plan,
            **plan_body({"A": 1}, items=[item_input("A", 1), item_input("A", 2)]),
        ).message
    )
    assert (
        "not registered in marketplace A1F83G8C2ARO7P"
        in bad_request(
            driver.api.create_inbound_plan,
            **plan_body({"A": 1}, destinationMarketplaces=["A1F83G8C2ARO7P"]),
        ).message
    )

    plan_id = driver.create({"SKU-A": 3})
    assert bad_request(driver.api.generate_placement_options, plan_id).message == (
        f"ERROR: No packing option is confirmed for inboundPlan {plan_id}."
    )
    driver.succeed(driver.api.generate_packing_options(plan_id).payload["operationId"])
    [option] = driver.api.list_packing_options(plan_id).payload["packingOptions"]
    [group_id] = option["packingGroups"]
    grouping = {"packingGroupId": group_id, "boxes": [one_box({"SKU-A": 3})]}
    assert (
        "No packing option is confirmed"
        in bad_request(
            driver.api.set_packing_information, plan_id, packageGroupings=[grouping]
        ).message
    )
    driver.succeed(
        driver.api.confirm_packing_option(plan_id, option["packingOptionId"]).payload["operationId"]
    )
    assert (
        "already confirmed"
        in bad_request(
            driver.api.confirm_packing_option, plan_id, option["packingOptionId"]
        ).message
    )
    assert (
        "Packing information is missing"
        in bad_request(driver.api.generate_placement_options, plan_id).message
    )
    short = {"packingGroupId": group_id, "boxes": [one_box({"SKU-A": 2})]}
    assert (
        "do not hold its items: it has 3 x SKU-A, the boxes hold 2 x SKU-A"
        in bad_request(
            driver.api.set_packing_information, plan_id, packageGroupings=[short]
        ).message
    )
    driver.succeed(
        driver.api.set_packing_information(plan_id, packageGroupings=[grouping]).payload[
            "operationId"
        ]
    )
    [placement, _] = driver.placement_options(plan_id)
    driver.confirm_placement(plan_id, placement["placementOptionId"])
    assert (
        bad_request(
            driver.api.confirm_placement_option, plan_id, placement["placementOptionId"]
        ).message
        == f"ERROR: A placement option is already confirmed for inboundPlan {plan_id}."
    )


# Listing and cancelling


def test_list_inbound_plans_pages_filters_and_sorts(
    driver: PlanDriver, control: ControlClient
) -> None:
    plan_ids = [driver.create({"SKU-A": 1}) for _ in range(3)]
    control.advance_clock(1)

    first = driver.api.list_inbound_plans(pageSize=2, sortBy="CREATION_TIME", sortOrder="ASC")
    assert [p["inboundPlanId"] for p in first.payload["inboundPlans"]] == plan_ids[:2]
    assert first.next_token
    second = driver.api.list_inbound_plans(
        pageSize=2, sortBy="CREATION_TIME", sortOrder="ASC", paginationToken=first.next_token
    )
    assert [p["inboundPlanId"] for p in second.payload["inboundPlans"]] == plan_ids[2:]
    assert second.next_token is None
    assert second.pagination == {}
    newest_first = driver.api.list_inbound_plans(sortBy="CREATION_TIME", sortOrder="DESC")
    assert [p["inboundPlanId"] for p in newest_first.payload["inboundPlans"]] == plan_ids[::-1]
    assert driver.api.list_inbound_plans(status="VOIDED").payload["inboundPlans"] == []
    assert (
        "pagination token is invalid"
        in bad_request(driver.api.list_inbound_plans, paginationToken="nope").message
    )


def test_cancelling_voids_the_plan_and_deletes_its_working_shipments(
    driver: PlanDriver, control: ControlClient, seller: SellerHandle
) -> None:
    control.set_placement_options(seller.seller_id, [{"shipment_count": 2}])
    plan_id = driver.ready_for_placement({"SKU-A": 2, "SKU-B": 2})
    [option] = driver.placement_options(plan_id)
    driver.confirm_placement(plan_id, option["placementOptionId"])

    driver.succeed(driver.api.cancel_inbound_plan(plan_id).payload["operationId"])

    plan = driver.api.get_inbound_plan(plan_id).payload
    assert plan["status"] == "VOIDED"
    assert {s["status"] for s in plan["shipments"]} == {"DELETED"}
    fba_ids = [s["shipment_confirmation_id"] for s in control.inbound_plan(plan_id)["shipments"]]
    assert {s["ShipmentStatus"] for s in v0_shipments(seller, fba_ids).values()} == {"DELETED"}
    assert "already voided" in bad_request(driver.api.cancel_inbound_plan, plan_id).message
    voided = driver.api.list_inbound_plans(status="VOIDED").payload["inboundPlans"]
    assert [p["inboundPlanId"] for p in voided] == [plan_id]


def test_a_plan_with_a_shipment_on_its_way_cannot_be_cancelled(
    driver: PlanDriver, control: ControlClient, seller: SellerHandle
) -> None:
    control.set_placement_options(seller.seller_id, [{"shipment_count": 1}])
    plan_id = driver.ready_for_placement({"SKU-A": 2})
    [option] = driver.placement_options(plan_id)
    driver.confirm_placement(plan_id, option["placementOptionId"])
    [shipment] = control.inbound_plan(plan_id)["shipments"]
    control.set_status(shipment["shipment_confirmation_id"], "IN_TRANSIT")
    # Its only shipment is on its way: the plan is SHIPPED.
    assert driver.api.get_inbound_plan(plan_id).payload["status"] == "SHIPPED"

    refused = bad_request(driver.api.cancel_inbound_plan, plan_id)

    assert f"Shipment {shipment['shipment_confirmation_id']} is IN_TRANSIT" in refused.message


# Usage plans at Amazon's own rates


@pytest.fixture(scope="module")
def amazon_rates() -> Iterator[SimulatedAmazon]:
    with SimulatedAmazon() as simulator:  # rate_scale 1.0
        yield simulator


def test_create_allows_a_burst_of_two_then_answers_429_until_the_bucket_refills(
    amazon_rates: SimulatedAmazon,
) -> None:
    with ControlClient(amazon_rates.url) as control:
        api = inbound_2024(make_seller(control, amazon_rates.url))
        for _ in range(2):
            answer = api.create_inbound_plan(**plan_body({"SKU-A": 1}))
            assert answer.headers["x-amzn-RateLimit-Limit"] == "2.0"

        with pytest.raises(SellingApiRequestThrottledException) as raised:
            api.create_inbound_plan(**plan_body({"SKU-A": 1}))
        assert raised.value.amzn_code == "QuotaExceeded"
        assert "x-amzn-RateLimit-Limit" not in raised.value.headers

        control.advance_clock(0.5)  # 2 per second: one more token
        api.create_inbound_plan(**plan_body({"SKU-A": 1}))
        with pytest.raises(SellingApiRequestThrottledException):
            api.create_inbound_plan(**plan_body({"SKU-A": 1}))
        calls = control.calls()["createInboundPlan"]
        assert calls["throttled"] == 2


def test_operation_status_allows_a_burst_of_six(amazon_rates: SimulatedAmazon) -> None:
    with ControlClient(amazon_rates.url) as control:
        api = inbound_2024(make_seller(control, amazon_rates.url))
        operation_id = api.create_inbound_plan(**plan_body({"SKU-A": 1})).payload["operationId"]
        for _ in range(6):
            api.get_inbound_operation_status(operation_id)

        with pytest.raises(SellingApiRequestThrottledException):
            api.get_inbound_operation_status(operation_id)


# The control API


def test_control_routes_refuse_bad_input_and_unknown_sellers(
    control: ControlClient, seller: SellerHandle
) -> None:
    with pytest.raises(ControlApiError) as raised:
        control.set_placement_options(seller.seller_id, [{"shipment_count": 0}])
    assert raised.value.status == 400 and "shipment_count" in raised.value.message
    with pytest.raises(ControlApiError) as raised:
        control.set_placement_options(seller.seller_id, [{"shipments": 2}])
    assert raised.value.status == 400 and "shipments" in raised.value.message
    with pytest.raises(ControlApiError) as raised:
        control.fail_next_operation(seller.seller_id, "getInboundPlan")
    assert raised.value.status == 400 and "operation" in raised.value.message
    with pytest.raises(ControlApiError) as raised:
        control.set_operation_duration(seller.seller_id, -1)
    assert raised.value.status == 400
    for call in (
        lambda: control.placement_options("NOBODY"),
        lambda: control.set_operation_duration("NOBODY", 1),
        lambda: control.inbound_plans("NOBODY"),
        lambda: control.inbound_plan("wf-unknown"),
    ):
        with pytest.raises(ControlApiError) as raised:
            call()
        assert raised.value.status == 404


def test_the_control_view_of_a_plan_and_reset(
    sim: SimulatedAmazon, driver: PlanDriver, control: ControlClient, seller: SellerHandle
) -> None:
    control.set_placement_options(seller.seller_id, [{"shipment_count": 2, "fee": 3}])
    plan_id = driver.ready_for_placement({"SKU-A": 2, "SKU-B": 1})
    [option] = driver.placement_options(plan_id)
    driver.confirm_placement(plan_id, option["placementOptionId"])

    [view] = control.inbound_plans(seller.seller_id)

    assert view["inbound_plan_id"] == plan_id
    assert view["status"] == "ACTIVE"
    assert view["placement_option_id"] == option["placementOptionId"]
    assert view["items"] == [{"msku": "SKU-A", "quantity": 2}, {"msku": "SKU-B", "quantity": 1}]
    assert [s["items"] for s in view["shipments"]] == [{"SKU-A": 2}, {"SKU-B": 1}]
    assert {s["shipment_confirmation_id"] for s in view["shipments"]} == set(
        control.seller(seller.seller_id)["shipment_ids"]
    )
    assert [o["operation"] for o in view["operations"]] == [
        "createInboundPlan",
        "generatePackingOptions",
        "confirmPackingOption",
        "setPackingInformation",
        "generatePlacementOptions",
        "confirmPlacementOption",
    ]
    assert {o["status"] for o in view["operations"]} == {"SUCCESS"}


def test_reset_forgets_inbound_plans_and_settings() -> None:
    with SimulatedAmazon(rate_scale=100) as simulator, ControlClient(simulator.url) as control:
        seller = make_seller(control, simulator.url)
        driver = PlanDriver.for_seller(seller, control)
        plan_id = driver.create({"SKU-A": 1})
        control.set_operation_duration(seller.seller_id, 5)

        control.reset()
        again = control.create_seller(seller.seller_id, [US], seller.refresh_token)

        assert control.inbound_plans(again["seller_id"]) == []
        assert control.operation_duration(seller.seller_id) == 1.0
        with pytest.raises(SellingApiNotFoundException):
            driver.api.get_inbound_plan(plan_id)


def test_v0_status_list_is_untouched_by_unconfirmed_plans(
    driver: PlanDriver, seller: SellerHandle
) -> None:
    plan_id = driver.ready_for_placement({"SKU-A": 2})
    driver.placement_options(plan_id)

    answer = seller.inbound().get_shipments(QueryType="SHIPMENT", ShipmentStatusList=ALL_STATUSES)

    assert answer.payload["ShipmentData"] == []
