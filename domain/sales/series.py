"""Sales over time: listing-days summed into days or months, over a bounded range.

Every period of the range is in the series (zeros where nothing sold), each with its first and
last day (a month clipped to the range), so a chart needs no gap filling. The range is bounded
so that a request reads a bounded number of rows: at most MAX_DAYS[granularity] days, for at
most MAX_LISTINGS listings.
"""

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from enum import StrEnum
from typing import Final

from pydantic import BaseModel, ConfigDict

from domain.errors import InvalidCommand
from domain.sales.figures import NO_SALES, SalesFigures


class Granularity(StrEnum):
    DAY = "day"
    MONTH = "month"


MAX_DAYS: Final = {Granularity.DAY: 731, Granularity.MONTH: 1_096}  # two and three years
MAX_LISTINGS: Final = 100  # warehouse x SKU pairs one series sums over
FIRST_DAY: Final = date(1970, 1, 1)  # the instants the API accepts (docs/architecture.md)
LAST_DAY: Final = date(2999, 12, 31)


class SalesPeriod(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)

    start: date
    end: date  # inclusive
    sold: int
    cancelled: int
    returned: int
    net: int  # sold - returned (cancelled units are not in sold)


def check_range(
    start: date, end: date, granularity: Granularity, listings: Mapping[str, Sequence[str]]
) -> None:
    """Refuse a series that would read too much, naming the part of the request at fault."""
    for name, day in (("from", start), ("to", end)):
        if not FIRST_DAY <= day <= LAST_DAY:
            raise InvalidCommand(f"{name} ({day}) is outside {FIRST_DAY} to {LAST_DAY}", field=name)
    if end < start:
        raise InvalidCommand(f"to ({end}) is before from ({start})", field="to")
    days = (end - start).days + 1
    if days > MAX_DAYS[granularity]:
        raise InvalidCommand(
            f"{days} days by {granularity}: at most {MAX_DAYS[granularity]}", field="to"
        )
    pairs = sum(len(set(skus)) for skus in listings.values())
    if pairs > MAX_LISTINGS:
        raise InvalidCommand(f"{pairs} listings: at most {MAX_LISTINGS}", field="listings")


def period_start(day: date, granularity: Granularity) -> date:
    return day if granularity is Granularity.DAY else day.replace(day=1)


def series(
    days: Iterable[tuple[date, SalesFigures]], start: date, end: date, granularity: Granularity
) -> list[SalesPeriod]:
    """The figures of the days within [start, end], summed per period, every period listed."""
    totals: dict[date, SalesFigures] = {}
    for day, figures in days:
        if start <= day <= end:
            key = period_start(day, granularity)
            totals[key] = totals.get(key, NO_SALES) + figures
    periods = []
    first = start
    while first <= end:
        following = _next_period(first, granularity)
        last = min(following - timedelta(days=1), end)
        figures = totals.get(period_start(first, granularity), NO_SALES)
        periods.append(SalesPeriod(start=first, end=last, **figures.model_dump(), net=figures.net))
        first = following
    return periods


def _next_period(day: date, granularity: Granularity) -> date:
    if granularity is Granularity.DAY:
        return day + timedelta(days=1)
    month = day.replace(day=1)
    return (
        month.replace(year=month.year + 1, month=1)
        if month.month == 12
        else month.replace(month=month.month + 1)
    )
