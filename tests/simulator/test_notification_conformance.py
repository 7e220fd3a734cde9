"""The notifications the simulator sends to a subscribed seller's SQS queue, checked against
Amazon's published payload schema for their type (FBA_INVENTORY_AVAILABILITY_CHANGES)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from infra.simulated_amazon import ControlClient, SimulatedAmazon

from .amazon_models import assert_matches_notification_schema
from .conftest import CA, US, make_seller
from .sqs_support import Queue, moto_endpoint, subscribe

__all__ = ["moto_endpoint"]  # a fixture

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def sim(moto_endpoint: str) -> Iterator[SimulatedAmazon]:
    with SimulatedAmazon(notifications_endpoint_url=moto_endpoint) as simulator:
        yield simulator


def test_inventory_notifications_match_amazons_schema(
    sim: SimulatedAmazon, control: ControlClient, moto_endpoint: str
) -> None:
    queue = Queue(moto_endpoint)
    seller = make_seller(control, sim.url, [US, CA])
    in_us = control.create_shipment(seller.seller_id, US, {"SKU-A": 10, "SKU-B": 4}, "PHX7")
    control.set_status(in_us, "SHIPPED")
    in_ca = control.create_shipment(seller.seller_id, CA, {"SKU-A": 3}, "YYZ4")

    subscribe(seller, queue)
    control.receive(in_us, {"SKU-A": 6, "SKU-B": 4})  # receipts
    control.receive(in_ca, {"SKU-A": 1})  # SKU-A: both marketplaces
    control.set_items(in_us, {"SKU-C": 2})  # a plan change; SKU-A, -B keep received lines
    messages = queue.drain()

    assert len(messages) >= 4
    for message in messages:
        assert_matches_notification_schema(message)
