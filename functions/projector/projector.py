"""Projecting events exactly once, whatever the delivery: redeliveries are no-ops, and a gap
(an event ahead of the doc's position) is filled by reading the missing events from the log.

A batch of records is projected stream by stream: each stream's doc is read once, every new
event of the stream applied to it in memory, and the streams' changes written together (see
`writer.py`: each row, stock row and doc once). Docs stay in memory across batches (by stream,
with their version): a doc that moved meanwhile (another writer) is caught by the conditional
write of the doc, which then is read again and the stream projected from there. A record fails
only when its event was not applied: its stream's write failed, or the log lacks an event
before it; then that record and everything after it is delivered again, and converges.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Final

from domain.event_store import EventStore, RecordedEvent
from domain.streams import StreamId
from functions.projector.calls import Calls
from functions.projector.lru import Lru
from functions.projector.ports import ViewStore
from functions.projector.writer import CACHED_STOCK_ROWS, ViewWriter
from functions.shared.projections.changes import ViewChanges, merge
from functions.shared.projections.step import initial_doc, step
from functions.shared.views import keys
from functions.shared.views.docs import StreamDoc, parse_doc
from functions.shared.views.items import RowKey

MAX_DOC_ATTEMPTS: Final = 5
DOCS_CHUNK: Final = 100  # docs per batch read call
CACHED_DOCS: Final = 5_000


class MissingEvents(Exception):
    """The log does not (yet) hold the events a gap needs: the record fails and is retried."""


@dataclass(frozen=True)
class Outcome:
    applied: int  # events applied, this one and any the gap needed; 0 for a redelivery
    filled_gap: bool


@dataclass(frozen=True)
class BatchOutcome:
    applied: int  # events applied: the records' and any their gaps needed
    failures: dict[int, Exception]  # the position of every record not applied, and why
    filled_gaps: tuple[StreamId, ...] = ()  # streams whose missing events came from the log


@dataclass
class _Stream:
    """One stream's part of a batch."""

    stream_id: StreamId
    records: list[int]  # positions in the batch
    doc: StreamDoc | None = None
    events: list[RecordedEvent] = field(default_factory=list)  # to apply, in order
    filled_gap: bool = False
    changes: ViewChanges | None = None


class Projector:
    def __init__(
        self,
        events: EventStore,
        views: ViewStore,
        *,
        concurrency: int = 1,
        cached_docs: int = CACHED_DOCS,
        cached_stock_rows: int = CACHED_STOCK_ROWS,
    ) -> None:
        """`concurrency`: store calls made at once (each round of a batch's writes is made of
        independent calls); `cached_*`: how many docs and stock rows stay in memory."""
        self._events = events
        self._views = views
        self.calls = Calls(concurrency)
        self._writer = ViewWriter(views, self.calls, cached_stock_rows)
        self._docs: Lru[str, StreamDoc] = Lru(cached_docs)

    def project(self, recorded: RecordedEvent) -> Outcome:
        """One event (raises what stopped it)."""
        outcome = self.project_batch([recorded])
        if 0 in outcome.failures:
            raise outcome.failures[0]
        return Outcome(outcome.applied, bool(outcome.filled_gaps))

    def project_batch(self, records: Sequence[RecordedEvent]) -> BatchOutcome:
        """Every record's event, once: the outcome says which records were not applied."""
        failures: dict[int, Exception] = {}
        applied, filled = 0, []
        pending = _by_stream(records)
        for _ in range(MAX_DOC_ATTEMPTS):
            if not pending:
                break
            ready = _project_all(self._prepare(pending, records, failures), records, failures)
            pending = []
            outcomes = self._writer.write([_changes(stream) for stream in ready])
            for stream, written in zip(ready, outcomes, strict=True):
                key = str(stream.stream_id)
                if written is True:
                    self._docs.put(key, _changes(stream).after)
                    applied += len(stream.events)
                    if stream.filled_gap:
                        filled.append(stream.stream_id)
                    _fail_beyond_written(stream, records, failures)
                    continue
                self._docs.drop(key)
                if written is False:  # another writer moved the doc: read it again, go on
                    pending.append(_Stream(stream.stream_id, stream.records))
                else:
                    _fail(failures, stream, records, written)
        for stream in pending:
            moving = RuntimeError(f"{stream.stream_id}: the doc kept moving under the projector")
            _fail(failures, stream, records, moving)
        return BatchOutcome(applied, dict(sorted(failures.items())), tuple(filled))

    def _prepare(
        self,
        streams: list[_Stream],
        records: Sequence[RecordedEvent],
        failures: dict[int, Exception],
    ) -> list[_Stream]:
        """The streams with events to apply, each with its doc and those events in order (a
        gap filled from the log); the others are done (redeliveries only) or failed."""
        self._load_docs(streams, records, failures)
        ahead = []
        for stream in streams:
            if stream.doc is None:
                continue  # failed
            wanted = _records_after(stream, records, stream.doc.version)
            if not wanted:
                continue  # redeliveries only
            versions = range(stream.doc.version + 1, max(wanted) + 1)
            stream.filled_gap = any(version not in wanted for version in versions)
            stream.events = [wanted[version] for version in versions if version in wanted]
            ahead.append(stream)
        gaps = [stream for stream in ahead if stream.filled_gap]
        reads = [partial(self._events.read, s.stream_id, _version(s) + 1) for s in gaps]
        for stream, found in zip(gaps, self.calls.run(reads), strict=True):
            if isinstance(found, Exception):
                _fail(failures, stream, records, found)
                continue
            wanted = _records_after(stream, records, _version(stream))
            log = {event.version: event for event in found}
            stream.events = []
            for version in range(_version(stream) + 1, max(wanted) + 1):
                event = wanted.get(version) or log.get(version)
                if event is None:
                    break  # the log lacks it: the records from here on fail
                stream.events.append(event)
            if not stream.events:
                missing = f"{stream.stream_id}: the log lacks event {_version(stream) + 1}"
                _fail(failures, stream, records, MissingEvents(missing))
        return [stream for stream in ahead if stream.doc is not None]

    def _load_docs(
        self,
        streams: list[_Stream],
        records: Sequence[RecordedEvent],
        failures: dict[int, Exception],
    ) -> None:
        """Each stream's doc: in memory, or read (in batches)."""
        unknown = []
        for stream in streams:
            stream.doc = self._docs.get(str(stream.stream_id))
            if stream.doc is None:
                unknown.append(stream)
        chunks = [unknown[s : s + DOCS_CHUNK] for s in range(0, len(unknown), DOCS_CHUNK)]
        reads = [partial(self._views.get_many, [_doc_key(s) for s in chunk]) for chunk in chunks]
        for chunk, found in zip(chunks, self.calls.run(reads), strict=True):
            for stream in chunk:
                if isinstance(found, Exception):
                    _fail(failures, stream, records, found)
                    continue
                item = found.get(_doc_key(stream))
                try:
                    stream.doc = parse_doc(item.data) if item else initial_doc(stream.stream_id)
                except Exception as error:
                    _fail(failures, stream, records, error)


def _by_stream(records: Sequence[RecordedEvent]) -> list[_Stream]:
    """The batch's records grouped by stream (positions in batch order), streams in the order
    they first appear."""
    by_stream: dict[str, _Stream] = {}
    for position, recorded in enumerate(records):
        key = str(recorded.stream_id)
        by_stream.setdefault(key, _Stream(recorded.stream_id, [])).records.append(position)
    return list(by_stream.values())


def _project_all(
    streams: list[_Stream], records: Sequence[RecordedEvent], failures: dict[int, Exception]
) -> list[_Stream]:
    """The streams whose events applied to their doc in memory, each with its changes; a
    stream whose events cannot apply fails."""
    ready = []
    for stream in streams:
        try:
            stream.changes = _project(stream)
        except Exception as error:  # the stream's events cannot apply: it fails
            _fail(failures, stream, records, error)
            continue
        ready.append(stream)
    return ready


def _project(stream: _Stream) -> ViewChanges:
    """The stream's events applied to its doc in memory, as one set of changes."""
    doc = stream.doc
    assert doc is not None
    steps = []
    for event in stream.events:
        steps.append(step(doc, event))
        doc = steps[-1].after
    return merge(steps)


def _records_after(
    stream: _Stream, records: Sequence[RecordedEvent], version: int
) -> dict[int, RecordedEvent]:
    return {records[p].version: records[p] for p in stream.records if records[p].version > version}


def _changes(stream: _Stream) -> ViewChanges:
    assert stream.changes is not None
    return stream.changes


def _version(stream: _Stream) -> int:
    assert stream.doc is not None
    return stream.doc.version


def _doc_key(stream: _Stream) -> RowKey:
    return RowKey(pk=keys.doc_pk(stream.stream_id), sk=keys.DOC)


def _fail_beyond_written(
    stream: _Stream, records: Sequence[RecordedEvent], failures: dict[int, Exception]
) -> None:
    """Once the stream's changes are written: its records beyond the version they reach fail
    (the log lacked an event before them)."""
    beyond = _changes(stream).version
    for position in stream.records:
        if records[position].version > beyond:
            failures[position] = MissingEvents(
                f"{stream.stream_id}: the log lacks event {beyond + 1}"
            )


def _fail(
    failures: dict[int, Exception],
    stream: _Stream,
    records: Sequence[RecordedEvent],
    error: Exception,
) -> None:
    """Every record of the stream not applied yet fails (a redelivery is never a failure); the
    stream is done with for this batch (no doc)."""
    applied = stream.doc.version if stream.doc is not None else 0
    for position in stream.records:
        if records[position].version > applied:
            failures.setdefault(position, error)
    stream.doc = None
