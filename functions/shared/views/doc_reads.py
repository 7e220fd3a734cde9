"""Reading a stream's doc from the view table, typed by its kind, caught up with its stream for
the single resources the API serves (read your writes, see `catch_up.py`)."""

from functools import cached_property
from typing import TYPE_CHECKING, TypeVar

from domain.event_store import EventStore
from domain.streams import StreamId, StreamKind
from functions.shared.views import keys
from functions.shared.views.docs import StreamDoc, parse_doc
from functions.shared.views.items import RowKey, ViewItem
from functions.shared.views.table import ViewTable

if TYPE_CHECKING:
    from functions.shared.views.catch_up import CatchUp

D = TypeVar("D", bound=StreamDoc)


def stream_of(tenant_id: str, kind: StreamKind, entity_id: str) -> StreamId | None:
    """None for ids that cannot name a stream (e.g. containing the separator): not found."""
    try:
        return StreamId(tenant_id=tenant_id, kind=kind, entity_id=entity_id)
    except ValueError:
        return None


def doc_key(stream_id: StreamId) -> RowKey:
    return RowKey(pk=keys.doc_pk(stream_id), sk=keys.DOC)


def as_doc(kind: type[D], item: ViewItem) -> D:
    """A stored doc item as the doc class the reader expects."""
    return _checked(kind, parse_doc(item.data), item.pk)


class DocReads:
    def __init__(self, table: ViewTable, log: EventStore) -> None:
        self._table = table
        self._log = log

    @cached_property
    def _catch_up(self) -> "CatchUp":
        """Built at the first single-resource read: it brings in the projections' code, which
        lists and commands do not need (a cold start that only lists never loads it)."""
        from functions.shared.views.catch_up import CatchUp

        return CatchUp(self._log)

    def doc(self, stream_id: StreamId | None, kind: type[D]) -> D | None:
        """The stream's doc as of its latest event (None: no such stream)."""
        if stream_id is None:
            return None
        item = self._table.get(doc_key(stream_id))
        return self.caught_up(stream_id, as_doc(kind, item) if item else None, kind)

    def caught_up(self, stream_id: StreamId, doc: D | None, kind: type[D]) -> D | None:
        """`doc` (None: not stored yet) with the stream's events since it applied."""
        fresh = self._catch_up.doc(stream_id, doc)
        return _checked(kind, fresh, stream_id) if fresh is not None else None

    def found(
        self,
        found: dict[RowKey, ViewItem],
        stream_id: StreamId | None,
        kind: type[D],
        catch_up: bool,
    ) -> D | None:
        """The stream's doc among items read together, caught up if asked."""
        if stream_id is None:
            return None
        item = found.get(doc_key(stream_id))
        doc = as_doc(kind, item) if item else None
        return self.caught_up(stream_id, doc, kind) if catch_up else doc


def _checked(kind: type[D], doc: StreamDoc, where: object) -> D:
    if not isinstance(doc, kind):
        raise TypeError(f"{where} holds a {type(doc).__name__}, not a {kind.__name__}")
    return doc
