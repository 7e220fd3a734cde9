"""The planning arithmetic's golden cases (issue "Planning"), given/when/then."""

from datetime import UTC, date, datetime, timedelta
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.replenishment.forecast import (
    History,
    Method,
    add_months,
    days_in,
    forecast,
    last_days_rate,
    month_start,
    out_of_stock_days,
    units_between,
)
from domain.replenishment.order import Position, recommend, round_to_terms

TODAY = date(2026, 12, 1)


def daily(first: date, days: int, units: int) -> dict[date, int]:
    return {first + timedelta(days=n): units for n in range(days)}


def test_two_a_day_lead_time_14_days_of_stock_30_available_20_on_order_10_needs_58() -> None:
    # Given 2 units a day, lead time 14 + 30 days of stock, 20 available and 10 on order
    position = Position(available=20, on_order=10)

    # When the replenishment is computed, with and without the vendor's MOQ 50 and case pack 12
    plain = recommend(Fraction(2), position, TODAY, lead_time_days=14, days_of_stock=30)
    terms = recommend(
        Fraction(2), position, TODAY, lead_time_days=14, days_of_stock=30, moq=50, case_pack=12
    )

    # Then 88 are needed, 58 replenish, and the vendor's terms make it 60
    assert (plain.need, plain.replenishment, plain.to_order) == (88, 58, 58)
    assert (terms.replenishment, terms.to_order) == (58, 60)


def test_out_of_stock_days_are_left_out_of_the_velocity() -> None:
    # Given 90 days: 60 in stock selling 2 a day, then 30 out of stock selling nothing
    first = TODAY - timedelta(days=90)
    history = History(
        sold=daily(first, 60, 2),
        out_of_stock=frozenset(first + timedelta(days=60 + n) for n in range(30)),
        since=first,
    )

    # Then the velocity is 2 a day, not 120 / 90
    assert last_days_rate(history, TODAY) == 2


def test_a_product_with_no_sales_needs_nothing_and_has_no_date() -> None:
    history = History(sold={}, out_of_stock=frozenset(), since=TODAY - timedelta(days=400))

    rate = last_days_rate(history, TODAY)
    result = recommend(rate, Position(available=5), TODAY, lead_time_days=14)

    assert rate == 0
    assert (result.replenishment, result.to_order) == (0, 0)
    assert (result.replenishment_date, result.days_of_stock_left) == (None, None)


def test_the_replenishment_date_is_the_last_day_before_stock_runs_below_lead_time_need() -> None:
    # 100 units at 2 a day last 50 days; the lead time needs 14 of them: order within 36 days
    result = recommend(Fraction(2), Position(available=60, in_transit=40), TODAY, 14)

    assert result.replenishment_date == TODAY + timedelta(days=36)
    assert result.days_of_stock_left == 30  # the 60 available only
    overdue = recommend(Fraction(2), Position(available=10), TODAY, 14)
    assert overdue.replenishment_date == TODAY


def test_vendor_terms_round_up_to_the_moq_and_whole_cases() -> None:
    assert round_to_terms(0, moq=50, case_pack=12) == 0
    assert round_to_terms(1, moq=50, case_pack=12) == 60
    assert round_to_terms(61, moq=50, case_pack=12) == 72
    assert round_to_terms(7) == 7


def test_planning_bounds_are_refused() -> None:
    with pytest.raises(ValueError):
        recommend(Fraction(1), Position(available=0), TODAY, lead_time_days=-1)
    with pytest.raises(ValueError):
        recommend(Fraction(1), Position(available=0), TODAY, lead_time_days=366)
    with pytest.raises(ValueError):
        recommend(Fraction(1), Position(available=0), TODAY, 14, days_of_stock=0)


def test_a_trend_follows_the_last_six_months_and_never_goes_below_zero() -> None:
    # Given six months selling 1, 2, ... 6 a day
    sold: dict[date, int] = {}
    for back in range(6, 0, -1):
        month = add_months(TODAY, -back)
        days = (add_months(month, 1) - month).days
        sold |= daily(month, days, 7 - back)
    rising = History(sold=sold, out_of_stock=frozenset(), since=add_months(TODAY, -6))
    falling = History(
        sold={day: max(0, 12 - units * 2) for day, units in sold.items()},
        out_of_stock=frozenset(),
        since=rising.since,
    )

    months = forecast(rising, TODAY, Method.TREND)
    down = forecast(falling, TODAY, Method.TREND)

    assert months[0][1] == 7 * 31  # December at 7 a day
    assert months[1][1] == 8 * 31  # January at 8 a day
    assert all(units == 0 for _, units, _ in down[2:])


def test_seasonal_scales_last_years_month_by_this_years_growth() -> None:
    # Given two years: the older year sold 1 a day, the last year 2 a day, last December 5 a day
    first = add_months(TODAY, -24)
    sold = daily(first, (add_months(TODAY, -12) - first).days, 1)
    last_year = add_months(TODAY, -12)
    sold |= daily(last_year, (TODAY - last_year).days, 2)
    sold |= daily(last_year, 31, 5)
    history = History(sold=sold, out_of_stock=frozenset(), since=first)

    december = forecast(history, TODAY, Method.SEASONAL)[0]

    recent = 31 * 5 + (TODAY - last_year).days * 2 - 31 * 2
    older = (add_months(TODAY, -12) - first).days
    assert december[1] == Fraction(31 * 5) * Fraction(recent, older)


def test_seasonal_falls_back_to_last_days_under_twelve_months() -> None:
    history = History(
        sold=daily(TODAY - timedelta(days=90), 90, 3),
        out_of_stock=frozenset(),
        since=TODAY - timedelta(days=90),
    )

    assert forecast(history, TODAY, Method.SEASONAL) == forecast(history, TODAY, Method.LAST_DAYS)


def test_an_edit_replaces_one_months_units_and_says_so() -> None:
    history = History(
        sold=daily(TODAY - timedelta(days=90), 90, 1),
        out_of_stock=frozenset(),
        since=TODAY - timedelta(days=90),
    )
    january = add_months(TODAY, 1)

    months = forecast(history, TODAY, edits={january: 500})

    assert months[1] == (january, Fraction(500), True)
    assert months[0] == (date(2026, 12, 1), Fraction(31), False)
    # 31 days of December at 1 a day, then 13 of January at 500 / 31
    assert units_between(months, TODAY, 44) == 31 + Fraction(500 * 13, 31)


def test_a_day_is_out_of_stock_only_when_no_unit_was_held_all_day() -> None:
    def at(day: int, hour: int) -> datetime:
        return datetime(2026, 11, day, hour, tzinfo=UTC)

    moves = [
        (at(1, 9), "fba#A", 3),  # in stock from the 1st
        (at(3, 10), "fba#A", 0),  # sold out on the 3rd (in stock that morning)
        (at(5, 8), "fba#B", 2),  # another listing's row: back in stock on the 5th
        (at(5, 20), "fba#B", 0),
    ]

    out = out_of_stock_days(moves, date(2026, 11, 1), date(2026, 11, 7))

    assert sorted(out) == [date(2026, 11, 4), date(2026, 11, 6), date(2026, 11, 7)]
    assert out_of_stock_days([], date(2026, 11, 1), date(2026, 11, 2)) == {
        date(2026, 11, 1),
        date(2026, 11, 2),
    }


def test_a_day_with_sales_counts_as_in_stock_whatever_the_ledger_knew() -> None:
    first = TODAY - timedelta(days=90)
    history = History(
        sold={TODAY - timedelta(days=3): 4, TODAY - timedelta(days=2): 2},
        out_of_stock=frozenset(first + timedelta(days=n) for n in range(90)),
        since=first,
    )

    assert last_days_rate(history, TODAY) == 3


def _out_of_stock_days_day_by_day(
    moves: list[tuple[datetime, str, int]], first: date, last: date
) -> set[date]:
    """The rule read literally (the oracle): each day, the rows' total when it began and after
    each of its moves."""
    out = set()
    day = first
    while day <= last:
        began = {}
        during: list[int] = []
        for at, row, on_hand in sorted(moves, key=lambda move: move[0]):
            if at.date() < day:
                began[row] = on_hand
        held = dict(began)
        for at, row, on_hand in sorted(moves, key=lambda move: move[0]):
            if at.date() == day:
                held[row] = on_hand
                during.append(sum(held.values()))
        if sum(began.values()) <= 0 and all(total <= 0 for total in during):
            out.add(day)
        day += timedelta(days=1)
    return out


@given(
    st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=20 * 24),  # hours from the window's start - 2 days
            st.sampled_from(["a", "b"]),
            st.integers(min_value=-2, max_value=3),
        ),
        max_size=12,
    )
)
def test_out_of_stock_days_follow_the_rule_day_by_day(
    raw: list[tuple[int, str, int]],
) -> None:
    first, last = date(2026, 11, 3), date(2026, 11, 15)
    origin = datetime(2026, 11, 1, tzinfo=UTC)
    moves = [(origin + timedelta(hours=h), row, on_hand) for h, row, on_hand in raw]
    assert out_of_stock_days(moves, first, last) == _out_of_stock_days_day_by_day(
        moves, first, last
    )


@given(
    st.dictionaries(st.integers(0, 60), st.integers(0, 9), max_size=40),
    st.integers(0, 60),
    st.integers(-1, 60),
)
def test_units_sold_between_two_days_are_the_days_summed(
    raw: dict[int, int], start: int, span: int
) -> None:
    origin = date(2026, 1, 1)
    history = History(
        sold={origin + timedelta(days=d): u for d, u in raw.items()},
        out_of_stock=frozenset(),
        since=origin,
    )
    first, last = origin + timedelta(days=start), origin + timedelta(days=start + span)
    assert history.units(first, last) == sum(
        u for d, u in raw.items() if first <= origin + timedelta(days=d) <= last
    )


@given(
    st.lists(st.integers(0, 900), min_size=12, max_size=12),
    st.integers(0, 40),
    st.integers(0, 500),
)
def test_units_over_a_period_are_each_days_rate_summed(
    monthly: list[int], offset: int, days: int
) -> None:
    months = [(add_months(TODAY, n), Fraction(units), False) for n, units in enumerate(monthly)]
    first = TODAY + timedelta(days=offset)
    daily = {month: units / days_in(month) for month, units, _ in months}
    expected = sum(
        (daily.get(month_start(first + timedelta(days=n)), daily[max(daily)]) for n in range(days)),
        Fraction(0),
    )
    assert units_between(months, first, days) == expected
