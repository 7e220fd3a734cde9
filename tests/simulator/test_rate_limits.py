"""Usage plans: bursts, 429 QuotaExceeded, the rate header, refill from the simulated clock."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sp_api.base.exceptions import SellingApiRequestThrottledException

from infra.simulated_amazon import ControlClient, SimulatedAmazon

from .conftest import US, SellerHandle, make_seller

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def amazon_rates() -> Iterator[SimulatedAmazon]:
    with SimulatedAmazon() as simulator:  # rate_scale 1.0: Amazon's own rates and bursts
        yield simulator


@pytest.fixture
def rate_control(amazon_rates: SimulatedAmazon) -> Iterator[ControlClient]:
    with ControlClient(amazon_rates.url) as client:
        yield client


def test_inventory_summaries_allow_a_burst_of_two_then_answer_429(
    amazon_rates: SimulatedAmazon, rate_control: ControlClient
) -> None:
    seller = make_seller(rate_control, amazon_rates.url)
    inventories = seller.inventories()
    for _ in range(2):
        inventories.get_inventory_summary_marketplace(details=True)

    with pytest.raises(SellingApiRequestThrottledException) as raised:
        inventories.get_inventory_summary_marketplace(details=True)

    assert raised.value.amzn_code == "QuotaExceeded"
    assert raised.value.message == "You exceeded your quota for the requested resource."
    assert raised.value.headers["x-amzn-RateLimit-Limit"] == "2.0"
    assert raised.value.headers["x-amzn-RequestId"]


def test_get_shipments_bursts_thirty_and_the_clock_refills_the_bucket(
    amazon_rates: SimulatedAmazon, rate_control: ControlClient
) -> None:
    seller = make_seller(rate_control, amazon_rates.url)
    inbound = seller.inbound()
    rate_control.reset_calls()

    outcomes = []
    for _ in range(32):
        try:
            inbound.get_shipments(QueryType="SHIPMENT", ShipmentStatusList="WORKING")
            outcomes.append("ok")
        except SellingApiRequestThrottledException:
            outcomes.append("throttled")

    assert outcomes[:30] == ["ok"] * 30
    assert outcomes[30:] == ["throttled", "throttled"]
    assert rate_control.calls()["getShipments"] == {"served": 30, "throttled": 2, "faulted": 0}
    rate_control.advance_clock(1.0)  # 2 requests per second refill
    inbound.get_shipments(QueryType="SHIPMENT", ShipmentStatusList="WORKING")
    inbound.get_shipments(QueryType="SHIPMENT", ShipmentStatusList="WORKING")
    with pytest.raises(SellingApiRequestThrottledException):
        inbound.get_shipments(QueryType="SHIPMENT", ShipmentStatusList="WORKING")


def test_buckets_are_per_seller_and_per_operation(
    amazon_rates: SimulatedAmazon, rate_control: ControlClient
) -> None:
    first = make_seller(rate_control, amazon_rates.url)
    second = make_seller(rate_control, amazon_rates.url)
    for _ in range(2):
        first.inventories().get_inventory_summary_marketplace()
    with pytest.raises(SellingApiRequestThrottledException):
        first.inventories().get_inventory_summary_marketplace()

    # Another seller and another operation still have their own full buckets.
    second.inventories().get_inventory_summary_marketplace()
    first.inbound().get_shipments(QueryType="SHIPMENT", ShipmentStatusList="WORKING")


def test_rate_scale_multiplies_rates_and_bursts(seller: SellerHandle) -> None:
    # The shared module simulator runs at rate_scale=100: a burst of 200 inventory calls.
    inventories = seller.inventories()
    responses = [inventories.get_inventory_summary_marketplace() for _ in range(20)]

    assert {r.headers["x-amzn-RateLimit-Limit"] for r in responses} == {"200.0"}


def test_rate_scale_below_one_keeps_a_burst_of_at_least_one() -> None:
    with SimulatedAmazon(rate_scale=0.1) as slow, ControlClient(slow.url) as control:
        seller = make_seller(control, slow.url)
        inventories = seller.inventories()

        response = inventories.get_inventory_summary_marketplace(marketplaceIds=[US])
        assert response.headers["x-amzn-RateLimit-Limit"] == "0.2"
        with pytest.raises(SellingApiRequestThrottledException):
            inventories.get_inventory_summary_marketplace(marketplaceIds=[US])
