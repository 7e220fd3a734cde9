"""Rebuild every view from the log into a fresh table, and report how the live views differ.

    python -m infra.rebuild_views --events-table X --views-table Y [--compare-with Z]

Y must be new (it is created like the stack's views table) or empty. Exit 1 when Z differs
from Y. An operator's command, not Lambda code: the rebuild itself is the projector's
(`functions.projector.rebuild`); creating the table is the infrastructure's.
"""

import argparse
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from functions.projector.compare import differences
from functions.projector.dynamodb_store import DynamoDBViewStore
from functions.projector.rebuild import rebuild, write_all
from infra.local.tables import create_views_table

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient

SHOWN = 20


def prepare(client: "DynamoDBClient", table: str) -> None:
    try:
        count = client.scan(TableName=table, Select="COUNT", Limit=1)["Count"]
    except client.exceptions.ResourceNotFoundException:
        create_views_table(client, table)
        return
    if count:
        raise SystemExit(f"{table} is not empty: rebuild into a fresh table")


def main(argv: Sequence[str] | None = None, client: "DynamoDBClient | None" = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.rebuild_views")
    parser.add_argument("--events-table", required=True)
    parser.add_argument("--views-table", required=True, help="a new or empty table")
    parser.add_argument("--compare-with", help="the live views table to check")
    args = parser.parse_args(argv)
    if client is None:
        import boto3

        client = boto3.client("dynamodb")
    from functions.shared.adapters.dynamodb_event_store import DynamoDBEventStore

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
