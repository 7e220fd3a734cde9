"""The drift check's reads: per FBA warehouse x SKU, Amazon's latest reports (kept on the stock
row) against our ledger as of each report (`domain.stock.drift`).

Only the ledger's tail is read: the facts since the earliest report kept (and at least the
last few entries, to show them), newest first; our figures before the tail are the row's less
the tail's deltas. An FBA warehouse is never counted, but should a tail hold a count the whole
ledger is folded instead (a count replaces on hand: figures cannot be taken back past it).
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Final, Protocol

from domain.inventory import AmazonStockAdjusted
from domain.stock.drift import Drift, drifts, due_adjustment
from domain.stock.figures import ZERO, StockFigures
from domain.stock.ledger import REPORTS_KEPT, AmazonReport, LedgerFact, StockState
from functions.shared.views import keys
from functions.shared.views.items import RowKey, ViewItem
from functions.shared.views.models import Page
from functions.shared.views.rows import stock_key
from functions.shared.views.stock import amazon_stock, ledger_entries
from functions.shared.views.stock_models import AmazonStock, StockDrift
from functions.shared.views.table import Partition, ViewTable

LAST_SHOWN: Final = 3  # ledger entries and reports shown beside a drift


class LedgerRows(Protocol):
    """What reading a warehouse x SKU's row and ledger needs of the views table."""

    def get(self, key: RowKey) -> ViewItem | None: ...

    def all(self, partition: Partition, descending: bool = False) -> Iterator[ViewItem]: ...


@dataclass(frozen=True)
class Ours:
    """A warehouse x SKU as the views hold it: Amazon's latest reports (from its stock row) and
    our ledger's tail, with the figures the facts before the tail add up to."""

    reports: tuple[AmazonReport, ...]  # the latest REPORTS_KEPT, oldest first
    start: StockFigures
    facts: tuple[LedgerFact, ...]  # oldest first

    def with_unprojected(self, reports: list[AmazonReport], facts: list[LedgerFact]) -> "Ours":
        """With reports and facts the views do not hold yet (so neither do the row's figures)."""
        kept = {report.event_id: report for report in (*self.reports, *reports)}
        latest = sorted(kept.values(), key=lambda r: r.rank)[-REPORTS_KEPT:]
        known = {fact.event_id for fact in self.facts}
        missing = [fact for fact in facts if fact.event_id not in known]
        ordered = sorted((*self.facts, *missing), key=lambda f: f.position)
        return Ours(tuple(latest), self.start, tuple(ordered))


def read_ours(rows: LedgerRows, tenant_id: str, warehouse_id: str, sku: str) -> Ours:
    found = rows.get(stock_key(tenant_id, warehouse_id, sku))
    state = found.parse(StockState) if found else None
    return read_tail(rows, state, tenant_id, warehouse_id, sku)


def read_tail(
    rows: LedgerRows, state: StockState | None, tenant_id: str, warehouse_id: str, sku: str
) -> Ours:
    if state is None:
        return Ours((), ZERO, ())
    reports = state.kept_reports
    earliest = reports[0].reported_at if reports else None
    partition = Partition(keys.ledger(tenant_id, warehouse_id, sku))
    tail: list[LedgerFact] = []
    for item in rows.all(partition, descending=True):
        fact = item.parse(LedgerFact)
        if len(tail) >= LAST_SHOWN and (earliest is None or fact.at < earliest):
            break
        tail.append(fact)
    tail.reverse()
    if any(fact.count is not None for fact in tail):
        every = tuple(item.parse(LedgerFact) for item in rows.all(partition))
        return Ours(reports, ZERO, every)
    before = dict(state.figures.__dict__)
    for fact in tail:
        for name, value in fact.delta.__dict__.items():
            before[name] -= value
    return Ours(reports, StockFigures(**before), tuple(tail))


def drifts_of(ours: Ours, tolerance: int) -> list[Drift]:
    return drifts(ours.reports, ours.facts, tolerance, ours.start)


def adjustment_of(
    ours: Ours, tolerance: int, read_through: datetime | None
) -> AmazonStockAdjusted | None:
    return due_adjustment(ours.reports, ours.facts, tolerance, ours.start, read_through)


class DriftQueries:
    def __init__(self, table: ViewTable) -> None:
        self._table = table

    def drift(
        self,
        tenant_id: str,
        warehouse_id: str,
        tolerance: int,
        limit: int,
        cursor: str | None = None,
    ) -> Page[StockDrift]:
        """The drifting figures of a page of the warehouse's stock rows, in SKU order (a page
        may hold fewer items than rows: only drifting ones are shown)."""
        partition = Partition(keys.stock(tenant_id, warehouse_id))
        items, next_cursor = self._table.page(partition, limit, cursor, descending=False)
        found: list[StockDrift] = []
        for item in items:
            state = item.parse(StockState)
            if not state.kept_reports:
                continue
            ours = read_tail(self._table, state, tenant_id, warehouse_id, state.sku)
            found.extend(_shown(ours, drift) for drift in drifts_of(ours, tolerance))
        return Page[StockDrift](items=found, next_cursor=next_cursor)


def _shown(ours: Ours, drift: Drift) -> StockDrift:
    shown = ours.facts[-LAST_SHOWN:]
    before = ours.start.on_hand
    for fact in ours.facts[: len(ours.facts) - len(shown)]:
        before = fact.count if fact.count is not None else before + fact.delta.on_hand
    report = drift.latest
    last_amazon: list[AmazonStock] = [amazon_stock(r) for r in ours.reports[-LAST_SHOWN:]]
    return StockDrift(
        warehouse_id=report.warehouse_id,
        sku=report.sku,
        figure=drift.figure.value,
        ours=drift.ours,
        amazon=drift.amazon,
        difference=drift.difference,
        since=drift.since,
        reads=drift.reads,
        last_ours=ledger_entries(shown, on_hand_before=before),
        last_amazon=last_amazon,
    )
