"""The writer's listing-day sales rows (`domain/sales/days.py`), kept like its stock rows
(`rev_rows.py`). The writer loads this module with the first batch that has a sales fact, so a
shipment's or an order's batch never loads the sales code."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import partial

from domain.sales.days import SalesDay, SalesFact, apply_sales_fact
from functions.projector.ports import ViewStore
from functions.projector.rev_rows import RevRows
from functions.projector.writer import Call, chunks
from functions.shared.projections.changes import ViewChanges
from functions.shared.views.sales_rows import sales_day_item, sales_day_key

Day = tuple[str, str, str, date]  # a sales row's tenant, warehouse, SKU and day
StoredDay = tuple[int, SalesDay]
Facts = dict[Day, list[tuple[int, SalesFact]]]  # by row, each with the index of its stream


class SalesRows:
    def __init__(self, store: ViewStore, cached_rows: int) -> None:
        self._days: RevRows[Day, SalesDay] = RevRows(
            store, cached_rows, lambda day: sales_day_key(*day), sales_day_item, SalesDay
        )

    def batch(self, batch: Sequence[ViewChanges]) -> "SalesBatch":
        """The batch's sales facts by row, and the rows already in memory."""
        facts: Facts = {}
        for index, changes in enumerate(batch):
            for fact in changes.sales:
                day = (fact.tenant_id, fact.warehouse_id, fact.sku, fact.day)
                facts.setdefault(day, []).append((index, fact))
        return SalesBatch(self, facts, {day: self._days.known(day) for day in facts})

    def read(self, days: list[Day], known: dict[Day, StoredDay | None]) -> None:
        known.update(self._days.read(days))

    def update(self, day: Day, facts: Sequence[SalesFact], stored: StoredDay | None) -> None:
        def apply(row: StoredDay | None, reread: bool) -> SalesDay | None:
            updated = row[1] if row else None
            for fact in facts:
                updated = apply_sales_fact(updated, fact) or updated
            return updated

        self._days.update(day, stored, apply)


@dataclass(frozen=True)
class SalesBatch:
    """One batch's sales rows: its reads (round 1) and updates (round 3), as the writer's
    calls with the streams each serves."""

    rows: SalesRows
    facts: Facts
    known: dict[Day, StoredDay | None]  # filled in by the reads

    def reads(self) -> list[Call]:
        """Batch reads of the sales rows not in memory."""
        unknown = [day for day, stored in self.known.items() if stored is None]
        return [
            (
                partial(self.rows.read, days, self.known),
                {i for day in days for i, _ in self.facts[day]},
            )
            for days in chunks(unknown)
        ]

    def updates(self, failed: dict[int, Exception]) -> list[Call]:
        """Each sales row's update with the facts of the streams still standing."""
        updates: list[Call] = []
        for day, facts in self.facts.items():
            live = [fact for index, fact in facts if index not in failed]
            if live:
                update = partial(self.rows.update, day, live, self.known[day])
                updates.append((update, {index for index, _ in facts}))
        return updates
