"""Replenishment of assemblies and of their components.

An assembly is made, not bought: its planning period is its assembly time (the product's lead
time) + its cycle (its days of stock), and what to make is not rounded to any vendor's terms.
What the assemblies will be made of is a need of their components: the assemblies'
replenishment exploded through their bills, every level down (`assembly.explode`), added to
each component's own. The need explodes through an intermediate assembly without netting its
stock (a gross requirement).
"""

from collections.abc import Mapping, Sequence

from domain.replenishment.assembly import MAX_DEPTH, Component, explode
from domain.replenishment.order import Recommendation, round_to_terms

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
