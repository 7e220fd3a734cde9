"""Read-your-writes for single resources: a doc read from the views table is brought up to its
stream's latest event before it is rendered.

The projector applies events a moment after they are appended (a DynamoDB stream, then a
Lambda). A client that was just answered 2xx by a command must not read the resource back
missing or stale, so a single-resource read asks the log for the events after the doc's version
(one consistent Query; usually none) and applies them with the projector's own pure code
(`advance`): the answer is exactly the doc the projector will write. Lists are not caught up:
they stay eventually consistent and every row carries the version it shows.
"""

from typing import Final

from domain.event_store import EventStore
from domain.streams import StreamId
from functions.shared.projections.step import advance, initial_doc
from functions.shared.views.docs import StreamDoc
from functions.shared.views.errors import ViewLagging

PAGE: Final = 200  # events read per call
MAX_BEHIND: Final = 2_000  # a doc further behind than this is not rebuilt in a request


class CatchUp:
    def __init__(self, log: EventStore, page: int = PAGE, max_behind: int = MAX_BEHIND) -> None:
        self._log = log
        self._page = page
        self._max_behind = max_behind

    def doc(self, stream_id: StreamId, doc: StreamDoc | None) -> StreamDoc | None:
        """`doc` (None: not projected yet) with every event the log has after it applied;
        None while the stream has no event at all."""
        applied = 0
        while True:
            start = doc.version + 1 if doc is not None else 1
            events = self._log.read(stream_id, start, limit=self._page)
            for recorded in events:
                doc = advance(doc if doc is not None else initial_doc(stream_id), recorded)
            applied += len(events)
            if len(events) < self._page:
                return doc
            if applied >= self._max_behind:
                raise ViewLagging(stream_id)
