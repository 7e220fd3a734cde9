"""Drift: where our ledger's figures and Amazon's own differ, since when, and when on hand
follows Amazon.

Amazon's on hand is its total less inbound: fulfillable + reserved + unfulfillable +
researching; ours is the ledger's on hand at the FBA warehouse x SKU. Inbound compares our in
transit + receiving with Amazon's inbound shipped + receiving (never adjusted: shipments
explain it). Each report is compared with our ledger folded as of the report's time, so a
difference is never an artefact of when the report or our events arrived: the same facts give
the same drift, whatever order they came in.

A figure drifts while the latest reports differ beyond the tolerance: the trailing run of such
reports gives `since` (its first report) and `reads` (its length). An on-hand difference that
stayed the same for `ADJUST_AFTER_READS` reports in a row is no timing effect (our events did
not close it): it is booked as an `AmazonStockAdjusted` at the latest report, with both figures.

Amazon's figures move with a sale at once; its order report lists the sale later. So an
adjustment is decided only on reports our reads of the orders cover (`read_through`: every
order up to then is recorded): a later report may differ by a sale we have not read yet.
"""

from collections.abc import Iterable, Sequence
from enum import StrEnum
from typing import Final

from pydantic import AwareDatetime, BaseModel, ConfigDict

from domain.inventory import AmazonInventoryFigures, AmazonStockAdjusted
from domain.stock.figures import ZERO, StockFigures
from domain.stock.ledger import AMAZON_ADJUSTMENT, AmazonReport, LedgerFact

# Past two reads: a third report showing the same difference settles it.
ADJUST_AFTER_READS: Final = 3


class Figure(StrEnum):
    ON_HAND = "on_hand"
    INBOUND = "inbound"


def amazon_figure(figure: Figure, figures: AmazonInventoryFigures) -> int:
    if figure is Figure.ON_HAND:
        return figures.fulfillable + figures.reserved + figures.unfulfillable + figures.researching
    return figures.inbound_shipped + figures.inbound_receiving


def our_figure(figure: Figure, figures: StockFigures) -> int:
    if figure is Figure.ON_HAND:
        return figures.on_hand
    return figures.in_transit + figures.receiving


class Read(BaseModel):
    """One report against our ledger as of its time."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    report: AmazonReport
    ours: StockFigures


class Drift(BaseModel):
    """A figure that differs beyond the tolerance in the latest reports."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    figure: Figure
    ours: int  # as of the latest report
    amazon: int
    since: AwareDatetime  # the first report of the run
    reads: int  # the reports of the run
    settled_reads: int  # the trailing reports of the run showing the very same difference
    latest: AmazonReport

    @property
    def difference(self) -> int:
        return self.amazon - self.ours

    @property
    def persisted(self) -> bool:
        """Past two reads with the same difference: our events did not close it."""
        return self.settled_reads >= ADJUST_AFTER_READS


def reads(
    reports: Iterable[AmazonReport], facts: Iterable[LedgerFact], start: StockFigures = ZERO
) -> list[Read]:
    """Each report (once, in time order) with our figures as of its time: `start` (what the
    facts before those given add up to) and every fact at or before the report."""
    unique = {report.event_id: report for report in reports}
    ordered_facts = sorted({f.event_id: f for f in facts}.values(), key=lambda f: f.position)
    figures = dict(start.__dict__)
    found: list[Read] = []
    index = 0
    for report in sorted(unique.values(), key=lambda r: r.rank):
        while index < len(ordered_facts) and ordered_facts[index].at <= report.reported_at:
            fact = ordered_facts[index]
            for name, value in fact.delta.__dict__.items():
                figures[name] += value
            if fact.count is not None:
                figures["on_hand"] = fact.count
            index += 1
        found.append(Read(report=report, ours=StockFigures(**figures)))
    return found


def drift_of(figure: Figure, history: Sequence[Read], tolerance: int) -> Drift | None:
    """The figure's trailing run of reads beyond the tolerance; None when the latest is within."""
    run: list[tuple[Read, int]] = []
    for read in reversed(history):
        difference = amazon_figure(figure, read.report.figures) - our_figure(figure, read.ours)
        if abs(difference) <= tolerance:
            break
        run.append((read, difference))
    if not run:
        return None
    latest, difference = run[0]
    settled = 0
    while settled < len(run) and run[settled][1] == difference:
        settled += 1
    return Drift(
        figure=figure,
        ours=our_figure(figure, latest.ours),
        amazon=amazon_figure(figure, latest.report.figures),
        since=run[-1][0].report.reported_at,
        reads=len(run),
        settled_reads=settled,
        latest=latest.report,
    )


def drifts(
    reports: Iterable[AmazonReport],
    facts: Iterable[LedgerFact],
    tolerance: int,
    start: StockFigures = ZERO,
) -> list[Drift]:
    """The figures of one warehouse x SKU that drift, on hand first."""
    history = reads(reports, facts, start)
    found = (drift_of(figure, history, tolerance) for figure in Figure)
    return [drift for drift in found if drift is not None]


def due_adjustment(
    reports: Iterable[AmazonReport],
    facts: Iterable[LedgerFact],
    tolerance: int,
    start: StockFigures = ZERO,
    read_through: AwareDatetime | None = None,
) -> AmazonStockAdjusted | None:
    """The adjustment the reports call for, deciding on those at or before `read_through` only
    (None: no sales read recorded yet, every report counts)."""
    covered = [r for r in reports if read_through is None or r.reported_at <= read_through]
    drift = drift_of(Figure.ON_HAND, reads(covered, facts, start), tolerance)
    return adjustment(drift) if drift is not None else None


def adjustment(drift: Drift) -> AmazonStockAdjusted | None:
    """The adjustment a persisted on-hand drift calls for (None: not one)."""
    if drift.figure is not Figure.ON_HAND or not drift.persisted:
        return None
    report = drift.latest
    return AmazonStockAdjusted(
        warehouse_id=report.warehouse_id,
        sku=report.sku,
        ours=drift.ours,
        amazon=drift.amazon,
        difference=drift.difference,
        report_event_id=report.event_id,
        reported_at=report.reported_at,
        since=drift.since,
        reads=drift.reads,
    )


def adjustment_fact(
    event: AmazonStockAdjusted,
    *,
    tenant_id: str,
    event_id: str,
    stream_id: str,
    version: int,
    actor: str,
) -> LedgerFact:
    """The ledger fact of an adjustment: on hand moves by the difference at the report's time."""
    return LedgerFact(
        tenant_id=tenant_id,
        warehouse_id=event.warehouse_id,
        sku=event.sku,
        at=event.reported_at,
        event_id=event_id,
        event_type=event.type,
        stream_id=stream_id,
        version=version,
        actor=actor,
        delta=StockFigures(on_hand=event.difference),
        reason=AMAZON_ADJUSTMENT,
        ours=event.ours,
        amazon=event.amazon,
    )
