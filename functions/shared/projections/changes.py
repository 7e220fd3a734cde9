"""What projecting events changes in the views, and the shape every projection has."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from itertools import pairwise
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from pydantic import BaseModel, ConfigDict

from domain.event_store import RecordedEvent
from domain.stock.ledger import AmazonReport, LedgerFact
from domain.streams import StreamId
from functions.shared.views import keys
from functions.shared.views.docs import StreamDoc
from functions.shared.views.items import RowKey, ViewItem
from functions.shared.views.rows import DOC_KIND

if TYPE_CHECKING:  # the sales code loads with the first sales fact
    from domain.sales.days import SalesFact

D = TypeVar("D", bound=StreamDoc)


class IndexKeys(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)

    gsi1pk: str | None = None
    gsi1sk: str | None = None


@dataclass(eq=False)  # not frozen: made once per event, and a frozen one is slower to make
class ViewChanges:
    """What takes one stream's views from its doc at `prior` to `version`: one step, or
    consecutive steps merged. Apply in this order: rows (newer than what is stored only),
    ledger facts, reports, then the doc (the stream's position), on the condition that the
    stored doc is still at `prior`. Never changed once made."""

    after: StreamDoc
    version: int
    prior: int
    doc_index: Callable[[Any], IndexKeys]
    puts: tuple[ViewItem, ...] = ()  # each carries the version of the step that rendered it
    deletes: tuple[RowKey, ...] = ()
    facts: tuple[LedgerFact, ...] = ()
    reports: tuple[AmazonReport, ...] = ()
    sales: "tuple[SalesFact, ...]" = ()  # listing-day sales changes, applied like ledger facts

    @cached_property
    def doc(self) -> ViewItem:
        """The doc item: serialised only when asked for (once per write, not per step)."""
        return doc_item(self.after, self.doc_index(self.after))


def merge(steps: Sequence[ViewChanges]) -> ViewChanges:
    """Consecutive steps of one stream as one: each row's last put or delete, every fact and
    report. Row writes are conditional on versions (a put replaces only an older row, a delete
    removes only an older one), so the last write of each row leaves what all of them would."""
    if not steps:
        raise ValueError("nothing to merge")
    for earlier, later in pairwise(steps):
        if later.prior != earlier.version or later.after.stream_id != earlier.after.stream_id:
            raise ValueError("only consecutive steps of one stream merge")
    if len(steps) == 1:
        return steps[0]
    rows: dict[tuple[str, str], ViewItem | RowKey] = {}
    for changes in steps:
        for key in changes.deletes:
            rows[key.pk, key.sk] = key
        for row in changes.puts:
            rows[row.pk, row.sk] = row
    last = steps[-1]
    return ViewChanges(
        after=last.after,
        version=last.version,
        prior=steps[0].prior,
        doc_index=last.doc_index,
        puts=tuple(row for row in rows.values() if isinstance(row, ViewItem)),
        deletes=tuple(key for key in rows.values() if isinstance(key, RowKey)),
        facts=tuple(fact for changes in steps for fact in changes.facts),
        reports=tuple(report for changes in steps for report in changes.reports),
        sales=tuple(fact for changes in steps for fact in changes.sales),
    )


class Projection(Protocol[D]):
    # The doc fields its rows are rendered from: when an event leaves them as they were (the
    # same objects), the rows are those of the doc before, not rendered again. Empty: no rows.
    rendered: tuple[str, ...]

    def initial(self, stream_id: StreamId) -> D: ...

    def evolve(self, doc: D, recorded: RecordedEvent) -> dict[str, Any]:
        """The doc fields the event changes, with their new values."""
        ...

    def rows(self, doc: D) -> list[ViewItem]:
        """Every item the stream owns besides its doc: a pure function of the doc, each item
        at the doc's version (`rev`)."""
        ...

    def doc_index(self, doc: D) -> IndexKeys: ...

    def facts(self, before: D, after: D, recorded: RecordedEvent) -> list[LedgerFact]: ...

    def reports(self, recorded: RecordedEvent) -> list[AmazonReport]: ...


class NoRows:
    """A projection whose doc is all its stream keeps (no rows of its own)."""

    rendered: tuple[str, ...] = ()

    def rows(self, doc: StreamDoc) -> list[ViewItem]:
        return []


class MovesNoStock:
    """A projection whose events move no stock and carry no report of Amazon's figures."""

    def facts(
        self, before: StreamDoc, after: StreamDoc, recorded: RecordedEvent
    ) -> list[LedgerFact]:
        return []

    def reports(self, recorded: RecordedEvent) -> list[AmazonReport]:
        return []


def doc_item(doc: StreamDoc, index: IndexKeys) -> ViewItem:
    return ViewItem.of(
        doc.stream_id,  # = keys.doc_pk of the stream: the stream id itself
        keys.DOC,
        DOC_KIND,
        doc,
        rev=doc.version,
        **index.model_dump(),
    )
