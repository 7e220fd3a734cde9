"""Rebuild every view from the log into a fresh table, and report how the live views differ.

    python -m functions.projector.rebuild --events-table X --views-table Y [--compare-with Z]

The log is projected in memory through the same projections and writer as live (each stream
in order, in batches as the stream delivers them), then written to Y, which must be new or
empty. Exit 1 when Z differs from Y.
"""

import argparse
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from itertools import islice
from typing import TYPE_CHECKING

from domain.event_store import EventStore, RecordedEvent
from functions.projector.compare import differences
from functions.projector.dynamodb_store import DynamoDBViewStore
from functions.projector.in_memory_store import InMemoryViewStore
from functions.projector.projector import Projector
from functions.shared.views.items import ViewItem, to_dynamo

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import WriteRequestOutputTypeDef, WriteRequestTypeDef

SHOWN = 20
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


def prepare(client: "DynamoDBClient", table: str) -> None:
    try:
        count = client.scan(TableName=table, Select="COUNT", Limit=1)["Count"]
    except client.exceptions.ResourceNotFoundException:
        from infra.local.tables import create_views_table

        create_views_table(client, table)
        return
    if count:
        raise SystemExit(f"{table} is not empty: rebuild into a fresh table")


def main(argv: Sequence[str] | None = None, client: "DynamoDBClient | None" = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m functions.projector.rebuild")
    parser.add_argument("--events-table", required=True)
    parser.add_argument("--views-table", required=True, help="a new or empty table")
    parser.add_argument("--compare-with", help="the live views table to check")
    args = parser.parse_args(argv)
    if client is None:
        import boto3

        client = boto3.client("dynamodb")
    from functions.shared.dynamodb_event_store import DynamoDBEventStore

    prepare(client, args.views_table)
    views, events = rebuild(DynamoDBEventStore(args.events_table, client))
    written = write_all(client, args.views_table, views.items())
    print(f"rebuilt {written} view items from {events} events into {args.views_table}")
    if not args.compare_with:
        return 0
    rebuilt = DynamoDBViewStore(args.views_table, client).items()
    live = DynamoDBViewStore(args.compare_with, client).items()
    found = differences(rebuilt, live)
    for difference in found[:SHOWN]:
        print(difference.describe())
    print(f"{len(found)} difference(s) between {args.views_table} and {args.compare_with}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
