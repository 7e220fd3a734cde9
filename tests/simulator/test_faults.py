"""Injected failures, and what the real sp_api client makes of each kind of body."""

from __future__ import annotations

import json
import time

import pytest
from sp_api.auth.exceptions import AuthorizationError
from sp_api.base.exceptions import (
    SellingApiServerException,
    SellingApiTemporarilyUnavailableException,
)

from infra.simulated_amazon import ControlApiError, ControlClient

from .conftest import US, SellerHandle

pytestmark = pytest.mark.slow

WORKING = {"QueryType": "SHIPMENT", "ShipmentStatusList": "WORKING"}


def test_a_json_500_raises_and_only_the_next_count_calls_fail(
    control: ControlClient, seller: SellerHandle
) -> None:
    inbound = seller.inbound()
    inbound.get_shipments(**WORKING)  # fetch the access token before the fault
    control.reset_calls()
    control.inject_fault("getShipments", 500, body="json", count=2)

    for _ in range(2):
        with pytest.raises(SellingApiServerException) as raised:
            inbound.get_shipments(**WORKING)
        assert raised.value.amzn_code == "InternalFailure"

    assert inbound.get_shipments(**WORKING).payload == {"ShipmentData": []}
    assert control.calls()["getShipments"] == {"served": 1, "throttled": 0, "faulted": 2}


@pytest.mark.parametrize(("status", "body"), [(503, "html"), (429, "empty"), (500, "empty")])
def test_html_or_empty_error_bodies_come_back_as_empty_responses_without_raising(
    control: ControlClient, seller: SellerHandle, status: int, body: str
) -> None:
    inbound = seller.inbound()
    inbound.get_shipments(**WORKING)
    control.inject_fault("getShipments", status, body=body)

    response = inbound.get_shipments(**WORKING)

    # sp_api raises only when the body has an "errors" key: callers must notice the missing
    # payload themselves. The status code is not on ApiResponse at all.
    assert response.payload == {}
    assert response.errors is None
    assert response.next_token is None
    assert response.headers["x-amzn-RequestId"]
    if body == "html":
        assert response.headers["content-type"] == "text/html"


def test_faults_target_one_operation(control: ControlClient, seller: SellerHandle) -> None:
    shipment_id = control.create_shipment(seller.seller_id, US, {"SKU-A": 1})
    inbound = seller.inbound()
    inbound.get_shipments(**WORKING)
    control.inject_fault("getShipmentItemsByShipmentId", 503, body="json")

    assert inbound.get_shipments(**WORKING).payload["ShipmentData"]
    with pytest.raises(SellingApiTemporarilyUnavailableException) as raised:
        inbound.shipment_items_by_shipment(shipment_id)
    assert raised.value.amzn_code == "ServiceUnavailable"


def test_delay_holds_the_answer_back(control: ControlClient, seller: SellerHandle) -> None:
    inventories = seller.inventories()
    inventories.get_inventory_summary_marketplace()
    control.advance_clock(5)  # refill the burst-of-2 bucket (times rate_scale)
    control.inject_fault("getInventorySummaries", 500, body="empty", delay_ms=300)

    started = time.perf_counter()
    response = inventories.get_inventory_summary_marketplace()

    assert time.perf_counter() - started >= 0.3
    assert response.payload == {}


def test_token_faults_surface_through_the_auth_client(
    control: ControlClient, seller: SellerHandle
) -> None:
    control.inject_fault("token", 500, body="json")
    with pytest.raises(AuthorizationError) as raised:
        seller.inbound().get_shipments(**WORKING)
    assert raised.value.status_code == 500

    control.inject_fault("token", 503, body="html")
    # The auth client parses every LWA answer as JSON: an HTML page escapes as a decode error.
    with pytest.raises(json.JSONDecodeError):
        seller.inbound().get_shipments(**WORKING)

    assert seller.inbound().get_shipments(**WORKING).payload == {"ShipmentData": []}


def test_clearing_faults_and_rejecting_bad_ones(
    control: ControlClient, seller: SellerHandle
) -> None:
    control.inject_fault("getShipments", 500, count=5)
    control.clear_faults()
    assert seller.inbound().get_shipments(**WORKING).payload == {"ShipmentData": []}

    with pytest.raises(ControlApiError) as raised:
        control.inject_fault("getShipments", 404)
    assert raised.value.status == 400
    assert "status" in raised.value.message
