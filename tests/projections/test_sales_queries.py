"""The sales series the API will serve (`functions/shared/views/sales_queries.py`), on
DynamoDB-on-moto, over views projected by the real projector handler; and over the same views
rebuilt from the log in memory and bulk-loaded into a fresh table."""

from datetime import date, timedelta

import pytest

from domain.errors import InvalidCommand
from domain.sales import LineStatus, SalesChannel
from domain.sales.series import Granularity, SalesPeriod
from domain.warehouse import fba_warehouse_id, fbm_warehouse_id
from functions.projector.compare import differences
from functions.projector.dynamodb_store import DynamoDBViewStore
from functions.projector.rebuild import rebuild, write_all
from functions.shared.adapters.stream_records import batch, record_of
from functions.shared.views.sales_queries import SalesQueries
from functions.shared.views.table import ViewTable
from infra.local.tables import create_views_table
from tests.projections.amazon_sales import AmazonCustomers
from tests.projections.conftest import Tables, new_tables
from tests.projections.world import T0, US, World
from tests.support import cursor_codec, fresh_name

PENDING, SHIPPED, CANCELLED = LineStatus.PENDING, LineStatus.SHIPPED, LineStatus.CANCELLED
DAY = 24 * 60  # minutes
NOV1 = date(2026, 11, 1)


@pytest.fixture(scope="module")
def tables(moto_client) -> Tables:  # type: ignore[no-untyped-def]
    return new_tables(moto_client)


@pytest.fixture(scope="module")
def seller(tables: Tables) -> World:
    """Nov 1: O1 sells 2 A (FBA), O2 sells 1 A and 3 B (FBA), O3 sells 5 A (FBM).
    Nov 2: O2's A is cancelled; O1 ships. Nov 4: 1 A of O1 comes back.
    Another tenant sells 7 A at an FBA warehouse of the same id on Nov 1."""
    world = World(tables.event_store())
    world.connect((US,))
    fba, fbm = fba_warehouse_id(world.connection_id, US), fbm_warehouse_id(world.connection_id)
    amazon = AmazonCustomers(world, US)
    amazon.order("O1", {"A": (2, PENDING)}, fba, T0)
    amazon.order("O2", {"A": (1, PENDING), "B": (3, PENDING)}, fba, T0)
    amazon.order("O3", {"A": (5, PENDING)}, fbm, T0, SalesChannel.FBM)
    world.clock.advance(DAY)
    amazon.order("O2", {"A": (1, CANCELLED), "B": (3, PENDING)}, fba, T0)
    amazon.order("O1", {"A": (2, SHIPPED)}, fba, T0)
    world.clock.advance(2 * DAY)
    amazon.returns("O1", "LPN1", "A", 1, fba)
    other = World(tables.event_store())
    other.connection_id = world.connection_id  # the same warehouse id, another tenant
    AmazonCustomers(other, US).order("O9", {"A": (7, PENDING)}, fba, T0)
    log = [*world.log, *other.log]
    tables.project(batch([record_of(e, str(n)) for n, e in enumerate(log, 1)]))
    return world


def queries(tables: Tables, views: str | None = None) -> SalesQueries:
    return SalesQueries(ViewTable(views or tables.views, tables.client, cursor_codec()))


def figures(periods: list[SalesPeriod]) -> list[tuple[int, int, int, int]]:
    return [(p.sold, p.cancelled, p.returned, p.net) for p in periods]


def test_a_daily_series_sums_the_given_listings_of_the_tenant(
    tables: Tables, seller: World
) -> None:
    fba = fba_warehouse_id(seller.connection_id, US)
    fbm = fbm_warehouse_id(seller.connection_id)
    # When the days of Nov 1-5 are asked for A at FBA and at FBM
    got = queries(tables).series(
        seller.tenant_id, {fba: ["A"], fbm: ["A"]}, NOV1, NOV1 + timedelta(days=4), Granularity.DAY
    )
    # Then each day is the two listings summed (B and the other tenant left out)
    assert [p.start for p in got] == [NOV1 + timedelta(days=n) for n in range(5)]
    assert figures(got) == [(7, 0, 0, 7), (0, 1, 0, 0), (0, 0, 0, 0), (0, 0, 1, -1), (0, 0, 0, 0)]


def test_a_range_that_starts_after_some_sales_leaves_them_out(
    tables: Tables, seller: World
) -> None:
    fba = fba_warehouse_id(seller.connection_id, US)
    got = queries(tables).series(
        seller.tenant_id, {fba: ["A", "B"]}, date(2026, 11, 2), date(2026, 11, 3), Granularity.DAY
    )
    assert figures(got) == [(0, 1, 0, 0), (0, 0, 0, 0)]


def test_a_monthly_series_over_the_views_rebuilt_from_the_log_is_the_same(
    tables: Tables, seller: World
) -> None:
    # Given the views rebuilt from the log and bulk-loaded into a fresh table
    rebuilt, _ = rebuild(tables.event_store())
    fresh = fresh_name("views")
    create_views_table(tables.client, fresh)
    write_all(tables.client, fresh, rebuilt.items())
    fba = fba_warehouse_id(seller.connection_id, US)
    listings = {fba: ["A", "B"]}
    start, end = date(2026, 10, 15), date(2026, 12, 31)
    # When the months are asked for, live and rebuilt
    live = queries(tables).series(seller.tenant_id, listings, start, end, Granularity.MONTH)
    again = queries(tables, fresh).series(seller.tenant_id, listings, start, end, Granularity.MONTH)
    # Then both are the same: November holds every sale, cancellation and return
    assert live == again
    assert [(p.start, p.end) for p in live] == [
        (start, date(2026, 10, 31)),
        (date(2026, 11, 1), date(2026, 11, 30)),
        (date(2026, 12, 1), end),
    ]
    assert figures(live) == [(0, 0, 0, 0), (5, 1, 1, 4), (0, 0, 0, 0)]
    live_items = DynamoDBViewStore(tables.views, tables.client).items()
    assert differences(rebuilt.items(), live_items) == []


def test_a_range_over_two_years_of_days_is_refused(tables: Tables, seller: World) -> None:
    fba = fba_warehouse_id(seller.connection_id, US)
    with pytest.raises(InvalidCommand) as refused:
        queries(tables).series(
            seller.tenant_id, {fba: ["A"]}, date(2024, 1, 1), date(2026, 1, 1), Granularity.DAY
        )
    assert refused.value.field == "to"
