"""A year's sales backfill at Amazon's REAL rates and bursts, on a simulated clock: the sync and
the simulated Amazon share one time line that moves when the sync waits (its `sleep` advances
both), so 24 minutes of rate limits pass in seconds. The backfill keeps to Amazon's usage plans
(no 429) and ends within 1.2x the floor they set (docs/amazon-sales.md)."""

import time
from collections.abc import Callable, Iterator

import pytest

from domain.sales.gateway import CREATE_REPORT, GET_REPORT_DOCUMENT
from functions.connection_state.status import RunOutcome
from functions.sync.engine.rate_limit import PUBLISHED_LIMITS
from infra.simulated_amazon import SimulatedAmazon
from tests.sync.conftest import PAGE_SIZE
from tests.sync.harness import US, SyncWorld
from tests.sync.sales_world import SALES_TUNING, orders_seen, year_of_orders

pytestmark = pytest.mark.slow

REPORTS = 39  # 13 windows of 30 days, three report types
PROCESSING_SECONDS = 60.0  # the simulator's, at Amazon's rates


@pytest.fixture(scope="module")
def sim() -> Iterator[SimulatedAmazon]:
    """The simulated Amazon at Amazon's published rates and bursts (this module only)."""
    with SimulatedAmazon(rate_scale=1.0, page_size=PAGE_SIZE) as simulator:
        yield simulator


class SharedClock:
    """Time the sync waits passes at once, for it and for the simulated Amazon."""

    def __init__(self) -> None:
        self.world: SyncWorld | None = None
        self.slept = 0.0

    def sleep(self, seconds: float) -> None:
        assert self.world is not None
        self.slept += seconds
        self.world.advance(seconds)

    def wall_time(self) -> float:
        return time.time() + self.slept


def floor_seconds(calls: int, operation: str = CREATE_REPORT) -> float:
    limit = PUBLISHED_LIMITS[operation]
    return max(calls - limit.burst, 0) / limit.rate


def test_a_years_backfill_keeps_to_amazons_rates_within_1_2x_the_floor(
    new_world: Callable[..., SyncWorld],
) -> None:
    clock = SharedClock()
    world = new_world(
        tuning=SALES_TUNING.model_copy(update={"rate_scale": 1.0}),
        sleep=clock.sleep,
        wall_time=clock.wall_time,
    )
    clock.world = world
    ids = world.control.add_orders(world.seller_id, year_of_orders(world, US, 40))

    started = time.monotonic()
    world.sync()
    elapsed = clock.slept + (time.monotonic() - started)

    assert set(orders_seen(world)) == set(ids)
    served = world.control.calls()
    assert served[CREATE_REPORT] == {"served": REPORTS, "throttled": 0, "faulted": 0}
    assert served[GET_REPORT_DOCUMENT]["throttled"] == 0
    report = world.status().last_run
    assert report.outcome is RunOutcome.COMPLETED
    assert report.counters.throttled == {}
    floor = floor_seconds(REPORTS)  # (39 - 15) / 0.0167 s: 24 minutes
    assert floor <= elapsed <= 1.2 * floor + PROCESSING_SECONDS, (elapsed, floor)
