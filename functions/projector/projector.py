"""Projecting an event exactly once, whatever the delivery: redeliveries are no-ops, and a
gap (an event ahead of the doc's position) is filled by reading the missing events from the log."""

from dataclasses import dataclass

from domain.event_store import EventStore, RecordedEvent
from domain.streams import StreamId
from functions.projector.ports import ViewStore
from functions.projector.projections.step import initial_doc, step
from functions.projector.writer import ViewWriter
from functions.shared.views import keys
from functions.shared.views.docs import StreamDoc, parse_doc
from functions.shared.views.items import RowKey

MAX_DOC_ATTEMPTS = 5


class MissingEvents(Exception):
    """The log does not (yet) hold the events a gap needs: the record fails and is retried."""


@dataclass(frozen=True)
class Outcome:
    applied: int  # events applied, this one and any the gap needed; 0 for a redelivery
    filled_gap: bool


class Projector:
    def __init__(self, events: EventStore, views: ViewStore) -> None:
        self._events = events
        self._views = views
        self._writer = ViewWriter(views)

    def project(self, recorded: RecordedEvent) -> Outcome:
        applied, filled_gap = 0, False
        for _ in range(MAX_DOC_ATTEMPTS):
            doc = self.load(recorded.stream_id)
            if recorded.version <= doc.version:
                return Outcome(applied, filled_gap)
            pending = [recorded]
            if recorded.version > doc.version + 1:
                pending = self._missing(recorded, doc.version)
                filled_gap = True
            for event in pending:
                changes = step(doc, event)
                if not self._writer.apply(changes):
                    break  # another writer moved the doc: reload and go on from there
                doc = changes.after
                applied += 1
            else:
                return Outcome(applied, filled_gap)
        raise RuntimeError(f"{recorded.stream_id}: the doc kept moving under the projector")

    def load(self, stream_id: StreamId) -> StreamDoc:
        item = self._views.get(RowKey(pk=keys.doc_pk(stream_id), sk=keys.DOC))
        return parse_doc(item.data) if item else initial_doc(stream_id)

    def _missing(self, recorded: RecordedEvent, version: int) -> list[RecordedEvent]:
        events = [
            e
            for e in self._events.read(recorded.stream_id, version + 1)
            if e.version <= recorded.version
        ]
        if [e.version for e in events] != list(range(version + 1, recorded.version + 1)):
            raise MissingEvents(
                f"{recorded.stream_id}: the log lacks events {version + 1}..{recorded.version}"
            )
        return events
