"""Replenishment of assemblies and of their components.

An assembly is made, not bought: its planning period is its assembly time (the product's lead
time) + its cycle (its days of stock), and what to make is not rounded to any vendor's terms.
What the assemblies will be made of is a need of their components: the assemblies'
replenishment exploded through their bills, every level down (`assembly.explode`), added to
each component's own. The need explodes through an intermediate assembly without netting its
stock (a gross requirement).
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from domain.products.product import Planning
from domain.replenishment.assembly import MAX_DEPTH, Component, explode
from domain.replenishment.forecast import History, forecast, units_between
from domain.replenishment.order import Position, Recommendation, recommend, round_to_terms

Bills = Mapping[str, Sequence[Component]]  # each assembly's components, by product id


def users_of(product_id: str, bills: Bills) -> set[str]:
    """The assemblies that contain `product_id`, directly or at any depth (at most MAX_DEPTH
    levels up)."""
    parents: dict[str, set[str]] = {}
    for assembly, components in bills.items():
        for component in components:
            parents.setdefault(component.product_id, set()).add(assembly)
    found: set[str] = set()
    level = {product_id}
    for _ in range(MAX_DEPTH):
        level = {p for child in level for p in parents.get(child, ())} - found
        if not level:
            break
        found |= level
    found.discard(product_id)
    return found


def assembly_needs(replenishments: Mapping[str, int], bills: Bills) -> dict[str, int]:
    """The units of each component (every level down) that the assemblies' replenishment will
    consume: each assembly's replenishment x its bill quantity, multiplied through the levels."""
    return explode(replenishments, lambda product_id: bills.get(product_id, ()))


def with_assembly_need(
    advice: Recommendation, assembly_need: int, position: int, moq: int = 1, case_pack: int = 1
) -> Recommendation:
    """A product's recommendation with what assemblies will take of it added to its forecast
    need: replenishment = max(0, need + assembly_need - position), `position` being available
    + incoming; `to_order` rounded to the terms again. The date and days of stock left stay
    those of its own sales."""
    if assembly_need < 0:
        raise ValueError("an assembly need is never negative")
    replenishment = max(0, advice.need + assembly_need - position)
    return Recommendation(
        need=advice.need,
        replenishment=replenishment,
        to_order=round_to_terms(replenishment, moq, case_pack),
        replenishment_date=advice.replenishment_date,
        days_of_stock_left=advice.days_of_stock_left,
    )


@dataclass(frozen=True)
class Terms:
    lead_time_days: int
    moq: int = 1
    case_pack: int = 1


@dataclass(frozen=True)
class Stock:
    on_hand: int = 0
    committed: int = 0
    on_order: int = 0
    in_transit: int = 0  # and receiving
    incoming: int = 0  # for planning: less what "ignore unreceived" leaves out

    @property
    def available(self) -> int:
        return self.on_hand - self.committed


def advise(
    history: History,
    planning: Planning,
    edits: Mapping[date, int],
    terms: Terms,
    stock: Stock,
    today: date,
) -> tuple[Recommendation, Fraction]:
    """What to order, from a product's history at a warehouse, and the forecast units per day
    over the planning period: the forecast by the product's method, its edits included, summed
    over the planning period from today. The API and the benchmark
    (`bench/bench_replenishment.py`) both compute it here."""
    months = forecast(history, today, planning.forecast_method, planning.forecast_days, edits)
    period = terms.lead_time_days + planning.days_of_stock
    need = units_between(months, today, period)
    rate = need / period
    advice = recommend(
        daily_rate=rate,
        position=Position(available=stock.available, on_order=stock.incoming),
        today=today,
        lead_time_days=terms.lead_time_days,
        days_of_stock=planning.days_of_stock,
        moq=terms.moq,
        case_pack=terms.case_pack,
        need_over_period=need,
    )
    return advice, rate
