"""Assertions over a whole view store: stock rows agree with their ledgers and with the log."""

from collections.abc import Sequence

from domain.event_store import RecordedEvent
from domain.stock.ledger import LedgerFact, StockState, fold
from functions.projector.ports import ViewStore
from functions.shared.views import keys
from functions.shared.views.rows import STOCK_KIND
from tests.projections.oracle import expected_amazon, expected_stock


def stock_states(views: ViewStore) -> dict[tuple[str, str], StockState]:
    states = (item.parse(StockState) for item in views.items() if item.kind == STOCK_KIND)
    return {(state.warehouse_id, state.sku): state for state in states}


def assert_stock_matches_log(views: ViewStore, log: Sequence[RecordedEvent]) -> None:
    states = stock_states(views)
    expected = expected_stock(log)
    got = {key: state.figures for key, state in states.items() if not state.figures.is_zero()}
    assert got == {key: figures for key, figures in expected.items() if not figures.is_zero()}
    amazon = {key: s.amazon.figures.fulfillable for key, s in states.items() if s.amazon}
    assert amazon == expected_amazon(log)


def assert_rows_are_their_ledgers(views: ViewStore) -> None:
    """Every figure is explained: each stock row is the fold of its ledger facts."""
    for state in stock_states(views).values():
        ledger = keys.ledger(state.tenant_id, state.warehouse_id, state.sku)
        facts = [item.parse(LedgerFact) for item in views.query(ledger)]
        assert fold(facts) == state.figures, (state.warehouse_id, state.sku)
