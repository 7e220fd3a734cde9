"""What to order: replenishment, the quantity rounded to the vendor's terms, when to order, and
how long the stock lasts.

Planning period = lead time + days of stock. Replenishment = the forecast over the planning
period less what is there or coming (available + on order + in transit, less what "ignore
unreceived" leaves out), never below 0. `to_order` is at least the MOQ and a whole number of
cases. The replenishment date is the last day to order before the stock runs below what the
lead time needs.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction
from math import ceil, floor

MAX_LEAD_TIME_DAYS = 365
MAX_DAYS_OF_STOCK = 365
DEFAULT_DAYS_OF_STOCK = 30


@dataclass(frozen=True)
class Position:
    available: int
    on_order: int = 0
    in_transit: int = 0

    @property
    def total(self) -> int:
        return self.available + self.on_order + self.in_transit


@dataclass(frozen=True)
class Recommendation:
    need: int  # forecast units over the planning period, rounded up
    replenishment: int
    to_order: int
    replenishment_date: date | None  # None: nothing sells, no date
    days_of_stock_left: int | None  # None: nothing sells, it lasts


def round_to_terms(units: int, moq: int = 1, case_pack: int = 1) -> int:
    """At least the MOQ, in whole cases; nothing when nothing is needed."""
    if units <= 0:
        return 0
    return ceil(max(units, moq) / case_pack) * case_pack


def recommend(
    daily_rate: Fraction,
    position: Position,
    today: date,
    lead_time_days: int,
    days_of_stock: int = DEFAULT_DAYS_OF_STOCK,
    moq: int = 1,
    case_pack: int = 1,
    need_over_period: Fraction | None = None,
) -> Recommendation:
    """`need_over_period`: the forecast over the planning period when it is not a flat
    `daily_rate` (a forecast that changes month by month)."""
    if not 0 <= lead_time_days <= MAX_LEAD_TIME_DAYS:
        raise ValueError(f"lead time must be 0-{MAX_LEAD_TIME_DAYS} days")
    if not 1 <= days_of_stock <= MAX_DAYS_OF_STOCK:
        raise ValueError(f"days of stock must be 1-{MAX_DAYS_OF_STOCK}")
    period = lead_time_days + days_of_stock
    need = ceil(need_over_period if need_over_period is not None else daily_rate * period)
    replenishment = max(0, need - position.total)
    if daily_rate <= 0:
        return Recommendation(
            need, replenishment, round_to_terms(replenishment, moq, case_pack), None, None
        )
    lasts = Fraction(position.total) / daily_rate - lead_time_days
    order_by = today + timedelta(days=max(0, floor(lasts)))
    return Recommendation(
        need=need,
        replenishment=replenishment,
        to_order=round_to_terms(replenishment, moq, case_pack),
        replenishment_date=order_by,
        days_of_stock_left=floor(Fraction(max(position.available, 0)) / daily_rate),
    )
