"""The notifications the simulator sends to SQS, checked against Amazon's published payload
schema for their type (FBA_INVENTORY_AVAILABILITY_CHANGES)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto.server import ThreadedMotoServer

from infra.simulated_amazon import ControlClient, SimulatedAmazon

from .amazon_models import assert_matches_notification_schema
from .conftest import CA, US, make_seller

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def moto_endpoint() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def received(sqs: Any, queue_url: str) -> list[dict[str, Any]]:
    bodies: list[dict[str, Any]] = []
    while messages := sqs.receive_message(
        QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=0
    ).get("Messages", []):
        bodies.extend(json.loads(message["Body"]) for message in messages)
    return bodies


def test_inventory_notifications_match_amazons_schema(
    sim: SimulatedAmazon, control: ControlClient, moto_endpoint: str
) -> None:
    sqs = boto3.client(
        "sqs",
        region_name="us-east-1",
        endpoint_url=moto_endpoint,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    queue_url = sqs.create_queue(QueueName=f"inventory-{uuid.uuid4().hex[:8]}")["QueueUrl"]
    seller = make_seller(control, sim.url, [US, CA])
    in_us = control.create_shipment(seller.seller_id, US, {"SKU-A": 10, "SKU-B": 4}, "PHX7")
    control.set_status(in_us, "SHIPPED")
    in_ca = control.create_shipment(seller.seller_id, CA, {"SKU-A": 3}, "YYZ4")

    control.configure_notifications(queue_url, moto_endpoint)
    try:
        control.receive(in_us, {"SKU-A": 6, "SKU-B": 4})  # receipts
        control.receive(in_ca, {"SKU-A": 1})  # SKU-A: both marketplaces
        control.set_items(in_us, {"SKU-C": 2})  # a plan change; SKU-A, -B keep received lines
    finally:
        control.disable_notifications()
    messages = received(sqs, queue_url)

    assert len(messages) >= 4
    for message in messages:
        assert_matches_notification_schema(message)
