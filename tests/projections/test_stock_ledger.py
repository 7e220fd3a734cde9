"""Stock rows and the ledger: figures are the time-ordered fold of facts, whatever the order
in which the facts arrived, and every fact counts once."""

import random
from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.inventory import AmazonInventoryFigures
from domain.stock import StockFigures
from domain.stock.ledger import (
    AmazonReport,
    LedgerFact,
    StockState,
    apply_fact,
    apply_report,
    fold,
    needs_tail,
)
from functions.shared.views.stock import ledger_entries
from tests.projections.world import T0


def a_fact(
    minute: int, source: str, version: int, *, count: int | None = None, **delta: int
) -> LedgerFact:
    return LedgerFact(
        tenant_id="t1",
        warehouse_id="wh",
        sku="A",
        at=T0 + timedelta(minutes=minute),
        event_id=f"e-{source}-{version}",
        event_type="StockCounted" if count is not None else "SalesOrderShipped",
        stream_id=source,
        version=version,
        actor="user:alice",
        delta=StockFigures(**delta),
        count=count,
    )


def project(facts: list[LedgerFact]) -> StockState | None:
    """Apply facts in the given order as the writer does: ledger first, then the row."""
    ledger: list[LedgerFact] = []
    state: StockState | None = None
    for fact in facts:
        ledger.append(fact)
        tail = sorted(ledger, key=lambda f: f.position) if needs_tail(state, fact) else None
        state = apply_fact(state, fact, tail) or state
    return state


def test_a_count_replaces_on_hand_and_its_entry_shows_count_minus_what_was_there() -> None:
    facts = [a_fact(0, "so1", 1, on_hand=-4), a_fact(10, "wh", 1, count=20)]
    state = project(facts)
    assert state is not None and state.figures.on_hand == 20
    entries = ledger_entries(facts)
    assert [(e.on_hand, e.on_hand_after) for e in entries] == [(-4, -4), (24, 20)]


def test_a_movement_dated_before_the_latest_count_changes_nothing_even_if_it_arrives_later() -> (
    None
):
    count, early = a_fact(10, "wh", 1, count=20), a_fact(5, "so1", 1, on_hand=-4, committed=-4)
    state = project([count, early])
    assert state is not None
    assert (state.figures.on_hand, state.figures.committed) == (20, -4)


def test_a_fact_already_applied_for_its_source_version_is_a_no_op() -> None:
    fact = a_fact(0, "po1", 3, on_order=5)
    state = apply_fact(None, fact, None)
    assert state is not None and state.sources == {"po1": 3}
    assert apply_fact(state, fact, None) is None
    assert apply_fact(state, a_fact(0, "po1", 2, on_order=5), None) is None


facts_of_many_sources = st.lists(
    st.tuples(
        st.integers(0, 100), st.sampled_from(["so1", "so2", "po1", "wh"]), st.integers(-9, 9)
    ),
    min_size=1,
    max_size=25,
)


@settings(max_examples=150, deadline=None)
@given(facts_of_many_sources, st.randoms(use_true_random=False))
def test_facts_of_many_sources_sum_to_the_same_row_in_any_arrival_order(
    raw: list[tuple[int, str, int]], rng: random.Random
) -> None:
    # Given facts of several sources, counts among them, each source numbered in order
    versions: dict[str, int] = {}
    facts = []
    for minute, source, quantity in raw:
        versions[source] = versions.get(source, 0) + 1
        if source == "wh":
            facts.append(a_fact(minute, source, versions[source], count=abs(quantity)))
        else:
            facts.append(a_fact(minute, source, versions[source], on_hand=quantity, committed=1))
    # When they arrive in any order across sources (in order within each), some twice
    shuffled = rng.sample(facts, len(facts))
    by_source: dict[str, list[LedgerFact]] = {}
    for fact in facts:
        by_source.setdefault(fact.stream_id, []).append(fact)
    order = [by_source[f.stream_id].pop(0) for f in shuffled]
    delivered = order + rng.sample(order, k=len(order) // 3)
    state = project(delivered)
    # Then the row is the time-ordered fold of the facts, each counted once
    assert state is not None and state.figures == fold(facts)


def test_the_latest_amazon_report_wins_whatever_the_arrival_order() -> None:
    def report(minute: int, fulfillable: int) -> AmazonReport:
        return AmazonReport(
            tenant_id="t1",
            warehouse_id="fba",
            sku="A",
            figures=AmazonInventoryFigures(fulfillable=fulfillable),
            reported_at=T0 + timedelta(minutes=minute),
            source="summaries",
            event_id=f"r{minute}",
        )

    late, early = report(20, 5), report(10, 9)
    state = apply_report(apply_report(None, late), early)
    assert state is not None and state.amazon == late  # the latest still shows
    assert state.reports == (early, late)  # both kept for the drift check, in time order
    assert apply_report(state, early) is None  # a redelivered report changes nothing
    current = apply_report(apply_report(None, early), late)
    assert current == state


def test_stock_as_of_an_instant_folds_only_the_facts_up_to_it() -> None:
    facts = [
        a_fact(0, "wh", 1, count=10),
        a_fact(5, "so1", 1, on_hand=-3),
        a_fact(9, "wh", 2, count=4),
    ]
    assert fold(f for f in facts if f.at <= T0 + timedelta(minutes=6)).on_hand == 7
    assert fold(facts).on_hand == 4
