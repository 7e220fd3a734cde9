"""The persisted token buckets: shared by every invocation, following Amazon's announced rate,
and never making the worker wait past its remaining time."""

import pytest

from domain.amazon_gateway import GET_SHIPMENTS
from functions.connection_state.keys import rate_limit_pk
from functions.connection_state.status import RunOutcome
from functions.shared.adapters.state_store import StateTable
from functions.sync.engine.rate_limit import SAFETY_SECONDS, Bucket, RateLimit, TokenBuckets
from infra.local.tables import create_state_table
from tests.support import fresh_name
from tests.sync.harness import US, AwsClients, FakeLambdaContext, SyncWorld

pytestmark = pytest.mark.slow


class FakeTime:
    def __init__(self) -> None:
        self.now = 1_000_000.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_two_invocations_draw_from_one_persisted_bucket(aws: AwsClients) -> None:
    table_name = fresh_name("state")
    create_state_table(aws.dynamodb, table_name)
    time = FakeTime()
    limits = {GET_SHIPMENTS: RateLimit(rate=1.0, burst=3)}

    def invocation() -> TokenBuckets:
        table = StateTable(table_name, aws.dynamodb)
        return TokenBuckets(table, rate_limit_pk("NA", "TENANT1", "CONNECTION1"), limits, time)

    first, second = invocation(), invocation()
    assert [first.take(GET_SHIPMENTS), first.take(GET_SHIPMENTS)] == [0.0, 0.0]
    assert second.take(GET_SHIPMENTS) == 0.0
    assert first.take(GET_SHIPMENTS) == pytest.approx(1.0 + SAFETY_SECONDS)  # burst spent by both
    time.now += 1.0
    assert second.take(GET_SHIPMENTS) == 0.0
    time.now += 5.0
    first.throttled(GET_SHIPMENTS, rate=0.5)  # Amazon said 429 and a lower rate
    assert second.take(GET_SHIPMENTS) == pytest.approx(2.0 + SAFETY_SECONDS)
    assert second.rate(GET_SHIPMENTS) == 0.5


def test_the_rate_amazon_announces_replaces_the_published_one(world: SyncWorld) -> None:
    world.configure(rate_scale=1.0)  # our buckets start from Amazon's published 2/s, burst 30
    world.control.create_shipment(world.seller_id, US, {"A": 1}, status="SHIPPED")

    world.sync()

    row = world.state.get(
        rate_limit_pk("NA", world.tenant_id, world.connection_id), GET_SHIPMENTS, Bucket
    )
    assert row is not None
    # The simulator runs at 100x and says so in x-amzn-RateLimit-Limit.
    assert row.doc.rate == 200.0
    assert row.doc.burst == 30


def test_an_empty_bucket_never_makes_the_worker_wait_past_its_remaining_time(
    world: SyncWorld,
) -> None:
    time = FakeTime()
    world.sleep, world.wall_time = time.sleep, time
    world.configure(reserve_seconds=5.0, call_seconds=5.0)
    world.control.create_shipment(world.seller_id, US, {"A": 1}, status="SHIPPED")
    # Another invocation emptied the bucket, and Amazon lowered the rate to one call per 100 s.
    empty = Bucket(tokens=0.0, rate=0.01, burst=30, updated_at=time.now)
    world.state.put(rate_limit_pk("NA", world.tenant_id, world.connection_id), GET_SHIPMENTS, empty)

    world.deliver_job(world.job(), FakeLambdaContext(remaining_ms=60_000))

    assert time.slept == []  # 100 s would not fit in the 50 s left
    assert world.status().last_run.outcome is RunOutcome.CONTINUING
    continuation = world.receive()
    assert len(continuation) == 1 and '"continuation"' in continuation[0]["Body"]

    # Later, with a token 20 s away: that wait fits, and the run completes.
    time.now += 80
    world.deliver(continuation, FakeLambdaContext(remaining_ms=60_000))
    assert time.slept == [pytest.approx(20.0 + SAFETY_SECONDS)]
    assert world.status().last_run.outcome is RunOutcome.COMPLETED
