"""In-memory implementations of the domain's ports, for tests and pure benchmarks (never in the
Lambda asset)."""

import threading
from collections.abc import Iterator, Sequence

from domain.errors import ConcurrencyConflict
from domain.event_store import RecordedEvent, StreamAppend
from domain.streams import StreamId


class InMemoryEventStore:
    def __init__(self) -> None:
        self._streams: dict[StreamId, list[RecordedEvent]] = {}
        self._lock = threading.Lock()

    def append(self, appends: Sequence[StreamAppend]) -> None:
        if len({a.stream_id for a in appends}) != len(appends):
            raise ValueError("each stream may appear only once in one append")
        with self._lock:
            for append in appends:
                current = len(self._streams.get(append.stream_id, []))
                if current != append.expected_version:
                    raise ConcurrencyConflict(
                        f"stream {append.stream_id} is at version {current}, "
                        f"expected {append.expected_version}"
                    )
            for append in appends:
                self._streams.setdefault(append.stream_id, []).extend(append.events)

    def read(
        self, stream_id: StreamId, from_version: int = 1, limit: int | None = None
    ) -> list[RecordedEvent]:
        first = max(from_version, 1) - 1
        last = None if limit is None else first + max(limit, 1)
        with self._lock:
            return list(self._streams.get(stream_id, [])[first:last])

    def read_all(self) -> Iterator[RecordedEvent]:
        with self._lock:
            streams = [list(events) for events in self._streams.values()]
        for events in streams:
            yield from events
