"""Jobs on the sync queue: the dispatcher's schedule, deduplication, targeted re-polls, and the
status and registries a run leaves behind for the API and the notifications consumer."""

import json
from datetime import timedelta

import pytest

from domain.connection import Connection
from domain.marketplaces import Region
from functions.connection_state.enqueue import enqueue_sync
from functions.connection_state.registry import ConnectionRegistry
from functions.connection_state.status import RunOutcome, SyncStatusReader
from functions.connection_state.sync_jobs import SyncJob, SyncReason
from functions.sync import dispatcher
from tests.sync.harness import US, FakeLambdaContext, SyncWorld

pytestmark = pytest.mark.slow


def bodies(world: SyncWorld) -> list[SyncJob]:
    return [SyncJob.model_validate_json(m["Body"]) for m in world.receive()]


def test_a_retried_request_is_delivered_once_another_request_is_not_dropped(
    world: SyncWorld,
) -> None:
    job = world.job(SyncReason.ON_DEMAND, correlation_id="request-1")
    enqueue_sync(world.aws.sqs, world.queue.url, job)
    enqueue_sync(world.aws.sqs, world.queue.url, job)  # the same request, retried
    other = job.model_copy(update={"correlation_id": "request-2"})
    enqueue_sync(world.aws.sqs, world.queue.url, other)

    assert [j.correlation_id for j in bodies(world)] == ["request-1", "request-2"]


def test_every_continuation_of_a_run_is_delivered(world: SyncWorld) -> None:
    first = world.job(SyncReason.CONTINUATION, run_id="run-1")
    second = first.model_copy(update={"requested_at": first.requested_at + timedelta(seconds=5)})
    enqueue_sync(world.aws.sqs, world.queue.url, first)
    enqueue_sync(world.aws.sqs, world.queue.url, second)

    received = world.aws.sqs.receive_message(
        QueueUrl=world.queue.url, MaxNumberOfMessages=10, AttributeNames=["All"]
    )["Messages"]
    assert len(received) == 2
    assert {m["Attributes"]["MessageGroupId"] for m in received} == {
        f"{world.tenant_id}#{world.connection_id}"
    }


def test_the_dispatcher_queues_one_job_per_connection_the_worker_has_run(world: SyncWorld) -> None:
    assert SyncStatusReader(world.state_table, world.aws.dynamodb).get("t", "c") is None
    world.sync()  # a first (on-demand) run registers the connection
    other = Connection(
        connection_id="c-other",
        seller_id="A2OTHER",
        region=Region.EU,
        marketplace_ids=("A1PA6795UKMFR9",),
    )
    ConnectionRegistry(world.state).register("t-other", other, world.clock.now())

    deps = dispatcher.build(world.settings, world.aws.given(), clock=world.clock)
    answer = dispatcher.handle({"source": "aws.events"}, FakeLambdaContext(), deps)  # type: ignore[arg-type]

    assert answer == {"enqueued": 2, "coalesced": 0}
    jobs = sorted(bodies(world), key=lambda job: job.tenant_id)
    assert [(job.tenant_id, job.connection_id, job.reason) for job in jobs] == sorted(
        [
            (world.tenant_id, world.connection_id, SyncReason.SCHEDULE),
            ("t-other", "c-other", SyncReason.SCHEDULE),
        ]
    )
    registered = ConnectionRegistry(world.state).connections()
    assert sorted((c.tenant_id, c.connection_id) for c in registered) == sorted(
        [(world.tenant_id, world.connection_id), ("t-other", "c-other")]
    )
    status = SyncStatusReader(world.state_table, world.aws.dynamodb).get(
        world.tenant_id, world.connection_id
    )
    assert status is not None and status.last_completed_run == status.last_run
    assert status.last_run.outcome is RunOutcome.COMPLETED


def test_a_targeted_job_reads_only_the_items_of_its_shipments(world: SyncWorld) -> None:
    sid = world.control.create_shipment(world.seller_id, US, {"A": 5}, status="SHIPPED")
    other = world.control.create_shipment(world.seller_id, US, {"B": 5}, status="SHIPPED")
    world.sync()
    world.control.receive(sid, {"A": 2})
    world.control.receive(other, {"B": 1})
    world.control.reset_calls()

    world.sync(world.job(SyncReason.NOTIFICATION, shipment_ids=(sid,)))

    assert world.control.calls() == {
        "getShipmentItemsByShipmentId": {"served": 1, "throttled": 0, "faulted": 0}
    }
    assert world.stream(sid)[-1].type == "InboundShipmentReceiptsChanged"
    assert world.stream(other)[-1].type == "InboundShipmentLinesAdded"
    # Items only: the status change to RECEIVING waits for the next listing.
    report = world.status().last_run
    assert (report.reason, report.counters.events_appended) == (SyncReason.NOTIFICATION, 1)
    assert json.loads(report.model_dump_json())["outcome"] == "completed"


def test_ticks_of_the_schedule_wait_once_per_connection_until_the_worker_takes_the_job(
    world: SyncWorld,
) -> None:
    world.sync()  # registers the connection
    deps = dispatcher.build(world.settings, world.aws.given(), clock=world.clock)

    ticks = [dispatcher.handle({}, FakeLambdaContext(), deps) for _ in range(5)]  # type: ignore[arg-type]

    assert [tick["enqueued"] for tick in ticks] == [1, 0, 0, 0, 0]
    assert [tick["coalesced"] for tick in ticks] == [0, 1, 1, 1, 1]
    assert len(world.drain()) == 1  # one job was waiting; the worker takes it...
    # ...so the next tick queues again
    assert dispatcher.handle({}, FakeLambdaContext(), deps)["enqueued"] == 1  # type: ignore[arg-type]
