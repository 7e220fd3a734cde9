"""Replenishment of assemblies' components, given/when/then: which assemblies use a component
(at any depth), the units their replenishment takes of it (a two-level bill), and a
recommendation with that need added."""

from datetime import date
from fractions import Fraction

import pytest

from domain.replenishment.assembly import Component
from domain.replenishment.order import Position, recommend
from domain.replenishment.plan import assembly_needs, users_of, with_assembly_need

# a gift box = 2 mugs + 1 tea pack; a tea pack = 3 leaf bags; a kit = 2 parts
BILLS = {
    "gift-box": [Component("mug", 2), Component("tea", 1)],
    "tea": [Component("leaf-bag", 3)],
    "kit": [Component("part", 2)],
}
TODAY = date(2026, 6, 1)


def test_the_assemblies_that_use_a_component_are_found_at_every_level() -> None:
    # when / then
    assert users_of("leaf-bag", BILLS) == {"tea", "gift-box"}
    assert users_of("mug", BILLS) == {"gift-box"}
    assert users_of("gift-box", BILLS) == set()
    assert users_of("unknown", BILLS) == set()


def test_a_two_level_bill_multiplies_the_replenishment_through_its_levels() -> None:
    # given 10 gift boxes and 4 tea packs (of their own sales) to replenish
    replenishments = {"gift-box": 10, "tea": 4}

    # when
    needs = assembly_needs(replenishments, BILLS)

    # then mugs: 10 x 2; tea: 10 x 1; leaf bags: 10 x 1 x 3 + 4 x 3
    assert needs == {"mug": 20, "tea": 10, "leaf-bag": 42}


def test_nothing_to_replenish_needs_no_components() -> None:
    assert assembly_needs({"kit": 0, "gift-box": 0}, BILLS) == {}


def test_the_kit_of_the_issue_needs_thirty_parts_added_to_the_parts_own_need() -> None:
    # given a kit selling 1 a day, assembly time 5 + cycle 10, nothing there: replenish 15
    kit = recommend(Fraction(1), Position(available=0), TODAY, lead_time_days=5, days_of_stock=10)
    # and a part selling 1 a day over its own 5 + 10 days, 3 available
    part = recommend(Fraction(1), Position(available=3), TODAY, lead_time_days=5, days_of_stock=10)

    # when the kit's replenishment explodes and is added to the part's
    need = assembly_needs({"kit": kit.replenishment}, BILLS)["part"]
    with_kits = with_assembly_need(part, need, position=3, moq=1, case_pack=1)

    # then
    assert kit.replenishment == 15 and need == 30
    assert (part.replenishment, with_kits.replenishment, with_kits.to_order) == (12, 42, 42)
    assert with_kits.need == part.need == 15  # the forecast stays the part's own
    assert with_kits.replenishment_date == part.replenishment_date


def test_an_assembly_need_covered_by_stock_orders_nothing_and_rounds_to_terms() -> None:
    # given a part that sells nothing, 40 there
    part = recommend(Fraction(0), Position(available=40), TODAY, lead_time_days=5)

    # when / then 30 for assemblies: covered
    covered = with_assembly_need(part, 30, position=40)
    assert (covered.replenishment, covered.to_order) == (0, 0)
    # when / then 50 for assemblies: 10 short, ordered as the vendor's MOQ 24 in cases of 12
    short = with_assembly_need(part, 50, position=40, moq=24, case_pack=12)
    assert (short.replenishment, short.to_order) == (10, 24)
    with pytest.raises(ValueError):
        with_assembly_need(part, -1, position=40)
