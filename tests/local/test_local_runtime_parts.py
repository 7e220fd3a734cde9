"""The local stand-ins for AWS's event sources behave as Lambda's do."""

import logging
import socket
import struct
import threading
import time
from typing import Any

import boto3
import httpx
import pytest

from infra.local.http_front import ApiFront, api_gateway_event, claims_from
from infra.local.queue_pump import QueuePump
from infra.local.stream_pump import StreamConsumer
from tests.support import fresh_name


def stream_record(sequence: str) -> dict[str, Any]:
    return {"eventName": "INSERT", "dynamodb": {"SequenceNumber": sequence}}


def test_a_dev_bearer_token_becomes_the_cognito_tenant_claim_and_nothing_else_does() -> None:
    assert claims_from("Bearer dev:acme") == {"sub": "dev-acme", "custom:tenant_id": "acme"}
    assert claims_from("Bearer eyJhbGciOi...") is None
    assert claims_from("Bearer dev:") is None
    assert claims_from(None) is None


def test_requests_become_api_gateway_rest_events() -> None:
    event = api_gateway_event(
        "POST", "/stock?warehouse_id=w1&sku=A", {"Authorization": "Bearer dev:t1"}, b'{"a": 1}'
    )
    assert event["httpMethod"] == "POST" and event["path"] == "/stock"
    assert event["queryStringParameters"] == {"warehouse_id": "w1", "sku": "A"}
    assert event["requestContext"]["authorizer"]["claims"]["custom:tenant_id"] == "t1"
    assert event["body"] == '{"a": 1}'
    anonymous = api_gateway_event("GET", "/warehouses", {}, b"")
    assert "authorizer" not in anonymous["requestContext"] and anonymous["body"] is None


def test_a_partial_batch_failure_redelivers_from_the_first_failed_record() -> None:
    delivered: list[list[str]] = []

    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        sequences = [r["dynamodb"]["SequenceNumber"] for r in event["Records"]]
        delivered.append(sequences)
        failed = [{"itemIdentifier": "2"}] if len(delivered) == 1 else []
        return {"batchItemFailures": failed}

    consumer = StreamConsumer("projector", handler)
    consumer.pending.extend(stream_record(s) for s in ("1", "2", "3"))
    consumer.deliver("arn:stream")
    consumer.deliver("arn:stream")
    assert delivered == [["1", "2", "3"], ["2", "3"]]
    assert consumer.pending == []


def test_a_record_that_keeps_failing_is_set_aside_after_the_last_attempt() -> None:
    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        raise RuntimeError("boom")

    consumer = StreamConsumer("reactor", handler, max_attempts=3)
    consumer.pending.extend(stream_record(s) for s in ("1", "2"))
    for _ in range(3):
        consumer.deliver("arn:stream")
    assert [r["dynamodb"]["SequenceNumber"] for r in consumer.dead_letters] == ["1"]
    assert [r["dynamodb"]["SequenceNumber"] for r in consumer.pending] == ["2"]


def test_the_queue_pump_deletes_what_succeeded_and_leaves_what_failed(
    aws_env: None, moto_server: str
) -> None:
    sqs = boto3.client("sqs", region_name="us-east-1", endpoint_url=moto_server)
    url = sqs.create_queue(QueueName=fresh_name("q"), Attributes={"VisibilityTimeout": "0"})[
        "QueueUrl"
    ]
    for body in ("ok", "bad"):
        sqs.send_message(QueueUrl=url, MessageBody=body)

    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        return {
            "batchItemFailures": [
                {"itemIdentifier": r["messageId"]} for r in event["Records"] if r["body"] == "bad"
            ]
        }

    pump = QueuePump(sqs, url, "arn:aws:sqs:us-east-1:123456789012:q", handler, "consumer")
    received = 0
    while received < 2:
        received += pump.pump_once(wait_seconds=0)
    left = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
    assert [m["Body"] for m in left] == ["bad"]


def test_the_local_front_hands_every_method_to_the_api_like_api_gateway() -> None:
    # Given the front serving a handler that answers 405 with Allow, as the resolver does
    seen: list[str] = []

    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        seen.append(event["httpMethod"])
        return {
            "statusCode": 405,
            "headers": {"Allow": "GET, POST", "Content-Type": "application/json"},
            "body": '{"code": "method_not_allowed"}',
        }

    front = ApiFront(handler, 0).start()
    try:
        # When a client uses methods http.server has no handler for
        answers = [
            httpx.request(method, f"{front.url}/warehouses") for method in ("PROPFIND", "TRACE")
        ]
        head = httpx.head(f"{front.url}/warehouses")
    finally:
        front.stop()
    # Then each reached the API and came back with its 405 and Allow, not http.server's 501
    assert [a.status_code for a in answers] == [405, 405]
    assert all(a.headers["Allow"] == "GET, POST" for a in answers)
    assert answers[0].json() == {"code": "method_not_allowed"}
    assert head.status_code == 405 and head.content == b""
    assert seen == ["PROPFIND", "TRACE", "HEAD"]


def test_a_client_that_hangs_up_before_the_answer_is_a_warning_and_the_front_serves_on(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Given the front serving a handler that holds its first request until released
    started, release = threading.Event(), threading.Event()

    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        started.set()
        release.wait(10)
        return {"statusCode": 200, "headers": {}, "body": "x" * 100_000}

    caplog.set_level(logging.WARNING, logger="infra.local.http_front")
    front = ApiFront(handler, 0).start()
    try:
        # When a client sends a request and resets the connection before the answer
        with socket.create_connection(("127.0.0.1", int(front.url.rsplit(":", 1)[1]))) as sock:
            sock.sendall(b"GET /warehouses?x=1 HTTP/1.1\r\nHost: local\r\n\r\n")
            assert started.wait(10)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        release.set()
        deadline = time.monotonic() + 10
        while not caplog.records and time.monotonic() < deadline:
            time.sleep(0.05)
        # And another client asks next
        after = httpx.get(f"{front.url}/warehouses")
    finally:
        front.stop()
    # Then the front logged one warning naming the request, and served the next one
    assert [r.getMessage() for r in caplog.records] == [
        "GET /warehouses: the client closed the connection before the answer (200)"
    ]
    assert after.status_code == 200 and len(after.content) == 100_000
