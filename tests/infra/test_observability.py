"""Alarms page a human (through one SNS topic) for what needs one; a dashboard shows the rest."""

from typing import Any

from tests.infra.cfn import Synthesized


def _alarms(synth: Synthesized) -> list[dict[str, Any]]:
    return [a["Properties"] for a in synth.of_type("AWS::CloudWatch::Alarm").values()]


def _alarms_on(synth: Synthesized, metric: str, dimension: str, ref: Any) -> list[dict[str, Any]]:
    return [
        a
        for a in _alarms(synth)
        if a["MetricName"] == metric and {"Name": dimension, "Value": ref} in a["Dimensions"]
    ]


def test_every_dead_letter_queue_alarms_on_its_first_message(synth: Synthesized) -> None:
    stack = synth.stack
    dead_letter_queues = [
        stack.sync.dead_letter_queue,
        stack.notifications.dead_letter_queue,
        stack.projections.projector_dead_letters,
        stack.projections.reactor_dead_letters,
    ]
    for queue in dead_letter_queues:
        name = {"Fn::GetAtt": [synth.logical_id(queue), "QueueName"]}
        (alarm,) = _alarms_on(synth, "ApproximateNumberOfMessagesVisible", "QueueName", name)
        assert alarm["Threshold"] == 0
        assert alarm["ComparisonOperator"] == "GreaterThanThreshold"


def test_stream_consumers_alarm_when_they_lag(synth: Synthesized) -> None:
    for consumer in (synth.stack.projections.projector, synth.stack.projections.reactor):
        function = {"Ref": synth.logical_id(consumer.function)}
        (alarm,) = _alarms_on(synth, "IteratorAge", "FunctionName", function)
        assert alarm["Statistic"] == "Maximum"
        assert 0 < alarm["Threshold"] <= 15 * 60 * 1000  # milliseconds


def test_sync_worker_errors_and_any_throttle_alarm(synth: Synthesized) -> None:
    worker = {"Ref": synth.logical_id(synth.stack.sync.worker.function)}
    (errors,) = _alarms_on(synth, "Errors", "FunctionName", worker)

    assert errors["Threshold"] == 0
    for function in synth.stack.functions:
        ref = {"Ref": synth.logical_id(function.function)}
        (throttles,) = _alarms_on(synth, "Throttles", "FunctionName", ref)
        assert throttles["Threshold"] == 0


def test_a_drift_persisting_past_two_reads_alarms_with_its_runbook(synth: Synthesized) -> None:
    (alarm,) = _alarms_on(synth, "StockDriftPersisted", "service", "reactor")

    assert alarm["Namespace"] == synth.stack.backbone.powertools.metrics_namespace
    assert (alarm["Statistic"], alarm["Threshold"]) == ("Sum", 0)
    assert alarm["ComparisonOperator"] == "GreaterThanThreshold"
    assert "GET /stock/drift" in alarm["AlarmDescription"]
    assert "amazon_adjustment" in alarm["AlarmDescription"]


def test_every_alarm_notifies_the_alarm_topic(synth: Synthesized) -> None:
    topic = {"Ref": synth.logical_id(synth.stack.observability.topic)}

    alarms = _alarms(synth)
    # DLQs, stream ages, the worker's errors, throttles, persisted stock drift
    assert len(alarms) == 5 + 2 + 1 + 7 + 1
    assert all(a["AlarmActions"] == [topic] for a in alarms)
    assert all(a["TreatMissingData"] == "notBreaching" for a in alarms)


def test_there_is_a_dashboard(synth: Synthesized) -> None:
    (dashboard,) = synth.of_type("AWS::CloudWatch::Dashboard").values()

    body = str(dashboard["Properties"]["DashboardBody"])
    for figure in ("IteratorAge", "ApproximateNumberOfMessagesVisible", "5XXError", "Throttles"):
        assert figure in body
