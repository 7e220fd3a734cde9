"""Forecasts: expected units per day from a product's daily sales at a warehouse.

Three methods (a per-product setting):
- `last_days` (default): the average daily sales over the last N days the warehouse was in
  stock; days out of stock are left out (they sold nothing because there was nothing to sell).
- `trend`: the last 6 months' monthly rates with a least-squares line through them, projected
  month by month, never below 0.
- `seasonal`: the same month last year, scaled by this year's growth (the last 12 months over
  the 12 before them); with under 12 months of history, `last_days`.

A forecast is 12 monthly rates from the month after `today`'s (the current month is the first);
a forecast edit replaces one month's units.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from fractions import Fraction

DEFAULT_DAYS = 90
TREND_MONTHS = 6
HORIZON_MONTHS = 12


class Method(StrEnum):
    LAST_DAYS = "last_days"
    TREND = "trend"
    SEASONAL = "seasonal"


@dataclass(frozen=True)
class History:
    """Net units sold per day (days absent sold nothing), the days the warehouse was out of
    stock, and the first day there is history for."""

    sold: Mapping[date, int]
    out_of_stock: frozenset[date]
    since: date

    def in_stock_days(self, first: date, last: date) -> list[date]:
        """The days the warehouse held stock: not out of stock, or it sold (a sale shows
        there was stock, whatever our ledger knew)."""
        days = []
        day = max(first, self.since)
        while day <= last:
            if day not in self.out_of_stock or self.sold.get(day):
                days.append(day)
            day += timedelta(days=1)
        return days

    def days_out_of_stock(self, first: date, last: date) -> int:
        """How many days of [first, last] with history `in_stock_days` leaves out."""
        start = max(first, self.since)
        days = (last - start).days + 1
        return max(0, days) - len(self.in_stock_days(first, last))

    def units(self, first: date, last: date) -> int:
        span = (last - first).days + 1
        if span < len(self.sold):  # look the days up, not every day sold
            return sum(self.sold.get(first + timedelta(days=n), 0) for n in range(span))
        return sum(units for day, units in self.sold.items() if first <= day <= last)


def month_start(day: date) -> date:
    return day.replace(day=1)


def add_months(day: date, months: int) -> date:
    """The first of the month `months` after `day`'s month."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def days_in(month: date) -> int:
    return (add_months(month, 1) - month).days


def last_days_rate(history: History, today: date, days: int = DEFAULT_DAYS) -> Fraction:
    """Units per day over the in-stock days among the last `days` before `today`."""
    first, last = today - timedelta(days=days), today - timedelta(days=1)
    in_stock = history.in_stock_days(first, last)
    if not in_stock:
        return Fraction(0)
    sold = sum(history.sold.get(day, 0) for day in in_stock)
    return Fraction(sold, len(in_stock))


def _monthly_rates(history: History, today: date, months: int) -> list[tuple[int, Fraction]]:
    """(month index, units per in-stock day) of the last `months` full months before today's."""
    this_month = month_start(today)
    rates = []
    for back in range(months, 0, -1):
        first = add_months(this_month, -back)
        last = add_months(first, 1) - timedelta(days=1)
        in_stock = history.in_stock_days(first, last)
        if in_stock:
            sold = sum(history.sold.get(day, 0) for day in in_stock)
            rates.append((months - back, Fraction(sold, len(in_stock))))
    return rates


def trend_rates(history: History, today: date) -> list[Fraction]:
    """Per month of the horizon: the least-squares line through the last 6 months' rates."""
    points = _monthly_rates(history, today, TREND_MONTHS)
    if len(points) < 2:
        flat = points[0][1] if points else last_days_rate(history, today)
        return [flat] * HORIZON_MONTHS
    n = len(points)
    mean_x = Fraction(sum(x for x, _ in points), n)
    mean_y = sum((y for _, y in points), Fraction(0)) / n
    spread = sum(((x - mean_x) ** 2 for x, _ in points), Fraction(0))
    slope = sum(((x - mean_x) * (y - mean_y) for x, y in points), Fraction(0)) / spread
    return [
        max(Fraction(0), mean_y + slope * (TREND_MONTHS + ahead - mean_x))
        for ahead in range(HORIZON_MONTHS)
    ]


def seasonal_rates(history: History, today: date) -> list[Fraction] | None:
    """Per month of the horizon: last year's same month, scaled by the growth of the last 12
    months over the 12 before; None with under 12 months of history."""
    this_month = month_start(today)
    if history.since > add_months(this_month, -12):
        return None
    recent = history.units(add_months(this_month, -12), this_month - timedelta(days=1))
    older = history.units(add_months(this_month, -24), add_months(this_month, -12) - timedelta(1))
    growth = Fraction(recent, older) if older else Fraction(1)
    rates = []
    for ahead in range(HORIZON_MONTHS):
        month = add_months(this_month, ahead - 12)
        last = add_months(month, 1) - timedelta(days=1)
        rates.append(Fraction(history.units(month, last), days_in(month)) * growth)
    return rates


def forecast(
    history: History,
    today: date,
    method: Method = Method.LAST_DAYS,
    days: int = DEFAULT_DAYS,
    edits: Mapping[date, int] | None = None,
) -> list[tuple[date, Fraction, bool]]:
    """(month, units in that month, edited) for the 12 months from today's."""
    if method is Method.TREND:
        rates = trend_rates(history, today)
    elif method is Method.SEASONAL:
        rates = seasonal_rates(history, today) or [last_days_rate(history, today, days)] * 12
    else:
        rates = [last_days_rate(history, today, days)] * HORIZON_MONTHS
    months = []
    for ahead, rate in enumerate(rates):
        month = add_months(today, ahead)
        edited = (edits or {}).get(month)
        units = Fraction(edited) if edited is not None else rate * days_in(month)
        months.append((month, units, edited is not None))
    return months


def units_between(months: list[tuple[date, Fraction, bool]], first: date, days: int) -> Fraction:
    """Forecast units over `days` days from `first`, each day at its month's daily rate."""
    daily = {month: units / days_in(month) for month, units, _ in months}
    beyond = daily[max(daily)] if daily else Fraction(0)  # past the horizon: its last month's
    total, day, end = Fraction(0), first, first + timedelta(days=days)
    while day < end:  # a month at a time: its rate times the days of it in the period
        following = add_months(day, 1)
        total += daily.get(month_start(day), beyond) * (min(following, end) - day).days
        day = following
    return total


def out_of_stock_days(
    moves: Iterable[tuple[datetime, str, int]], first: date, last: date
) -> frozenset[date]:
    """The days in [first, last] on which the rows summed never held a unit: the rows' on hand
    (`moves`: when, which row, its on hand after) was at most 0 when the day began and after
    every move that day. UTC days."""
    held: dict[str, int] = {}
    total = start_total = 0
    peak: dict[date, int] = {}  # the most the rows held after a move of the day
    closing: dict[date, int] = {}  # what they held after its last move
    for at, row, on_hand in sorted(moves, key=lambda move: move[0]):
        day = (at if at.tzinfo is UTC else at.astimezone(UTC)).date()
        total += on_hand - held.get(row, 0)
        held[row] = on_hand
        if day < first:
            start_total = total
        elif day <= last:
            peak[day] = max(peak.get(day, total), total)
            closing[day] = total
    out: list[date] = []
    total, day = start_total, first
    for moved in sorted(closing):  # the stretch of days without a move, then the day of one
        if total <= 0:
            out += (day + timedelta(days=n) for n in range((moved - day).days))
            if peak[moved] <= 0:
                out.append(moved)
        total, day = closing[moved], moved + timedelta(days=1)
    if total <= 0:
        out += (day + timedelta(days=n) for n in range((last - day).days + 1))
    return frozenset(out)
