"""Triggers: the schedule, the FIFO sync queue, the SP-API notifications queue, and the event
store's stream feeding projector and reactor."""

import json
from typing import Any

import pytest

from tests.infra.cfn import Synthesized


def _mapping(synth: Synthesized, service_function: Any) -> dict[str, Any]:
    function = synth.logical_id(service_function.function)
    mappings: list[dict[str, Any]] = [
        m["Properties"]
        for m in synth.of_type("AWS::Lambda::EventSourceMapping").values()
        if m["Properties"]["FunctionName"] == {"Ref": function}
    ]
    assert len(mappings) == 1
    return mappings[0]


def _redrive(queue: dict[str, Any]) -> dict[str, Any]:
    redrive: dict[str, Any] = queue["Properties"]["RedrivePolicy"]
    return redrive


def test_the_schedule_invokes_the_dispatcher_every_15_minutes(synth: Synthesized) -> None:
    rule = synth.resource(synth.stack.sync.schedule)["Properties"]
    dispatcher = synth.logical_id(synth.stack.sync.dispatcher.function)

    assert rule["ScheduleExpression"] == "rate(15 minutes)"
    assert [t["Arn"] for t in rule["Targets"]] == [{"Fn::GetAtt": [dispatcher, "Arn"]}]


def test_the_sync_queue_is_fifo_without_content_dedup_and_redrives_to_a_fifo_dlq(
    synth: Synthesized,
) -> None:
    sync = synth.stack.sync
    queue = synth.resource(sync.queue)
    dead_letters = synth.resource(sync.dead_letter_queue)["Properties"]

    assert queue["Properties"]["FifoQueue"] is True
    assert queue["Properties"]["ContentBasedDeduplication"] is False
    assert queue["Properties"]["VisibilityTimeout"] >= 300  # at least the worker's timeout
    assert dead_letters["FifoQueue"] is True
    assert _redrive(queue) == {
        "deadLetterTargetArn": {"Fn::GetAtt": [synth.logical_id(sync.dead_letter_queue), "Arn"]},
        "maxReceiveCount": 5,
    }


def test_the_worker_consumes_sync_jobs_reporting_partial_failures(synth: Synthesized) -> None:
    mapping = _mapping(synth, synth.stack.sync.worker)

    assert mapping["EventSourceArn"] == {
        "Fn::GetAtt": [synth.logical_id(synth.stack.sync.queue), "Arn"]
    }
    assert 1 <= mapping["BatchSize"] <= 10
    assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]


def test_amazon_may_send_to_the_notifications_queue(synth: Synthesized) -> None:
    inbox = synth.logical_id(synth.stack.notifications.queue)
    policies = [
        p["Properties"]
        for p in synth.of_type("AWS::SQS::QueuePolicy").values()
        if p["Properties"]["Queues"] == [{"Ref": inbox}]
    ]
    statements = [s for p in policies for s in p["PolicyDocument"]["Statement"]]
    amazon = [s for s in statements if s["Effect"] == "Allow"]

    assert len(amazon) == 1
    assert amazon[0]["Principal"] == {
        "AWS": {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":iam::437568002678:root"]]}
    }
    assert sorted(amazon[0]["Action"]) == ["sqs:GetQueueAttributes", "sqs:SendMessage"]
    assert amazon[0]["Resource"] == {"Fn::GetAtt": [inbox, "Arn"]}


def test_notifications_redrive_to_a_dlq_and_are_consumed_with_partial_failures(
    synth: Synthesized,
) -> None:
    notifications = synth.stack.notifications
    mapping = _mapping(synth, notifications.consumer)

    assert _redrive(synth.resource(notifications.queue))["deadLetterTargetArn"] == {
        "Fn::GetAtt": [synth.logical_id(notifications.dead_letter_queue), "Arn"]
    }
    assert mapping["EventSourceArn"] == {
        "Fn::GetAtt": [synth.logical_id(notifications.queue), "Arn"]
    }
    assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]


def test_every_queue_is_encrypted_and_refuses_plain_http(synth: Synthesized) -> None:
    queues = synth.of_type("AWS::SQS::Queue")
    secured = {
        q["Ref"]
        for p in synth.of_type("AWS::SQS::QueuePolicy").values()
        for s in p["Properties"]["PolicyDocument"]["Statement"]
        if s["Effect"] == "Deny" and s["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
        for q in p["Properties"]["Queues"]
    }

    # sync + DLQ, notifications + DLQ, projector DLQ, reactor DLQ, amazon jobs + DLQ
    assert len(queues) == 8
    assert all(q["Properties"]["SqsManagedSseEnabled"] is True for q in queues.values())
    assert secured == set(queues)


@pytest.mark.parametrize("consumer", ["projector", "reactor"])
def test_stream_consumers_retry_boundedly_then_park_on_their_dlq(
    synth: Synthesized, consumer: str
) -> None:
    projections = synth.stack.projections
    function = getattr(projections, consumer)
    dead_letters = getattr(projections, f"{consumer}_dead_letters")
    mapping = _mapping(synth, function)

    assert mapping["EventSourceArn"] == {
        "Fn::GetAtt": [synth.logical_id(synth.stack.backbone.event_store.table), "StreamArn"]
    }
    assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert mapping["BisectBatchOnFunctionError"] is True
    assert mapping["MaximumRetryAttempts"] == 5
    assert mapping["MaximumRecordAgeInSeconds"] == 6 * 3600
    assert mapping["StartingPosition"] == "TRIM_HORIZON"
    assert mapping["DestinationConfig"] == {
        "OnFailure": {"Destination": {"Fn::GetAtt": [synth.logical_id(dead_letters), "Arn"]}}
    }


@pytest.mark.parametrize("consumer", ["projector", "reactor"])
def test_stream_consumers_only_see_inserts(synth: Synthesized, consumer: str) -> None:
    mapping = _mapping(synth, getattr(synth.stack.projections, consumer))

    patterns = [json.loads(f["Pattern"]) for f in mapping["FilterCriteria"]["Filters"]]
    assert patterns == [{"eventName": ["INSERT"]}]
