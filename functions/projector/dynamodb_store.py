"""The view store on DynamoDB: single-item writes only (conditional where it matters)."""

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from functions.shared.tables import VIEWS_PK
from functions.shared.views.items import REV, RowKey, ViewItem, from_dynamo, key_of, to_dynamo

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient


class DynamoDBViewStore:
    def __init__(self, table_name: str, client: "DynamoDBClient") -> None:
        self._table = table_name
        self._client = client

    def get(self, key: RowKey) -> ViewItem | None:
        found = self._client.get_item(TableName=self._table, Key=key_of(key), ConsistentRead=True)
        return from_dynamo(found["Item"]) if "Item" in found else None

    def put(self, item: ViewItem) -> None:
        self._client.put_item(TableName=self._table, Item=to_dynamo(item))

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
        while True:
            page = call(**request)
            for raw in page["Items"]:
                yield from_dynamo(raw)
            if "LastEvaluatedKey" not in page:
                return
            request["ExclusiveStartKey"] = page["LastEvaluatedKey"]
