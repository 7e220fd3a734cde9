"""Writing one step's view changes: idempotent rows, ledger facts, stock rows, then the doc.

Every write is a single item. Rows and ledger facts are pure functions of the events, so
writing them again writes the same thing; rows carry the version that rendered them and never
replace a later one (a slow writer of the same stream cannot leave a stale row behind). Stock
rows are read-modify-write under optimistic locking (`rev`) and record per source stream the
last version they applied, so a step written twice, or two writers at once, count every
movement exactly once. The doc (the stream's
position) is written last, on the condition that it is still at the previous version: a crash
before it leaves the step to be replayed, and the replay changes nothing that was written.
"""

from functions.projector.ports import ViewStore
from functions.projector.projections.changes import ViewChanges
from functions.shared.views import keys
from functions.shared.views.items import RowKey
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
            self._store.delete_older(key, changes.version)
        for row in changes.puts:
            self._store.put_newer(row)
        for fact in changes.facts:
            self._store.put(ledger_item(fact))  # before the row: a recount must see it
            self._update_row(stock_key(fact.tenant_id, fact.warehouse_id, fact.sku), fact)
        for report in changes.reports:
            self._update_row(stock_key(report.tenant_id, report.warehouse_id, report.sku), report)
        return self._store.put_if(changes.doc, expected_rev=changes.version - 1)

    def _update_row(self, key: RowKey, change: LedgerFact | AmazonReport) -> None:
        """Read, apply, write if still unchanged; again on a lost race; never twice."""
        for _ in range(MAX_ROW_ATTEMPTS):
            current = self._store.get(key)
            state = current.parse(StockState) if current else None
            if isinstance(change, LedgerFact):
                tail = self._tail(change) if needs_tail(state, change) else None
                updated = apply_fact(state, change, tail)
            else:
                updated = apply_report(state, change)
            if updated is None:
                return  # already holds it
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
