"""Amazon failing mid-run (429 storms, 500s, empty and HTML bodies, a crash between pages, an
invocation running out of time) changes nothing in what the sync records. These read items per
shipment, as every incremental run does (test_backfill has the same faults hit a backfill's
feed); running out of time is tried both ways."""

from collections.abc import Callable, Iterator

import pytest

from functions.connection_state.keys import CHECKPOINT_SK, sync_pk
from functions.connection_state.status import RunOutcome
from functions.connection_state.sync_jobs import SyncReason
from functions.sync.engine.checkpoint import SyncCheckpoint
from tests.sync import scenario
from tests.sync.harness import FakeLambdaContext, SyncWorld
from tests.sync.proxy import FaultyProxy

pytestmark = pytest.mark.slow


@pytest.fixture
def reference(new_world: Callable[..., SyncWorld]) -> scenario.Streams:
    """The streams a fault-free first sync of the scenario records, per shipment."""
    return scenario.reference(new_world, feed=False)


def test_429_storms_and_500s_mid_page_record_what_a_fault_free_run_records(
    reference: scenario.Streams, proxied_world: SyncWorld, proxy: FaultyProxy
) -> None:
    proxied_world.configure(backfill_feed=False)
    names = scenario.build(proxied_world)
    # The second listing page: a 429 storm, then an HTML 500 and an empty 503 (sp_api's silent
    # failures); items: failures on the 4th to 8th shipments and on a continuation page.
    proxy.fail("getShipments", [2, 3, 4], 429, "json")
    proxy.fail("getShipments", [5], 500, "html")
    proxy.fail("getShipments", [6], 503, "empty")
    proxy.fail("getShipmentItemsByShipmentId", [4, 5], 429, "empty")
    proxy.fail("getShipmentItemsByShipmentId", [6, 7], 500, "json")
    proxy.fail("getShipmentItemsByShipmentId", [8], 429, "html")
    proxy.fail("getShipmentItems", [1, 2], 503, "html")

    proxied_world.sync()

    assert scenario.by_name(proxied_world, names) == reference
    counters = proxied_world.status().last_run.counters
    # A 429 is told apart from a 5xx even when sp_api returns its empty/HTML body silently.
    assert counters.throttled == {"getShipments": 3, "getShipmentItemsByShipmentId": 3}
    assert counters.retried_errors == {
        "getShipments": 2,
        "getShipmentItemsByShipmentId": 2,
        "getShipmentItems": 2,
    }


class SimulatedCrash(BaseException):
    """The process dies (no except clause of ours sees it), like a Lambda killed mid-run."""


@pytest.mark.parametrize(
    ("operation", "call"),
    [("getShipments", 2), ("getShipmentItemsByShipmentId", 12)],
    ids=["between listing pages", "between shipments"],
)
def test_a_crash_between_pages_is_completed_by_the_next_run_without_duplicates(
    reference: scenario.Streams,
    proxied_world: SyncWorld,
    proxy: FaultyProxy,
    operation: str,
    call: int,
) -> None:
    proxied_world.configure(backfill_feed=False)
    names = scenario.build(proxied_world)

    def crash(seconds: float) -> None:
        raise SimulatedCrash

    # That call is throttled; the worker's pause before retrying is where the process dies.
    proxied_world.sleep = crash
    proxied_world.configure()
    proxy.fail(operation, [call], 429, "json")
    with pytest.raises(SimulatedCrash):
        proxied_world.sync()
    partial = proxied_world.event_count()
    assert partial < sum(len(events) for events in reference.values())

    proxied_world.sleep = None
    proxied_world.configure()
    proxied_world.drain()  # SQS delivers the job again

    assert scenario.by_name(proxied_world, names) == reference


def contexts(first: FakeLambdaContext) -> Callable[[], FakeLambdaContext]:
    """The first invocation gets `first`, every later one plenty of time."""
    given: Iterator[FakeLambdaContext] = iter([first])
    return lambda: next(given, FakeLambdaContext())


@pytest.mark.parametrize("feed", [False, True], ids=["per shipment", "by date"])
def test_running_out_of_time_saves_a_checkpoint_and_the_continuation_finishes_the_run(
    new_world: Callable[..., SyncWorld], world: SyncWorld, feed: bool
) -> None:
    reference = scenario.reference(new_world, feed)
    world.configure(backfill_feed=feed)
    names = scenario.build(world)
    job = world.job()
    first = world.deliver_job(job, FakeLambdaContext(checks_until_timeout=12))

    assert first["batchItemFailures"] == []
    assert world.status().last_run.outcome is RunOutcome.CONTINUING
    saved = world.state.get(
        sync_pk(world.tenant_id, world.connection_id), CHECKPOINT_SK, SyncCheckpoint
    )
    assert saved is not None and saved.doc.marketplaces[0].listed
    queued = world.receive()
    assert [message["Body"] for message in queued if '"continuation"' in message["Body"]]
    world.deliver(queued, FakeLambdaContext())
    world.drain()

    assert scenario.by_name(world, names) == reference
    status = world.status()
    assert status.last_run.outcome is RunOutcome.COMPLETED
    assert status.last_run.counters.invocations == 2
    assert status.last_run.run_id == saved.doc.run_id
    assert (
        world.state.get(
            sync_pk(world.tenant_id, world.connection_id), CHECKPOINT_SK, SyncCheckpoint
        )
        is None
    )


@pytest.mark.parametrize("feed", [False, True], ids=["per shipment", "by date"])
def test_a_scheduled_job_arriving_before_the_continuation_resumes_the_run(
    new_world: Callable[..., SyncWorld], world: SyncWorld, feed: bool
) -> None:
    reference = scenario.reference(new_world, feed)
    world.configure(backfill_feed=feed)
    names = scenario.build(world)
    world.deliver_job(world.job(), FakeLambdaContext(checks_until_timeout=8))
    [continuation] = world.receive()
    world.aws.sqs.change_message_visibility(
        QueueUrl=world.queue.url, ReceiptHandle=continuation["ReceiptHandle"], VisibilityTimeout=0
    )
    run_id = world.status().last_run.run_id

    # The schedule's job runs first (another group ordering, or the continuation's delay).
    world.handle(world.job(SyncReason.SCHEDULE), FakeLambdaContext())
    assert world.status().last_run.run_id == run_id  # the same run, resumed
    world.drain()  # the continuation: its run is over, nothing to do

    assert scenario.by_name(world, names) == reference
    assert world.status().last_run.outcome is RunOutcome.COMPLETED
    assert world.status().last_run.counters.invocations == 2
