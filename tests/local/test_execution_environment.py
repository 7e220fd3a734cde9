"""The local runtime's execution environments and queue pollers scale a function out as Lambda
does: concurrent invocations each in a process of its own, a failed or timed-out environment
replaced, and a FIFO queue's message groups still one message at a time."""

import itertools
import os
import threading
import time
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from infra.local.execution_environment import ExecutionEnvironments, InvocationFailed
from infra.local.lambda_context import LocalLambdaContext
from infra.local.queue_pump import QueuePump
from tests.support import fresh_name

HANDLER = "tests.local.environment_handlers"


@pytest.fixture
def environments() -> Iterator[ExecutionEnvironments]:
    pool = ExecutionEnvironments(HANDLER, "worker", size=3, grace_seconds=2)
    yield pool
    pool.stop()


def context(timeout_seconds: float = 60) -> LocalLambdaContext:
    return LocalLambdaContext(function_name="worker", timeout_seconds=timeout_seconds)


def test_an_invocation_runs_in_a_process_of_its_own_with_the_callers_context(
    environments: ExecutionEnvironments,
) -> None:
    asked = context(timeout_seconds=60)
    answer = environments.invoke({"echo": [1, "two"]}, asked)
    assert answer["echo"] == [1, "two"]
    assert answer["pid"] != os.getpid()
    assert answer["function_name"] == "worker"
    assert answer["request_id"] == asked.aws_request_id
    assert 50_000 < answer["remaining_ms"] <= 60_000


def test_invocations_at_once_run_side_by_side_in_as_many_environments(
    environments: ExecutionEnvironments,
) -> None:
    environments.invoke({}, context())  # one cold start out of the way
    answers: list[dict[str, Any]] = []
    threads = [
        threading.Thread(
            target=lambda: answers.append(environments.invoke({"sleep": 1}, context()))
        )
        for _ in range(3)
    ]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({a["pid"] for a in answers}) == 3
    assert time.monotonic() - started < 2.5  # not three seconds one after the other


def test_a_handler_error_comes_back_with_its_traceback_and_the_environment_stays(
    environments: ExecutionEnvironments,
) -> None:
    first = environments.invoke({}, context())["pid"]
    with pytest.raises(InvocationFailed, match=r"(?s)Traceback.*ValueError: no such shipment"):
        environments.invoke({"raise": "no such shipment"}, context())
    assert environments.invoke({}, context())["pid"] == first


def test_an_environment_that_dies_or_times_out_is_replaced() -> None:
    pool = ExecutionEnvironments(HANDLER, "worker", size=1, grace_seconds=0.5)
    try:
        first = pool.invoke({}, context())["pid"]
        with pytest.raises(InvocationFailed, match="exited"):
            pool.invoke({"exit": 3}, context())
        second = pool.invoke({}, context())["pid"]
        with pytest.raises(InvocationFailed, match="no answer"):
            pool.invoke({"sleep": 30}, context(timeout_seconds=0.5))
        third = pool.invoke({}, context())["pid"]
    finally:
        pool.stop()
    assert len({first, second, third}) == 3


def test_stopping_ends_every_environment(environments: ExecutionEnvironments) -> None:
    pid = environments.invoke({}, context())["pid"]
    environments.stop()
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # gone (and waited for)
    with pytest.raises(InvocationFailed):
        environments.invoke({}, context())


def test_concurrent_pollers_keep_each_fifo_group_in_order_one_message_at_a_time(
    aws_env: None, moto_server: str
) -> None:
    sqs = boto3.client("sqs", region_name="us-east-1", endpoint_url=moto_server)
    url = sqs.create_queue(
        QueueName=fresh_name("jobs") + ".fifo",
        Attributes={"FifoQueue": "true", "VisibilityTimeout": "30"},
    )["QueueUrl"]
    groups, per_group = 4, 4
    lock = threading.Lock()
    runs: list[tuple[str, int, float, float]] = []  # group, n, start, end

    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        started = time.monotonic()
        time.sleep(0.2)
        group, position = event["Records"][0]["body"].split(":")
        with lock:
            runs.append((group, int(position), started, time.monotonic()))
        return {"batchItemFailures": []}

    pump = QueuePump(
        sqs,
        url,
        "arn:aws:sqs:us-east-1:123456789012:jobs.fifo",
        handler,
        "jobs",
        batch_size=1,
        concurrency=4,
    ).start()
    time.sleep(0.5)  # every poller waits on the empty queue (a long poll)
    for group in range(groups):  # then each group's messages arrive at once
        entries: list[Any] = [
            {
                "Id": str(n),
                "MessageBody": f"{group}:{n}",
                "MessageGroupId": str(group),
                "MessageDeduplicationId": f"{group}-{n}",
            }
            for n in range(per_group)
        ]
        sqs.send_message_batch(QueueUrl=url, Entries=entries)
    deadline = time.monotonic() + 60
    while len(runs) < groups * per_group and time.monotonic() < deadline:
        time.sleep(0.1)
    pump.stop()

    assert len(runs) == groups * per_group
    for name in map(str, range(groups)):
        mine = sorted((r for r in runs if r[0] == name), key=lambda r: r[2])
        assert [r[1] for r in mine] == list(range(per_group))  # in order
        assert all(a[3] <= b[2] for a, b in itertools.pairwise(mine))  # never at once
    most_at_once = max(sum(r[2] <= s[2] < r[3] for r in runs) for s in runs)
    assert most_at_once > 1  # the groups did run side by side
