"""Opt-in, seeded delivery quirks of SQS standard queues: duplicates, reordering, late
delivery. Off unless a test switches them on."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from infra.simulated_amazon import ControlClient, SimulatedAmazon

from .conftest import US, SellerHandle, make_seller
from .sqs_support import Queue, moto_endpoint, subscribe

__all__ = ["moto_endpoint"]  # a fixture

pytestmark = pytest.mark.slow

SKUS = [f"SKU-{n}" for n in range(8)]


@pytest.fixture(scope="module")
def sim(moto_endpoint: str) -> Iterator[SimulatedAmazon]:
    with SimulatedAmazon(rate_scale=100, notifications_endpoint_url=moto_endpoint) as simulator:
        yield simulator


@pytest.fixture
def control(sim: SimulatedAmazon) -> Iterator[ControlClient]:
    with ControlClient(sim.url) as client:
        yield client
        client.clear_notification_quirks()


@pytest.fixture
def subscribed(
    sim: SimulatedAmazon, control: ControlClient, moto_endpoint: str
) -> tuple[SellerHandle, Queue]:
    seller, queue = make_seller(control, sim.url), Queue(moto_endpoint)
    subscribe(seller, queue)
    return seller, queue


def skus_of(notes: list[dict[str, Any]]) -> list[str]:
    return [n["Payload"]["SKU"] for n in notes]


def ids_of(notes: list[dict[str, Any]]) -> list[str]:
    return [n["NotificationMetadata"]["NotificationId"] for n in notes]


def test_quirks_are_off_by_default(
    control: ControlClient, subscribed: tuple[SellerHandle, Queue]
) -> None:
    seller, queue = subscribed

    control.create_shipment(seller.seller_id, US, dict.fromkeys(SKUS, 1))

    assert control.notification_quirks() == {"enabled": False, "settings": None, "held": 0}
    notes = queue.drain()
    assert sorted(skus_of(notes)) == SKUS
    assert len(set(ids_of(notes))) == len(SKUS)


def test_duplicates_carry_the_same_notification_id(
    control: ControlClient, subscribed: tuple[SellerHandle, Queue]
) -> None:
    seller, queue = subscribed
    control.set_notification_quirks(seed=7, duplicate_rate=1.0)

    shipment_id = control.create_shipment(seller.seller_id, US, {"A": 2, "B": 2})

    notes = queue.drain()
    assert sorted(skus_of(notes)) == ["A", "A", "B", "B"]
    assert len(set(ids_of(notes))) == 2
    assert control.receive(shipment_id, {"A": 1})["notifications_sent"] == 4  # A and B, twice


def test_late_messages_arrive_after_those_of_a_later_send(
    control: ControlClient, subscribed: tuple[SellerHandle, Queue]
) -> None:
    seller, queue = subscribed
    control.set_notification_quirks(seed=1, delay_rate=1.0)

    control.create_shipment(seller.seller_id, US, {"FIRST": 1})
    held = queue.drain()
    status = control.notification_quirks()
    control.create_shipment(seller.seller_id, US, {"SECOND": 1})
    after_second = queue.drain()
    released = control.clear_notification_quirks()

    assert (held, status["held"]) == ([], 1)
    assert skus_of(after_second) == ["FIRST"]  # SECOND is held in turn
    assert released["released"] == 1
    assert skus_of(queue.drain()) == ["SECOND"]


def test_reordering_is_repeatable_from_the_seed(
    sim: SimulatedAmazon, control: ControlClient, moto_endpoint: str
) -> None:
    orders = []
    for _ in range(2):
        seller, queue = make_seller(control, sim.url), Queue(moto_endpoint)
        subscribe(seller, queue)
        control.set_notification_quirks(seed=42, reorder_rate=1.0)
        control.create_shipment(seller.seller_id, US, dict.fromkeys(SKUS, 1))
        orders.append(skus_of(queue.drain()))
        control.clear_notification_quirks()

    assert orders[0] == orders[1]
    assert orders[0] != SKUS
    assert sorted(orders[0]) == SKUS


def test_reset_switches_quirks_off_and_drops_held_messages(
    control: ControlClient, subscribed: tuple[SellerHandle, Queue]
) -> None:
    seller, queue = subscribed
    control.set_notification_quirks(seed=3, delay_rate=1.0)
    control.create_shipment(seller.seller_id, US, {"A": 1})

    control.reset()

    assert control.notification_quirks() == {"enabled": False, "settings": None, "held": 0}
    assert queue.drain() == []


@pytest.mark.parametrize(
    "body",
    [
        {"duplicate_rate": 0.5},
        {"seed": 1, "duplicate_rate": 1.5},
        {"seed": 1, "delay_rate": -0.1},
        {"seed": 1, "typo_rate": 0.1},
    ],
)
def test_quirk_settings_are_checked(sim: SimulatedAmazon, body: dict[str, Any]) -> None:
    response = httpx.put(f"{sim.url}/_sim/notifications/quirks", json=body)

    assert response.status_code == 400
    assert response.json()["error"]
