"""The event store on DynamoDB: one item per event, keyed by (stream id, version).

Conflict detection is uniqueness of (stream, version): every event is put on the condition that
its key is still free, so of two writers at the same version exactly one wins.

Why checking "version n exists" before the write is enough (no ConditionCheck needed):
the put condition only proves that version n+1 is free; on its own it would let a writer whose
expected_version n is *ahead* of the stream write n+1 over a gap. So before writing we read
(consistently) the item at version n. Events are never deleted or rewritten, so "n exists" can
only go from false to true: what the read saw still holds when the put lands. By induction every
stream's versions are 1..k with no gap (version v is only ever written once v-1 exists), hence
"n exists and n+1 is free" at the moment of the put means the stream is at exactly n. One
consistent GetItem (0.5 RCU) is cheaper than a ConditionCheck, which would force even a
single-event append into a transaction (twice the write units, and slow on moto).
"""

from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.exceptions import ClientError

from domain.errors import ConcurrencyConflict
from domain.event_store import RecordedEvent, StreamAppend
from domain.streams import StreamId
from functions.shared.adapters.event_codec import Record, from_record, to_record
from functions.shared.tables import EVENTS_PK, EVENTS_SK

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef

MAX_TRANSACTION_ITEMS = 100
KEY_IS_FREE = f"attribute_not_exists({EVENTS_PK})"
# Reasons a transaction item fails because another writer got to the stream first. A
# TransactionConflict is another transaction writing the same key right now: reloading and
# re-deciding is the right answer to it too.
CONFLICT_REASONS = frozenset({"ConditionalCheckFailed", "TransactionConflict"})

Item = dict[str, Any]
_serializer = TypeSerializer()
_deserializer = TypeDeserializer()


class DynamoDBEventStore:
    def __init__(self, table_name: str, client: "DynamoDBClient", page_size: int | None = None):
        self._table = table_name
        self._client = client
        self._page_size = page_size  # None: DynamoDB's own 1 MB pages

    def append(self, appends: Sequence[StreamAppend]) -> None:
        _require_one_append_per_stream(appends)
        if len(appends) == 1 and len(appends[0].events) == 1:
            append = appends[0]
            self._require_version_exists(append.stream_id, append.expected_version)
            self._put_one(append.stream_id, append.events[0])
            return
        planned = [(a.stream_id, action) for a in appends for action in self._actions_for(a)]
        if not planned:
            return
        if len(planned) > MAX_TRANSACTION_ITEMS:
            raise ValueError(
                f"an append of {len(planned)} items exceeds DynamoDB's limit of "
                f"{MAX_TRANSACTION_ITEMS} items per transaction: split the decision"
            )
        for append in appends:
            self._require_version_exists(append.stream_id, append.expected_version)
        self._transact(planned)

    def read(
        self, stream_id: StreamId, from_version: int = 1, limit: int | None = None
    ) -> list[RecordedEvent]:
        first = max(from_version, 1)
        values = {":s": {"S": str(stream_id)}, ":v": {"N": str(first)}}
        condition = "#s = :s AND #v >= :v"
        if limit is not None:  # versions are contiguous: the range itself bounds the read
            condition = "#s = :s AND #v BETWEEN :v AND :last"
            values[":last"] = {"N": str(first + max(limit, 1) - 1)}
        query: dict[str, Any] = {
            "TableName": self._table,
            "ConsistentRead": True,
            "KeyConditionExpression": condition,
            "ExpressionAttributeNames": {"#s": EVENTS_PK, "#v": EVENTS_SK},
            "ExpressionAttributeValues": values,
        }
        return [_decode(item) for item in self._pages("query", query)]

    def read_all(self) -> Iterator[RecordedEvent]:
        # A scan returns items in no promised order: group them, then sort each stream.
        streams: dict[str, list[Item]] = defaultdict(list)
        for item in self._pages("scan", {"TableName": self._table, "ConsistentRead": True}):
            streams[item[EVENTS_PK]["S"]].append(item)
        for stream_id in sorted(streams):
            for item in sorted(streams[stream_id], key=lambda i: int(i[EVENTS_SK]["N"])):
                yield _decode(item)

    def _pages(self, operation: str, request: dict[str, Any]) -> Iterator[Item]:
        if self._page_size is not None:
            request["Limit"] = self._page_size
        call = getattr(self._client, operation)
        while True:
            page = call(**request)
            yield from page["Items"]
            if "LastEvaluatedKey" not in page:
                return
            request["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def _require_version_exists(self, stream_id: StreamId, version: int) -> None:
        if version < 0:
            raise ValueError(f"expected_version must be >= 0, got {version} for {stream_id}")
        if version == 0:
            return
        found = self._client.get_item(
            TableName=self._table,
            Key=_key(stream_id, version),
            ConsistentRead=True,
            ProjectionExpression="#v",
            ExpressionAttributeNames={"#v": EVENTS_SK},
        )
        if "Item" not in found:
            raise ConcurrencyConflict(
                f"stream {stream_id} is behind the expected version {version}: "
                f"it has no event {version}"
            )

    def _put_one(self, stream_id: StreamId, event: RecordedEvent) -> None:
        try:
            self._client.put_item(
                TableName=self._table,
                Item=_encode(event),
                ConditionExpression=KEY_IS_FREE,
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
        except ClientError as error:
            if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise
            # botocore retries a put whose response was lost; the retry then finds our own
            # event in place. That is a success, not a conflict.
            existing: Item = cast(Item, error.response).get("Item", {})
            if existing.get("event_id") == {"S": event.event_id}:
                return
            raise ConcurrencyConflict(
                f"stream {stream_id} already has version {event.version}"
            ) from error

    def _actions_for(self, append: StreamAppend) -> list["TransactWriteItemTypeDef"]:
        if not append.events:
            # Nothing to write, but the caller still relies on the stream not having moved.
            return [
                {
                    "ConditionCheck": {
                        "TableName": self._table,
                        "Key": _key(append.stream_id, append.expected_version + 1),
                        "ConditionExpression": KEY_IS_FREE,
                    }
                }
            ]
        return [
            {
                "Put": {
                    "TableName": self._table,
                    "Item": _encode(e),
                    "ConditionExpression": KEY_IS_FREE,
                }
            }
            for e in append.events
        ]

    def _transact(self, planned: list[tuple[StreamId, "TransactWriteItemTypeDef"]]) -> None:
        # botocore fills ClientRequestToken, so its own retries of this call are idempotent.
        try:
            self._client.transact_write_items(TransactItems=[action for _, action in planned])
        except ClientError as error:
            if error.response["Error"]["Code"] != "TransactionCanceledException":
                raise
            reasons = error.response.get("CancellationReasons", [])
            moved = sorted(
                {
                    str(owner)
                    for (owner, _), reason in zip(planned, reasons, strict=False)
                    if reason.get("Code") in CONFLICT_REASONS
                }
            )
            if not moved:
                raise
            raise ConcurrencyConflict(
                f"stream {', '.join(moved)} moved past the expected version; nothing was appended"
            ) from error


def _require_one_append_per_stream(appends: Sequence[StreamAppend]) -> None:
    streams = [append.stream_id for append in appends]
    if len(set(streams)) != len(streams):
        raise ValueError("each stream may appear only once in an append; merge its events")


def _key(stream_id: StreamId, version: int) -> Mapping[str, Any]:
    return {EVENTS_PK: {"S": str(stream_id)}, EVENTS_SK: {"N": str(version)}}


def _encode(event: RecordedEvent) -> Item:
    return {name: _serializer.serialize(value) for name, value in to_record(event).items()}


def _decode(item: Mapping[str, Any]) -> RecordedEvent:
    record: Record = {name: _deserializer.deserialize(value) for name, value in item.items()}
    for number in (EVENTS_SK, "schema_version"):
        if isinstance(record.get(number), Decimal):
            record[number] = int(record[number])
    return from_record(record)
