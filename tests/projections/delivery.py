"""Delivering the log to a stream handler the way Lambda might, and worse: batches mixing
streams, some delivered twice, some ahead of earlier ones, failed records retried later."""

import random
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, cast

from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError
from aws_lambda_powertools.utilities.typing import LambdaContext

from domain.event_store import RecordedEvent
from functions.projector.ports import ViewStore
from functions.shared.adapters.stream_records import batch, record_of
from functions.shared.views.items import RowKey, ViewItem

Handler = Callable[[dict[str, Any]], dict[str, Any]]


@dataclass(frozen=True)
class FakeLambdaContext:
    function_name: str = "projector"
    memory_limit_in_mb: int = 512
    invoked_function_arn: str = "arn:aws:lambda:us-east-1:000000000000:function:projector"
    aws_request_id: str = "request-1"

    def get_remaining_time_in_millis(self) -> int:
        return 60_000


def lambda_context() -> LambdaContext:
    return cast(LambdaContext, FakeLambdaContext())


def shuffled_batches(
    log: Sequence[RecordedEvent],
    rng: random.Random,
    early: float = 0.1,
    twice: float = 0.1,
    max_size: int = 6,
) -> list[list[RecordedEvent]]:
    """Per stream, runs of consecutive events; runs interleaved in append order, then some
    moved ahead of earlier runs (gaps to fill) and some delivered again later (redeliveries)."""
    runs: list[tuple[int, list[RecordedEvent]]] = []
    by_stream: dict[str, list[tuple[int, RecordedEvent]]] = {}
    for position, event in enumerate(log):
        by_stream.setdefault(str(event.stream_id), []).append((position, event))
    for events in by_stream.values():
        while events:
            size = rng.randint(1, max_size)
            run, events = events[:size], events[size:]
            runs.append((run[0][0], [event for _, event in run]))
    batches = [run for _, run in sorted(runs, key=lambda r: r[0])]
    for index in range(len(batches)):
        if rng.random() < early and index > 0:
            ahead = rng.randint(max(0, index - 40), index - 1)
            batches.insert(ahead, batches.pop(index))
    for index in range(len(batches) - 1, -1, -1):
        if rng.random() < twice:
            batches.insert(rng.randint(index + 1, len(batches)), list(batches[index]))
    return batches


def deliver(handler: Handler, batches: Sequence[Sequence[RecordedEvent]]) -> int:
    """Invoke the handler per batch; failed records (and those after them, as Lambda does)
    are delivered again at the end. Returns the number of invocations."""
    numbers: dict[str, int] = {}
    queue = deque(list(b) for b in batches)
    invocations = 0
    while queue:
        events = queue.popleft()
        records = [
            record_of(e, str(numbers.setdefault(e.event_id, len(numbers) + 1))) for e in events
        ]
        invocations += 1
        try:
            failures = handler(batch(records)).get("batchItemFailures", [])
        except BatchProcessingError:  # every record failed
            queue.append(events)
            continue
        if failures:
            first = min(int(f["itemIdentifier"]) for f in failures)
            sequence = [numbers[e.event_id] for e in events]
            queue.append(events[sequence.index(first) :])
        if invocations > 100 * len(batches) + 1000:
            raise AssertionError("delivery does not converge")
    return invocations


class InjectedFault(Exception):
    pass


class FlakyViewStore:
    """The view store port over another, failing some writes before they happen (a crash)."""

    def __init__(self, inner: ViewStore, rng: random.Random, rate: float) -> None:
        self.inner = inner
        self._rng = rng
        self.rate = rate
        self.faults = 0

    def _maybe_fail(self) -> None:
        if self._rng.random() < self.rate:
            self.faults += 1
            raise InjectedFault("injected write failure")

    def get(self, key: RowKey) -> ViewItem | None:
        return self.inner.get(key)

    def get_many(self, keys: Sequence[RowKey]) -> dict[RowKey, ViewItem]:
        return self.inner.get_many(keys)

    def put(self, item: ViewItem) -> None:
        self._maybe_fail()
        self.inner.put(item)

    def put_many(self, items: Sequence[ViewItem]) -> None:
        for item in items:  # a batch write can fail part-way: some items written, not all
            self._maybe_fail()
            self.inner.put_many([item])

    def put_if(self, item: ViewItem, expected_rev: int) -> bool:
        self._maybe_fail()
        return self.inner.put_if(item, expected_rev)

    def put_newer(self, item: ViewItem) -> None:
        self._maybe_fail()
        self.inner.put_newer(item)

    def delete_older(self, key: RowKey, rev: int) -> None:
        self._maybe_fail()
        self.inner.delete_older(key, rev)

    def query(self, pk: str, descending: bool = False) -> Iterator[ViewItem]:
        return self.inner.query(pk, descending)

    def items(self) -> Iterator[ViewItem]:
        return self.inner.items()
