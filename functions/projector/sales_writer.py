"""The writer's listing-day sales rows (`domain/sales/days.py`), kept like its stock rows:
read-modify-write under `rev`, per source stream its last version, in memory once read or
written. The writer loads this module with the first batch that has a sales fact, so a
shipment's or an order's batch never loads the sales code."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import partial

from domain.sales.days import SalesDay, SalesFact, apply_sales_fact
from functions.projector.lru import Lru
from functions.projector.ports import ViewStore
from functions.projector.writer import MAX_ROW_ATTEMPTS, Call, StockRowContention, chunks
from functions.shared.projections.changes import ViewChanges
from functions.shared.views.items import ViewItem
from functions.shared.views.sales_rows import sales_day_item, sales_day_key

Day = tuple[str, str, str, date]  # a sales row's tenant, warehouse, SKU and day
StoredDay = tuple[int, SalesDay]
Facts = dict[Day, list[tuple[int, SalesFact]]]  # by row, each with the index of its stream


class SalesRows:
    def __init__(self, store: ViewStore, cached_rows: int) -> None:
        self._store = store
        self._days: Lru[Day, StoredDay] = Lru(cached_rows)

    def batch(self, batch: Sequence[ViewChanges]) -> "SalesBatch":
        """The batch's sales facts by row, and the rows already in memory."""
        facts: Facts = {}
        for index, changes in enumerate(batch):
            for fact in changes.sales:
                day = (fact.tenant_id, fact.warehouse_id, fact.sku, fact.day)
                facts.setdefault(day, []).append((index, fact))
        return SalesBatch(self, facts, {day: self._days.get(day) for day in facts})

    def read(self, days: list[Day], known: dict[Day, StoredDay | None]) -> None:
        found = self._store.get_many([sales_day_key(*day) for day in days])
        known.update({day: _parsed(found.get(sales_day_key(*day))) for day in days})

    def update(self, day: Day, facts: Sequence[SalesFact], stored: StoredDay | None) -> None:
        """Apply, write if still unchanged; on a lost race read again and retry; never twice."""
        key = sales_day_key(*day)
        for attempt in range(MAX_ROW_ATTEMPTS):
            if attempt:
                stored = _parsed(self._store.get(key))
            rev, state = stored if stored else (0, None)
            updated = state
            for fact in facts:
                updated = apply_sales_fact(updated, fact) or updated
            if updated is None or updated is state:
                if stored is not None:
                    self._days.put(day, stored)
                return  # it already holds every fact
            self._days.drop(day)  # until the write says what is stored
            if self._store.put_if(sales_day_item(updated, rev + 1), expected_rev=rev):
                self._days.put(day, (rev + 1, updated))
                return
        raise StockRowContention(f"sales row {key.pk} {key.sk} kept changing")


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


def _parsed(item: ViewItem | None) -> StoredDay | None:
    return (item.rev, item.parse(SalesDay)) if item else None
