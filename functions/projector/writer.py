"""Writing one step's view changes: idempotent rows, ledger facts, stock rows, then the doc.

Every write is a single item. Rows and ledger facts are pure functions of the events, so
writing them again writes the same thing. Stock rows are read-modify-write under optimistic
locking (`rev`) and record per source stream the last version they applied, so a step written
twice, or two writers at once, count every movement exactly once. The doc (the stream's
position) is written last, on the condition that it is still at the previous version: a crash
before it leaves the step to be replayed, and the replay changes nothing that was written.
"""

from functions.projector.ports import ViewStore
from functions.projector.projections.changes import ViewChanges
from functions.shared.views import keys
from functions.shared.views.rows import ledger_item, stock_item, stock_key
from functions.shared.views.stock import (
    AmazonReport,
    LedgerFact,
    StockState,
    apply_fact,
    apply_report,
    needs_tail,
)

MAX_ROW_ATTEMPTS = 25


class StockRowContention(Exception):
    """A stock row kept moving under us: the record fails and is retried."""


class ViewWriter:
    def __init__(self, store: ViewStore) -> None:
        self._store = store

    def apply(self, changes: ViewChanges) -> bool:
        """Write the step; False when the doc had moved (another writer applied it)."""
        for key in changes.deletes:
            self._store.delete(key)
        for row in changes.puts:
            self._store.put(row)
        for fact in changes.facts:
            self._store.put(ledger_item(fact))  # before the row: a recount must see it
            self._update_row(fact.tenant_id, fact.warehouse_id, fact.sku, fact=fact)
        for report in changes.reports:
            self._update_row(report.tenant_id, report.warehouse_id, report.sku, report=report)
        return self._store.put_if(changes.doc, expected_rev=changes.version - 1)

    def _update_row(
        self,
        tenant_id: str,
        warehouse_id: str,
        sku: str,
        fact: LedgerFact | None = None,
        report: AmazonReport | None = None,
    ) -> None:
        key = stock_key(tenant_id, warehouse_id, sku)
        for _ in range(MAX_ROW_ATTEMPTS):
            current = self._store.get(key)
            state = current.parse(StockState) if current else None
            if fact is not None:
                tail = self._tail(fact) if needs_tail(state, fact) else None
                updated = apply_fact(state, fact, tail)
            else:
                assert report is not None
                updated = apply_report(state, report)
            if updated is None:
                return
            rev = current.rev if current else 0
            if self._store.put_if(stock_item(updated, rev + 1), expected_rev=rev):
                return
        raise StockRowContention(f"stock row {key.pk} {key.sk} kept changing")

    def _tail(self, fact: LedgerFact) -> list[LedgerFact]:
        """The ledger of the fact's warehouse x SKU from its latest count on, oldest first."""
        tail: list[LedgerFact] = []
        for item in self._store.query(
            keys.ledger(fact.tenant_id, fact.warehouse_id, fact.sku), descending=True
        ):
            found = item.parse(LedgerFact)
            tail.append(found)
            if found.count is not None:
                break
        return tail[::-1]
