"""What projecting one event changes in the views, and the shape every projection has."""

from typing import Protocol, TypeVar

from pydantic import BaseModel, ConfigDict

from domain.event_store import RecordedEvent
from domain.streams import StreamId
from functions.shared.views import keys
from functions.shared.views.docs import StreamDoc
from functions.shared.views.items import RowKey, ViewItem
from functions.shared.views.rows import DOC_KIND
from functions.shared.views.stock import AmazonReport, LedgerFact

D = TypeVar("D", bound=StreamDoc)


class ViewChanges(BaseModel):
    """Apply in this order: rows (newer than what is stored only), ledger facts, reports, then
    the doc (the stream's position), conditionally on the doc's previous version."""

    model_config = ConfigDict(frozen=True)

    after: StreamDoc
    doc: ViewItem
    version: int
    puts: tuple[ViewItem, ...] = ()
    deletes: tuple[RowKey, ...] = ()
    facts: tuple[LedgerFact, ...] = ()
    reports: tuple[AmazonReport, ...] = ()


class IndexKeys(BaseModel):
    model_config = ConfigDict(frozen=True)

    gsi1pk: str | None = None
    gsi1sk: str | None = None


class Projection(Protocol[D]):
    def initial(self, stream_id: StreamId) -> D: ...

    def evolve(self, doc: D, recorded: RecordedEvent) -> D: ...

    def rows(self, doc: D) -> list[ViewItem]:
        """Every item the stream owns besides its doc: a pure function of the doc."""
        ...

    def doc_index(self, doc: D) -> IndexKeys: ...

    def facts(self, before: D, after: D, recorded: RecordedEvent) -> list[LedgerFact]: ...

    def reports(self, recorded: RecordedEvent) -> list[AmazonReport]: ...


def doc_item(stream_id: StreamId, doc: StreamDoc, index: IndexKeys) -> ViewItem:
    return ViewItem.of(
        keys.doc_pk(stream_id), keys.DOC, DOC_KIND, doc, rev=doc.version, **index.model_dump()
    )
