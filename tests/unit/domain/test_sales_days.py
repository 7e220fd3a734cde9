"""A listing's day summed over orders (`domain/sales/days.py`) and the series over periods
(`domain/sales/series.py`)."""

from datetime import date

import pytest

from domain.errors import InvalidCommand
from domain.sales.days import MAX_SOURCES, SalesDay, SalesDayFull, SalesFact, apply_sales_fact
from domain.sales.figures import SalesFigures
from domain.sales.series import MAX_DAYS, MAX_LISTINGS, Granularity, check_range, series

D1 = date(2026, 11, 1)


def fact(stream: str, version: int, **delta: int) -> SalesFact:
    return SalesFact(
        tenant_id="t1",
        warehouse_id="W",
        sku="A",
        day=D1,
        stream_id=stream,
        version=version,
        delta=SalesFigures(**delta),
    )


def test_a_day_adds_each_orders_change_once() -> None:
    # Given a day with order 1's sale applied
    row = apply_sales_fact(None, fact("o1", 1, sold=2))
    # When the same fact comes again, and then order 2's and order 1's next change
    assert row is not None
    assert apply_sales_fact(row, fact("o1", 1, sold=2)) is None
    row = apply_sales_fact(row, fact("o2", 1, sold=5))
    assert row is not None
    row = apply_sales_fact(row, fact("o1", 2, sold=-2))
    # Then the day holds every change once
    assert row is not None
    assert row.figures == SalesFigures(sold=5)
    assert row.sources == {"o1": 2, "o2": 1}
    # And an older version of order 1 changes nothing
    assert apply_sales_fact(row, fact("o1", 1, sold=2)) is None


def test_a_day_full_of_orders_refuses_another_order() -> None:
    full = SalesDay(
        tenant_id="t1",
        warehouse_id="W",
        sku="A",
        day=D1,
        sources={f"o{n}": 1 for n in range(MAX_SOURCES)},
    )
    with pytest.raises(SalesDayFull):
        apply_sales_fact(full, fact("another", 1, sold=1))
    # An order it already holds still moves it
    moved = apply_sales_fact(full, fact("o1", 2, cancelled=1))
    assert moved is not None and moved.figures.cancelled == 1


def test_a_daily_series_lists_every_day_of_the_range() -> None:
    days = [
        (date(2026, 11, 1), SalesFigures(sold=3, returned=1)),
        (date(2026, 11, 3), SalesFigures(sold=1, cancelled=2)),
        (date(2026, 11, 3), SalesFigures(sold=4)),  # another listing
        (date(2026, 11, 9), SalesFigures(sold=100)),  # outside the range
    ]
    got = series(days, date(2026, 11, 1), date(2026, 11, 3), Granularity.DAY)
    assert [(p.start, p.end, p.sold, p.cancelled, p.returned, p.net) for p in got] == [
        (date(2026, 11, 1), date(2026, 11, 1), 3, 0, 1, 2),
        (date(2026, 11, 2), date(2026, 11, 2), 0, 0, 0, 0),
        (date(2026, 11, 3), date(2026, 11, 3), 5, 2, 0, 5),
    ]


def test_a_monthly_series_clips_its_first_and_last_months_to_the_range() -> None:
    days = [
        (date(2026, 11, 20), SalesFigures(sold=1)),
        (date(2026, 12, 31), SalesFigures(sold=2)),
        (date(2027, 1, 5), SalesFigures(sold=4, returned=1)),
        (date(2027, 1, 6), SalesFigures(sold=8)),  # after the range
    ]
    got = series(days, date(2026, 11, 15), date(2027, 1, 5), Granularity.MONTH)
    assert [(p.start, p.end, p.sold, p.net) for p in got] == [
        (date(2026, 11, 15), date(2026, 11, 30), 1, 1),
        (date(2026, 12, 1), date(2026, 12, 31), 2, 2),
        (date(2027, 1, 1), date(2027, 1, 5), 4, 3),
    ]


@pytest.mark.parametrize(
    ("start", "end", "granularity", "skus", "field"),
    [
        (date(2026, 11, 2), date(2026, 11, 1), Granularity.DAY, 1, "to"),
        (date(2024, 1, 1), date(2026, 1, 1), Granularity.DAY, 1, "to"),  # 732 days
        (date(2023, 1, 1), date(2026, 1, 2), Granularity.MONTH, 1, "to"),
        (date(1969, 12, 31), date(1970, 1, 1), Granularity.DAY, 1, "from"),
        (date(2026, 1, 1), date(2026, 1, 1), Granularity.DAY, MAX_LISTINGS + 1, "listings"),
    ],
)
def test_a_series_over_the_bounds_is_refused_naming_the_field(
    start: date, end: date, granularity: Granularity, skus: int, field: str
) -> None:
    listings = {"W": [f"S{n}" for n in range(skus)]}
    with pytest.raises(InvalidCommand) as refused:
        check_range(start, end, granularity, listings)
    assert refused.value.field == field


def test_the_longest_ranges_allowed_pass() -> None:
    check_range(date(2024, 1, 1), date(2025, 12, 31), Granularity.DAY, {"W": ["A"]})
    assert (date(2025, 12, 31) - date(2024, 1, 1)).days + 1 == MAX_DAYS[Granularity.DAY]
    listings = {"W": [f"S{n}" for n in range(MAX_LISTINGS)]}
    check_range(date(2026, 1, 1), date(2026, 1, 1), Granularity.MONTH, listings)
