"""Writing view changes: idempotent rows, ledger facts, stock and sales rows, then the doc.

Rows and ledger facts are pure functions of the events, so writing them again writes the same
thing; rows carry the version that rendered them and never replace a later one (a slow writer
of the same stream cannot leave a stale row behind). Stock rows are read-modify-write under
optimistic locking (`rev`, see `rev_rows.py`) and record per source stream the last version
they applied, so a step written twice, or two writers at once, count every movement exactly
once. The doc (the stream's position) is written last, on the condition that it is still at
the version the changes start from: a crash before it leaves the changes to be replayed, and
the replay changes nothing that was written.

Several streams' changes are written together, in rounds: every row and ledger fact (ledger
facts in batch writes) and batch reads of the stock and sales rows not known yet; the ledger tail of
each counted stock row; each stock row and each listing-day sales row once, with every fact
and report of the batch for it; then each stream's doc. Sales rows (`domain/sales/days.py`)
are kept like stock rows: read-modify-write under `rev`, per source stream its last version
(`sales_writer.py`, loaded with the first batch that has a sales fact).
A stream whose write failed is not carried into the next round (its facts are not applied
to stock rows whose ledger may lack them, its doc is not written), and one stock or sales row
failing fails every stream with a movement on it.
"""

from collections.abc import Callable, Collection, Sequence
from functools import cached_property, partial
from typing import TYPE_CHECKING, Any, Final, Protocol, TypeVar

from domain.stock.ledger import (
    AmazonReport,
    LedgerFact,
    StockState,
    apply_fact,
    apply_report,
    needs_tail,
)
from functions.projector.calls import Calls
from functions.projector.lru import Lru
from functions.projector.ports import ViewStore
from functions.projector.rev_rows import RevRows
from functions.shared.projections.changes import ViewChanges
from functions.shared.views import keys
from functions.shared.views.rows import ledger_item, stock_item, stock_key

if TYPE_CHECKING:
    from functions.projector.sales_writer import SalesRows

LEDGER_CHUNK: Final = 25  # ledger facts per batch write call
ROWS_CHUNK: Final = 100  # stock rows per batch read call
CACHED_STOCK_ROWS: Final = 5_000
CACHED_FACTS: Final = 20_000  # parsed ledger facts, for the tails of counted rows

Where = tuple[str, str, str]  # a stock row's tenant, warehouse and SKU
Stored = tuple[int, StockState]  # a stock row as stored: its rev and state
Change = LedgerFact | AmazonReport
Call = tuple[Callable[[], Any], Collection[int]]  # a store call, and the streams it serves
K = TypeVar("K")


class BatchRows(Protocol):
    """A batch's rows kept under `rev` besides its stock rows (its sales rows)."""

    def reads(self) -> list[Call]: ...

    def updates(self, failed: dict[int, Exception]) -> list[Call]: ...


class NoSales:
    """A batch without sales facts."""

    def reads(self) -> list[Call]:
        return []

    def updates(self, failed: dict[int, Exception]) -> list[Call]:
        return []


class ViewWriter:
    def __init__(
        self, store: ViewStore, calls: Calls | None = None, cached_rows: int = CACHED_STOCK_ROWS
    ) -> None:
        self._store = store
        self._calls = calls or Calls()
        self._cached_rows = cached_rows
        self._rows: RevRows[Where, StockState] = RevRows(
            store, cached_rows, lambda where: stock_key(*where), stock_item, StockState
        )
        # A ledger item never changes once written (a pure function of its event): its fact,
        # as written or once parsed, is kept by key.
        self._facts: Lru[tuple[str, str], LedgerFact] = Lru(CACHED_FACTS)

    def apply(self, changes: ViewChanges) -> bool:
        """Write one stream's changes; False when its doc had moved (another writer applied
        them, or later ones)."""
        [outcome] = self.write([changes])
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    def write(self, batch: Sequence[ViewChanges]) -> list[bool | Exception]:
        """Write the changes of several streams (one `ViewChanges` each). Per stream: True when
        written, False when its doc had moved, or the exception that stopped it (its doc is
        then not written: its changes are to be applied again)."""
        failed: dict[int, Exception] = {}
        stock = _stock_changes(batch)
        known = {where: self._rows.known(where) for where in stock}
        sales: BatchRows = (
            self._sales.batch(batch) if any(changes.sales for changes in batch) else NoSales()
        )

        # Round 1: rows, ledger facts, and the stock and sales rows not in memory.
        calls = [
            *self._row_calls(batch),
            *self._ledger_calls(batch),
            *sales.reads(),
        ]
        unknown = [where for where, stored in known.items() if stored is None]
        reads = chunks(unknown)
        for wheres in reads:
            users = {index for where in wheres for index, _ in stock[where]}
            calls.append((partial(self._rows.read, wheres), users))
        outcomes = self._run(calls, failed)
        for read in outcomes[len(outcomes) - len(reads) :]:
            if not isinstance(read, Exception):
                known.update(read)

        # Round 2: the ledger tail of every stock row that has (or gets) a count, once the
        # ledger holds the batch's facts.
        rows = {
            where: [(i, c) for i, c in found if i not in failed] for where, found in stock.items()
        }
        counted = [where for where, live in rows.items() if live and _counted(known[where], live)]
        queried = self._run([(partial(self._tail, w), _users(rows[w])) for w in counted], failed)
        tails = {
            w: tail for w, tail in zip(counted, queried, strict=True) if isinstance(tail, list)
        }

        # Round 3: each stock and sales row once, with the changes of the streams still standing.
        updates = sales.updates(failed)
        for where, row_changes in rows.items():
            live = [change for index, change in row_changes if index not in failed]
            if not live:
                continue
            update = partial(self._update_row, where, live, known[where], tails.get(where))
            updates.append((update, _users(row_changes)))
        self._run(updates, failed)

        # Round 4: the docs, each on the condition that it is still where its changes start.
        standing = [index for index in range(len(batch)) if index not in failed]
        docs = [partial(self._put_doc, batch[index]) for index in standing]
        written = dict(zip(standing, self._calls.run(docs), strict=True))
        return [failed[index] if index in failed else written[index] for index in range(len(batch))]

    def _row_calls(self, batch: Sequence[ViewChanges]) -> list[Call]:
        """Each stream's row deletes and puts, one call each (never over a later version)."""
        calls: list[Call] = []
        for index, changes in enumerate(batch):
            for key in changes.deletes:
                calls.append((partial(self._store.delete_older, key, changes.version), (index,)))
            for row in changes.puts:
                calls.append((partial(self._store.put_newer, row), (index,)))
        return calls

    def _ledger_calls(self, batch: Sequence[ViewChanges]) -> list[Call]:
        """Every ledger fact of the batch in batch writes (each fact kept in memory by key)."""
        ledger = []
        for index, changes in enumerate(batch):
            for fact in changes.facts:
                item = ledger_item(fact)
                self._facts.put((item.pk, item.sk), fact)
                ledger.append((index, item))
        calls: list[Call] = []
        for start in range(0, len(ledger), LEDGER_CHUNK):
            chunk = ledger[start : start + LEDGER_CHUNK]
            items = [item for _, item in chunk]
            calls.append((partial(self._store.put_many, items), {index for index, _ in chunk}))
        return calls

    def _run(self, calls: Sequence[Call], failed: dict[int, Exception]) -> list[Any]:
        """Run the calls at once; a failed call fails the streams it serves."""
        outcomes = self._calls.run([call for call, _ in calls])
        for (_, users), outcome in zip(calls, outcomes, strict=True):
            if isinstance(outcome, Exception):
                for index in users:
                    failed.setdefault(index, outcome)
        return outcomes

    @cached_property
    def _sales(self) -> "SalesRows":
        from functions.projector.sales_writer import SalesRows

        return SalesRows(self._store, self._cached_rows)

    def _put_doc(self, changes: ViewChanges) -> bool:
        return self._store.put_if(changes.doc, expected_rev=changes.prior)

    def _update_row(
        self,
        where: Where,
        changes: list[Change],
        stored: Stored | None,
        tail: list[LedgerFact] | None,
    ) -> None:
        """Apply the changes to the row; `tail` is the ledger's from the row's latest count, as
        `stored` needs it (read again with the row after a lost race)."""

        def apply(row: Stored | None, reread: bool) -> StockState | None:
            row_tail = tail
            if reread:  # so is its tail
                row_tail = self._tail(where) if _counted(row, [(0, c) for c in changes]) else None
            updated = row[1] if row else None
            for change in changes:
                if isinstance(change, LedgerFact):
                    needed = needs_tail(updated, change)
                    updated = apply_fact(updated, change, row_tail if needed else None) or updated
                else:
                    updated = apply_report(updated, change) or updated
            return updated

        self._rows.update(where, stored, apply)

    def _tail(self, where: Where) -> list[LedgerFact]:
        """The ledger of a warehouse x SKU from its latest count on, oldest first."""
        tail: list[LedgerFact] = []
        for item in self._store.query(keys.ledger(*where), descending=True):
            found = self._facts.get((item.pk, item.sk))
            if found is None:
                found = item.parse(LedgerFact)
                self._facts.put((item.pk, item.sk), found)
            tail.append(found)
            if found.count is not None:
                break
        return tail[::-1]


def _stock_changes(batch: Sequence[ViewChanges]) -> dict[Where, list[tuple[int, Change]]]:
    """Every fact and report of the batch by stock row, with the index of its stream (each
    stream's in their order)."""
    stock: dict[Where, list[tuple[int, Change]]] = {}
    for index, changes in enumerate(batch):
        found: list[Change] = [*changes.facts, *changes.reports]
        for change in found:
            where = (change.tenant_id, change.warehouse_id, change.sku)
            stock.setdefault(where, []).append((index, change))
    return stock


def chunks(wanted: list[K]) -> list[list[K]]:
    return [wanted[start : start + ROWS_CHUNK] for start in range(0, len(wanted), ROWS_CHUNK)]


def _users(changes: Sequence[tuple[int, Change]]) -> set[int]:
    return {index for index, _ in changes}


def _counted(stored: Stored | None, changes: Sequence[tuple[int, Change]]) -> bool:
    """Whether applying the changes needs the row's ledger tail (its on hand is counted)."""
    state = stored[1] if stored else None
    return (state is not None and state.counted) or any(
        isinstance(change, LedgerFact) and change.count is not None for _, change in changes
    )
