"""Usage plans: bursts, 429 QuotaExceeded, the rate header (left out of 429s, as Amazon's often
are, unless a test opts in), refill from the simulated clock."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from sp_api.base.exceptions import SellingApiRequestThrottledException

from infra.simulated_amazon import ControlClient, SimulatedAmazon

from .amazon_models import assert_response_matches_model
from .conftest import US, SellerHandle, make_seller
from .raw_sp_api import INVENTORY, SHIPMENTS, RawSpApi, error_of, inventory_params
from .sqs_support import TYPE, notifications

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
    assert "x-amzn-RateLimit-Limit" not in raised.value.headers  # bare, as Amazon's often are
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


def throttled_answers(url: str, refresh_token: str, count: int) -> list[httpx.Response]:
    """`count` 429s of getInventorySummaries (burst 1 at this scale) after one served call."""
    raw = RawSpApi.for_seller(url, refresh_token)
    answers = [raw.get(INVENTORY, inventory_params()) for _ in range(count + 1)]
    assert answers[0].status_code == 200
    assert {answer.status_code for answer in answers[1:]} == {429}
    return answers[1:]


def served_throttled_and_faulted(sim: SimulatedAmazon) -> tuple[httpx.Response, ...]:
    """A served getInventorySummaries, then a throttled one (burst 1 at rate_scale 0.1) and a
    getShipments 429 from an injected fault."""
    with ControlClient(sim.url) as control:
        seller = make_seller(control, sim.url)
        raw = RawSpApi.for_seller(sim.url, seller.refresh_token)
        served = raw.get(INVENTORY, inventory_params())
        throttled = raw.get(INVENTORY, inventory_params())
        control.inject_fault("getShipments", 429, body="json")
        faulted = raw.get(
            SHIPMENTS,
            {"MarketplaceId": US, "QueryType": "SHIPMENT", "ShipmentStatusList": "WORKING"},
        )
    return served, throttled, faulted


def test_by_default_a_429_leaves_out_the_rate_header_as_amazons_often_do() -> None:
    with SimulatedAmazon(rate_scale=0.1) as bare:
        served, throttled, faulted = served_throttled_and_faulted(bare)

    assert served.headers["x-amzn-RateLimit-Limit"] == "0.2"
    for answer, operation_id in ((throttled, "getInventorySummaries"), (faulted, "getShipments")):
        assert error_of(answer)[:2] == (429, "QuotaExceeded")
        assert "x-amzn-RateLimit-Limit" not in answer.headers
        assert answer.headers["x-amzn-RequestId"]
        assert_response_matches_model(operation_id, answer)


def test_a_test_can_opt_in_to_the_rate_header_on_every_429() -> None:
    with SimulatedAmazon(rate_scale=0.1, rate_header_on_429=1.0) as announcing:
        served, throttled, faulted = served_throttled_and_faulted(announcing)
        with ControlClient(announcing.url) as control:
            seller = make_seller(control, announcing.url)
            control.inject_fault("getSubscription", 429)
            with pytest.raises(SellingApiRequestThrottledException) as raised:
                notifications(seller).get_subscription(TYPE)

    assert served.headers["x-amzn-RateLimit-Limit"] == "0.2"
    assert throttled.status_code == 429
    assert throttled.headers["x-amzn-RateLimit-Limit"] == "0.2"
    assert faulted.status_code == 429
    assert faulted.headers["x-amzn-RateLimit-Limit"] == "0.2"
    # The Notifications API's 429s follow the same setting (1 request per second at Amazon).
    assert raised.value.headers["x-amzn-RateLimit-Limit"] == "0.1"


def test_a_seeded_mix_of_429s_with_and_without_the_header_repeats_run_after_run() -> None:
    def header_pattern(seed: int) -> list[bool]:
        with SimulatedAmazon(rate_scale=0.1) as mixed, ControlClient(mixed.url) as control:
            mixed.rate_limiter.header_on_429.configure(0.5, seed=seed)
            seller = make_seller(control, mixed.url)
            answers = throttled_answers(mixed.url, seller.refresh_token, 16)
        return ["x-amzn-RateLimit-Limit" in answer.headers for answer in answers]

    first = header_pattern(seed=7)

    assert first == header_pattern(seed=7)
    assert True in first and False in first


def test_the_header_probability_must_be_a_probability(amazon_rates: SimulatedAmazon) -> None:
    with pytest.raises(ValueError, match=r"between 0\.0 and 1\.0"):
        amazon_rates.rate_limiter.header_on_429.configure(1.5)
    with pytest.raises(ValueError, match=r"between 0\.0 and 1\.0"):
        SimulatedAmazon(rate_header_on_429=-0.1)
