"""The view store on DynamoDB: single-item writes, conditional where it matters, and batch
reads and writes where nothing is conditional."""

import time
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, Final

from botocore.exceptions import ClientError

from functions.shared.tables import VIEWS_PK
from functions.shared.views.items import REV, RowKey, ViewItem, from_dynamo, key_of, to_dynamo

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient

BATCH_GET: Final = 100  # BatchGetItem's limit
BATCH_WRITE: Final = 25  # BatchWriteItem's limit
MAX_BATCH_ATTEMPTS: Final = 8  # unprocessed keys or items (throttling) retried with backoff
FIRST_BACKOFF: Final = 0.05  # seconds, doubled every attempt


class Unprocessed(Exception):
    """DynamoDB kept leaving part of a batch unprocessed (throttled): the record is retried."""


class DynamoDBViewStore:
    def __init__(
        self,
        table_name: str,
        client: "DynamoDBClient",
        page_size: int | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._table = table_name
        self._client = client
        self._page_size = page_size
        self._sleep = sleep

    def get(self, key: RowKey) -> ViewItem | None:
        found = self._client.get_item(TableName=self._table, Key=key_of(key), ConsistentRead=True)
        return from_dynamo(found["Item"]) if "Item" in found else None

    def get_many(self, keys: Sequence[RowKey]) -> dict[RowKey, ViewItem]:
        found: dict[RowKey, ViewItem] = {}
        wanted = list(dict.fromkeys(keys))
        for start in range(0, len(wanted), BATCH_GET):
            chunk = [key_of(key) for key in wanted[start : start + BATCH_GET]]
            request: Any = {self._table: {"Keys": chunk, "ConsistentRead": True}}
            for attempt in range(MAX_BATCH_ATTEMPTS):
                answer = self._client.batch_get_item(RequestItems=request)
                for raw in answer["Responses"].get(self._table, []):
                    item = from_dynamo(raw)
                    found[item.key] = item
                request = answer.get("UnprocessedKeys")
                if not request:
                    break
                self._sleep(FIRST_BACKOFF * 2**attempt)
            else:
                raise Unprocessed(f"{self._table}: keys left unprocessed")
        return found

    def put(self, item: ViewItem) -> None:
        self._client.put_item(TableName=self._table, Item=to_dynamo(item))

    def put_many(self, items: Sequence[ViewItem]) -> None:
        latest = list({(item.pk, item.sk): item for item in items}.values())  # a key once
        for start in range(0, len(latest), BATCH_WRITE):
            chunk = latest[start : start + BATCH_WRITE]
            request: Any = {self._table: [{"PutRequest": {"Item": to_dynamo(i)}} for i in chunk]}
            for attempt in range(MAX_BATCH_ATTEMPTS):
                answer = self._client.batch_write_item(RequestItems=request)
                request = answer.get("UnprocessedItems")
                if not request:
                    break
                self._sleep(FIRST_BACKOFF * 2**attempt)
            else:
                raise Unprocessed(f"{self._table}: items left unprocessed")

    def put_if(self, item: ViewItem, expected_rev: int) -> bool:
        condition: dict[str, Any] = (
            {
                "ConditionExpression": "attribute_not_exists(#pk)",
                "ExpressionAttributeNames": {"#pk": VIEWS_PK},
            }
            if expected_rev == 0
            else {
                "ConditionExpression": "#rev = :rev",
                "ExpressionAttributeNames": {"#rev": REV},
                "ExpressionAttributeValues": {":rev": {"N": str(expected_rev)}},
            }
        )
        return self._conditionally(self._client.put_item, Item=to_dynamo(item), **condition)

    def put_newer(self, item: ViewItem) -> None:
        self._conditionally(
            self._client.put_item,
            Item=to_dynamo(item),
            ConditionExpression="attribute_not_exists(#pk) OR #rev < :rev",
            ExpressionAttributeNames={"#pk": VIEWS_PK, "#rev": REV},
            ExpressionAttributeValues={":rev": {"N": str(item.rev)}},
        )

    def delete_older(self, key: RowKey, rev: int) -> None:
        self._conditionally(
            self._client.delete_item,
            Key=key_of(key),
            ConditionExpression="#rev < :rev",
            ExpressionAttributeNames={"#rev": REV},
            ExpressionAttributeValues={":rev": {"N": str(rev)}},
        )

    def _conditionally(self, write: Any, **request: Any) -> bool:
        try:
            write(TableName=self._table, **request)
        except ClientError as error:
            if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def query(self, pk: str, descending: bool = False) -> Iterator[ViewItem]:
        request: dict[str, Any] = {
            "TableName": self._table,
            "ConsistentRead": True,
            "KeyConditionExpression": "#pk = :pk",
            "ExpressionAttributeNames": {"#pk": VIEWS_PK},
            "ExpressionAttributeValues": {":pk": {"S": pk}},
            "ScanIndexForward": not descending,
        }
        yield from self._pages("query", request)

    def items(self) -> Iterator[ViewItem]:
        yield from self._pages("scan", {"TableName": self._table, "ConsistentRead": True})

    def _pages(self, operation: str, request: dict[str, Any]) -> Iterator[ViewItem]:
        call = getattr(self._client, operation)
        if self._page_size is not None:
            request["Limit"] = self._page_size
        while True:
            page = call(**request)
            for raw in page["Items"]:
                yield from_dynamo(raw)
            if "LastEvaluatedKey" not in page:
                return
            request["ExclusiveStartKey"] = page["LastEvaluatedKey"]
