"""FBA_INVENTORY_AVAILABILITY_CHANGES delivered to the queues of the seller's subscriptions
(moto in server mode), stamped with the subscription, and sent on every change of a SKU's
figures."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from infra.simulated_amazon import ControlClient, SimulatedAmazon

from .conftest import CA, US, make_seller
from .sqs_support import TYPE, Queue, moto_endpoint, notifications, subscribe

__all__ = ["moto_endpoint"]  # a fixture

pytestmark = pytest.mark.slow

APPLICATION_ID = "amzn1.sp.solution.test-application"


@pytest.fixture(scope="module")
def sim(moto_endpoint: str) -> Iterator[SimulatedAmazon]:
    with SimulatedAmazon(
        rate_scale=100, notifications_endpoint_url=moto_endpoint, application_id=APPLICATION_ID
    ) as simulator:
        yield simulator


@pytest.fixture
def control(sim: SimulatedAmazon) -> Iterator[ControlClient]:
    with ControlClient(sim.url) as client:
        yield client


def inventory(note: dict[str, Any], marketplace_id: str = US) -> dict[str, Any]:
    [entry] = [
        m
        for m in note["Payload"]["FulfillmentInventoryByMarketplace"]
        if m["MarketplaceId"] == marketplace_id
    ]
    return dict(entry["FulfillmentInventory"])


def breakdowns(queue: Queue) -> dict[str, dict[str, int]]:
    """SKU -> InboundQuantityBreakdown of the notifications waiting in the queue."""
    return {n["Payload"]["SKU"]: inventory(n)["InboundQuantityBreakdown"] for n in queue.drain()}


def test_a_sellers_notifications_reach_its_subscriptions_queue_only(
    sim: SimulatedAmazon, control: ControlClient, moto_endpoint: str
) -> None:
    # Given seller A subscribed to queue 1, queue 2 a destination of nobody's, B not subscribed
    subscribed, other = make_seller(control, sim.url), make_seller(control, sim.url)
    queue, unused = Queue(moto_endpoint), Queue(moto_endpoint)
    subscription_id = subscribe(subscribed, queue)
    notifications(subscribed).create_destination(name="unused", arn=unused.arn)
    shipment_id = control.create_shipment(subscribed.seller_id, US, {"A": 5, "B": 2})
    other_shipment = control.create_shipment(other.seller_id, US, {"A": 5})
    queue.drain()

    # When both sellers receive units
    answer = control.receive(shipment_id, {"A": 5, "B": 1})
    other_answer = control.receive(other_shipment, {"A": 5})

    # Then only the subscriber's queue gets them, stamped with its subscription
    assert (answer["notifications_sent"], other_answer["notifications_sent"]) == (2, 0)
    notes = queue.drain()
    assert sorted(n["Payload"]["SKU"] for n in notes) == ["A", "B"]
    assert {n["Payload"]["SellerId"] for n in notes} == {subscribed.seller_id}
    for note in notes:
        metadata = note["NotificationMetadata"]
        assert metadata["ApplicationId"] == APPLICATION_ID
        assert metadata["SubscriptionId"] == subscription_id
        assert metadata["PublishTime"].endswith("Z")
        assert note["PayloadVersion"] == "1.0"
    assert len({n["NotificationMetadata"]["NotificationId"] for n in notes}) == 2
    assert unused.drain() == []


def test_each_seller_on_a_shared_queue_gets_its_own_subscription_id(
    sim: SimulatedAmazon, control: ControlClient, moto_endpoint: str
) -> None:
    queue = Queue(moto_endpoint)
    sellers = [make_seller(control, sim.url) for _ in range(2)]
    subscription_ids = {seller.seller_id: subscribe(seller, queue) for seller in sellers}

    for seller in sellers:
        control.create_shipment(seller.seller_id, US, {"SKU-1": 1})

    notes = queue.drain()
    assert {
        n["Payload"]["SellerId"]: n["NotificationMetadata"]["SubscriptionId"] for n in notes
    } == subscription_ids
    assert len(set(subscription_ids.values())) == 2


def test_the_payload_has_every_field_of_amazons_schema(
    sim: SimulatedAmazon, control: ControlClient, moto_endpoint: str
) -> None:
    queue = Queue(moto_endpoint)
    seller = make_seller(control, sim.url, [US, CA])
    subscribe(seller, queue)
    control.create_shipment(seller.seller_id, US, {"SKU-1": 4}, status="SHIPPED")

    [note] = queue.drain()

    assert note["NotificationType"] == TYPE
    assert note["NotificationVersion"] == "1.0"
    [entry] = note["Payload"]["FulfillmentInventoryByMarketplace"]  # known in US only
    assert entry["MarketplaceId"] == US
    assert entry["ItemName"]
    assert entry["FulfillmentInventory"] == {
        "InboundQuantityBreakdown": {"Working": 0, "Shipped": 4, "Receiving": 0},
        "Fulfillable": 0,
        "Unfulfillable": 0,
        "Researching": 0,
        "ReservedQuantityBreakdown": {
            "WarehouseProcessing": 0,
            "WarehouseTransfer": 0,
            "PendingCustomerOrder": 0,
        },
        "FutureSupplyBuyable": 0,
        "PendingCustomerOrderInTransit": 0,
    }


def test_status_changes_notify_when_they_move_inbound_figures_and_only_then(
    sim: SimulatedAmazon, control: ControlClient, moto_endpoint: str
) -> None:
    queue = Queue(moto_endpoint)
    seller = make_seller(control, sim.url)
    subscribe(seller, queue)
    shipment_id = control.create_shipment(seller.seller_id, US, {"A": 6, "B": 2})
    created = breakdowns(queue)
    assert {sku: figures["Working"] for sku, figures in created.items()} == {"A": 6, "B": 2}

    control.set_status(shipment_id, "SHIPPED")
    shipped = breakdowns(queue)
    control.set_status(shipment_id, "IN_TRANSIT")  # still inbound-shipped: nothing moves
    in_transit = queue.drain()
    control.cancel(shipment_id)
    cancelled = breakdowns(queue)
    control.set_items(shipment_id, {"A": 7, "B": 2})  # a cancelled plan counts nowhere
    replanned = queue.drain()

    assert shipped == {
        "A": {"Working": 0, "Shipped": 6, "Receiving": 0},
        "B": {"Working": 0, "Shipped": 2, "Receiving": 0},
    }
    assert in_transit == []
    assert cancelled == {sku: {"Working": 0, "Shipped": 0, "Receiving": 0} for sku in "AB"}
    assert replanned == []


def test_a_receipt_notifies_the_skus_it_moves_to_receiving_too(
    sim: SimulatedAmazon, control: ControlClient, moto_endpoint: str
) -> None:
    queue = Queue(moto_endpoint)
    seller = make_seller(control, sim.url)
    subscribe(seller, queue)
    shipment_id = control.create_shipment(seller.seller_id, US, {"A": 6, "B": 2}, status="SHIPPED")
    queue.drain()

    control.receive(shipment_id, {"A": 6})  # the shipment is RECEIVING now: B's 2 are receiving

    figures = {n["Payload"]["SKU"]: inventory(n) for n in queue.drain()}
    assert figures["A"]["Fulfillable"] == 6
    assert figures["B"]["InboundQuantityBreakdown"] == {"Working": 0, "Shipped": 0, "Receiving": 2}


def test_a_queue_in_another_region_is_found_from_its_arn(
    sim: SimulatedAmazon, control: ControlClient, moto_endpoint: str
) -> None:
    queue = Queue(moto_endpoint, region="eu-west-1")
    assert ":eu-west-1:" in queue.arn
    seller = make_seller(control, sim.url)
    subscribe(seller, queue)

    control.create_shipment(seller.seller_id, US, {"SKU-1": 1})

    assert [n["Payload"]["SKU"] for n in queue.drain()] == ["SKU-1"]


def test_nothing_is_delivered_after_unsubscribing(
    sim: SimulatedAmazon, control: ControlClient, moto_endpoint: str
) -> None:
    queue = Queue(moto_endpoint)
    seller = make_seller(control, sim.url)
    subscription_id = subscribe(seller, queue)
    notifications(seller).delete_notification_subscription(TYPE, subscription_id)

    shipment_id = control.create_shipment(seller.seller_id, US, {"SKU-1": 1})

    assert control.receive(shipment_id, {"SKU-1": 1})["notifications_sent"] == 0
    assert queue.drain() == []


def test_a_destination_whose_queue_is_gone_is_reported_and_the_change_still_happens(
    sim: SimulatedAmazon, control: ControlClient, moto_endpoint: str
) -> None:
    queue = Queue(moto_endpoint)
    seller = make_seller(control, sim.url)
    subscribe(seller, queue)
    queue.sqs.delete_queue(QueueUrl=queue.url)

    shipment_id = control.create_shipment(seller.seller_id, US, {"SKU-1": 1})
    answer = control.receive(shipment_id, {"SKU-1": 1})

    assert answer["notifications_sent"] == 0
    assert answer["items"][0]["quantity_received"] == 1
    assert "cannot resolve destination" in control.notifications()["last_error"]
