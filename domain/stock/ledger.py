"""Stock per warehouse x SKU and its ledger: the facts, and how figures follow from them.

Every movement is a ledger fact: a delta of the figures, or a count (on hand is counted: the
count replaces it). Figures are the fold of the facts in time order, so they are the same in
whatever order the facts arrived. A stock row keeps that fold up to date:
- sums (committed, in transit, ...) add each fact's delta once: the row records, per source
  stream, the last version it applied, and a fact at or below it is a no-op;
- on hand, once the warehouse x SKU has a count, is recomputed from the ledger tail (the latest
  count and every fact after it), so a late fact dated before a count changes nothing.
Amazon's reports sit beside the figures: the row keeps the latest few, in time order, for the
drift check (`domain.stock.drift`).
"""

from collections.abc import Iterable
from datetime import UTC, datetime
from functools import cached_property

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from domain.inventory import AmazonInventoryFigures
from domain.stock.figures import ZERO, StockFigures

# Amazon's reports a stock row keeps: enough for the drift check's runs (`domain.stock.drift`).
REPORTS_KEPT = 10
AMAZON_ADJUSTMENT = "amazon_adjustment"


class LedgerFact(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)

    tenant_id: str
    warehouse_id: str
    sku: str
    at: AwareDatetime
    event_id: str
    event_type: str
    stream_id: str
    version: int
    actor: str
    shipment_id: str | None = None
    order_id: str | None = None
    transfer_order_id: str | None = None
    delta: StockFigures = ZERO
    count: int | None = None
    # AMAZON_ADJUSTMENT: on hand set to Amazon's figure, with both figures (ours before it)
    reason: str | None = None
    ours: int | None = None
    amazon: int | None = None

    @cached_property
    def position(self) -> tuple[datetime, str]:
        """Time order; the event id breaks ties, whatever the arrival order."""
        return (self.at.astimezone(UTC), self.event_id)


class AmazonReport(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)

    tenant_id: str
    warehouse_id: str
    sku: str
    figures: AmazonInventoryFigures
    reported_at: AwareDatetime
    source: str
    event_id: str

    @property
    def rank(self) -> tuple[datetime, str]:
        """The latest report wins; the event id breaks ties, whatever the arrival order."""
        return (self.reported_at.astimezone(UTC), self.event_id)


class StockState(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)

    tenant_id: str
    warehouse_id: str
    sku: str
    figures: StockFigures = ZERO
    counted: bool = False
    amazon: AmazonReport | None = None  # the latest report
    reports: tuple[AmazonReport, ...] = ()  # the latest REPORTS_KEPT, oldest first
    sources: dict[str, int] = Field(default_factory=dict)  # a factory: no deep copy of a default

    @property
    def kept_reports(self) -> tuple[AmazonReport, ...]:
        """The reports kept, oldest first (a row written before they were kept: its latest)."""
        return self.reports or ((self.amazon,) if self.amazon is not None else ())


def fold(facts: Iterable[LedgerFact]) -> StockFigures:
    """The figures the facts add up to (in time order: a count replaces on hand)."""
    figures = dict(ZERO.__dict__)  # plain ints by name: adding pydantic models is slower
    for fact in sorted(facts, key=lambda f: f.position):
        for name, value in fact.delta.__dict__.items():
            figures[name] += value
        if fact.count is not None:
            figures["on_hand"] = fact.count
    return StockFigures(**figures)


def on_hand(facts: Iterable[LedgerFact]) -> int:
    """`fold(facts).on_hand`, computed alone."""
    units = 0
    for fact in sorted(facts, key=lambda f: f.position):
        units = fact.count if fact.count is not None else units + fact.delta.on_hand
    return units


def needs_tail(state: StockState | None, fact: LedgerFact) -> bool:
    return fact.count is not None or (state is not None and state.counted)


def apply_fact(
    state: StockState | None, fact: LedgerFact, tail: list[LedgerFact] | None
) -> StockState | None:
    """The row after `fact`; None when the row already holds it. `tail` (the ledger from the
    latest count on, including `fact`) is required when `needs_tail`."""
    current = state or StockState(
        tenant_id=fact.tenant_id, warehouse_id=fact.warehouse_id, sku=fact.sku
    )
    if current.sources.get(fact.stream_id, 0) >= fact.version:
        return None
    figures = current.figures + fact.delta
    counted = needs_tail(state, fact)
    if counted:
        if tail is None:
            raise ValueError("a counted warehouse x SKU needs the ledger tail")
        figures = figures.model_copy(update={"on_hand": on_hand(tail)})
    sources = {**current.sources, fact.stream_id: fact.version}
    if len(sources) > len(current.sources):  # a new source: keep them in order
        sources = dict(sorted(sources.items()))
    return current.model_copy(update={"figures": figures, "counted": counted, "sources": sources})


def apply_report(state: StockState | None, report: AmazonReport) -> StockState | None:
    """The row with the report among its latest ones (in time order, whatever the arrival
    order); None when the row already holds it or it is older than all those kept."""
    current = state or StockState(
        tenant_id=report.tenant_id, warehouse_id=report.warehouse_id, sku=report.sku
    )
    kept = current.kept_reports
    if any(r.event_id == report.event_id for r in kept):
        return None
    reports = tuple(sorted((*kept, report), key=lambda r: r.rank))[-REPORTS_KEPT:]
    if reports == kept:
        return None
    return current.model_copy(update={"amazon": reports[-1], "reports": reports})
