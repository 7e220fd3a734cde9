"""Rebuild every view from the log: the log is projected in memory through the same
projections and writer as live (each stream in order, in batches as the stream delivers them),
then bulk-written to a fresh table. The operator's command is `python -m infra.rebuild_views`.
"""

from collections.abc import Iterable, Iterator, Mapping, Sequence
from itertools import islice
from typing import TYPE_CHECKING

from domain.event_store import EventStore, RecordedEvent
from functions.projector.in_memory_store import InMemoryViewStore
from functions.projector.projector import Projector
from functions.shared.views.items import ViewItem, to_dynamo

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import WriteRequestOutputTypeDef, WriteRequestTypeDef

BATCH = 1_000  # events projected together (each stream's doc written once per batch)


def rebuild(events: EventStore, batch: int = BATCH) -> tuple[InMemoryViewStore, int]:
    views = InMemoryViewStore()
    projector = Projector(events, views)
    count = 0
    for chunk in batched(events.read_all(), batch):
        outcome = projector.project_batch(chunk)
        if outcome.failures:
            raise next(iter(outcome.failures.values()))
        count += len(chunk)
    return views, count


def batched(events: Iterable[RecordedEvent], size: int) -> Iterator[list[RecordedEvent]]:
    found = iter(events)
    while chunk := list(islice(found, size)):
        yield chunk


def write_all(client: "DynamoDBClient", table: str, items: Iterable[ViewItem]) -> int:
    """Bulk-load a fresh table (nothing to be conditional about: it holds nothing else)."""
    pending: list[WriteRequestTypeDef] = [
        {"PutRequest": {"Item": to_dynamo(item)}} for item in items
    ]
    total = len(pending)
    while pending:
        chunk, pending = pending[:25], pending[25:]
        request: Mapping[str, Sequence[WriteRequestTypeDef | WriteRequestOutputTypeDef]] = {
            table: chunk
        }
        while request:
            answer = client.batch_write_item(RequestItems=request)
            request = answer.get("UnprocessedItems") or {}
    return total
