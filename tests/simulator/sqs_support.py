"""Helpers for tests that read the simulator's notifications from moto's SQS (server mode)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto.server import ThreadedMotoServer
from sp_api.api import Notifications

from infra.simulated_amazon import sp_api_client_kwargs

from .conftest import US, SellerHandle

TYPE = "FBA_INVENTORY_AVAILABILITY_CHANGES"


@pytest.fixture(scope="module")
def moto_endpoint() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def sqs_client(endpoint: str, region: str = "us-east-1") -> Any:
    return boto3.client(
        "sqs",
        region_name=region,
        endpoint_url=endpoint,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


class Queue:
    def __init__(self, endpoint: str, region: str = "us-east-1") -> None:
        self.sqs = sqs_client(endpoint, region)
        self.url = str(self.sqs.create_queue(QueueName=f"n-{uuid.uuid4().hex[:10]}")["QueueUrl"])
        attributes = self.sqs.get_queue_attributes(QueueUrl=self.url, AttributeNames=["QueueArn"])
        self.arn = str(attributes["Attributes"]["QueueArn"])

    def drain(self) -> list[dict[str, Any]]:
        bodies: list[dict[str, Any]] = []
        while True:
            answer = self.sqs.receive_message(
                QueueUrl=self.url, MaxNumberOfMessages=10, WaitTimeSeconds=0
            )
            messages = answer.get("Messages", [])
            if not messages:
                return bodies
            bodies.extend(json.loads(message["Body"]) for message in messages)
            self.sqs.delete_message_batch(
                QueueUrl=self.url,
                Entries=[
                    {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]}
                    for i, m in enumerate(messages)
                ],
            )


def notifications(seller: SellerHandle) -> Notifications:
    return Notifications(**sp_api_client_kwargs(seller.url, US, seller.refresh_token))


def subscribe(seller: SellerHandle, queue: Queue) -> str:
    """Create a destination for the queue (or reuse it) and subscribe the seller to it."""
    client = notifications(seller)
    existing = [
        d["destinationId"]
        for d in client.get_destinations().payload or []
        if d["resource"]["sqs"]["arn"] == queue.arn
    ]
    destination_id = (
        existing[0]
        if existing
        else client.create_destination(name="inventory", arn=queue.arn).payload["destinationId"]
    )
    created = client.create_subscription(TYPE, destination_id=destination_id)
    return str(created.payload["subscriptionId"])
