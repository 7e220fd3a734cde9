"""Typed access to the operational state table: one pydantic document per (pk, sk) item.

An item holds its document as JSON (`doc`), a revision for optimistic concurrency (`rev`) and,
when short-lived, the TTL attribute. DynamoDB deletes expired items late (up to days after), so
conditions and readers that care compare `expires_at` with the time themselves.
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from botocore.exceptions import ClientError
from pydantic import BaseModel

from functions.shared.tables import STATE_PK, STATE_SK, STATE_TTL

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient

M = TypeVar("M", bound=BaseModel)


class StaleRevision(Exception):
    """Someone else wrote the item since we read it."""


@dataclass(frozen=True)
class Stored(Generic[M]):
    doc: M
    rev: int
    expires_at: int | None


class StateTable:
    def __init__(self, table_name: str, client: "DynamoDBClient") -> None:
        self.table_name = table_name
        self._client = client

    def get(self, pk: str, sk: str, model: type[M]) -> Stored[M] | None:
        found = self._client.get_item(
            TableName=self.table_name, Key=_key(pk, sk), ConsistentRead=True
        )
        item = found.get("Item")
        return None if item is None else _stored(item, model)

    def query(self, pk: str, model: type[M], sk_prefix: str = "") -> list[tuple[str, Stored[M]]]:
        request: dict[str, Any] = {
            "TableName": self.table_name,
            "ConsistentRead": True,
            "KeyConditionExpression": "#pk = :pk",
            "ExpressionAttributeNames": {"#pk": STATE_PK},
            "ExpressionAttributeValues": {":pk": {"S": pk}},
        }
        if sk_prefix:
            request["KeyConditionExpression"] += " AND begins_with(#sk, :prefix)"
            request["ExpressionAttributeNames"]["#sk"] = STATE_SK
            request["ExpressionAttributeValues"][":prefix"] = {"S": sk_prefix}
        rows: list[tuple[str, Stored[M]]] = []
        while True:
            page = self._client.query(**request)
            rows += [(item[STATE_SK]["S"], _stored(item, model)) for item in page["Items"]]
            if "LastEvaluatedKey" not in page:
                return rows
            request["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def put(self, pk: str, sk: str, doc: BaseModel, *, expires_at: int | None = None) -> None:
        self._client.put_item(TableName=self.table_name, Item=_item(pk, sk, doc, 1, expires_at))

    def put_at_revision(
        self, pk: str, sk: str, doc: BaseModel, expected_rev: int, *, expires_at: int | None = None
    ) -> int:
        """Write if the item is still at `expected_rev` (0: absent); returns the new revision."""
        condition, values = (
            ("attribute_not_exists(#pk)", {})
            if expected_rev == 0
            else ("#rev = :rev", {":rev": {"N": str(expected_rev)}})
        )
        self._conditional_put(_item(pk, sk, doc, expected_rev + 1, expires_at), condition, values)
        return expected_rev + 1

    def put_if_absent(self, pk: str, sk: str, doc: BaseModel, *, expires_at: int, now: int) -> bool:
        """Claim the key unless a live (unexpired) item holds it; True if we got it."""
        try:
            self._conditional_put(
                _item(pk, sk, doc, 1, expires_at),
                "attribute_not_exists(#pk) OR #ttl < :now",
                {":now": {"N": str(now)}},
            )
        except StaleRevision:
            return False
        return True

    def delete(self, pk: str, sk: str) -> None:
        self._client.delete_item(TableName=self.table_name, Key=_key(pk, sk))

    def take(self, pk: str, sk: str, model: type[M]) -> Stored[M] | None:
        """Delete the item and return what it held: of callers racing for one item, exactly
        one gets it (DynamoDB returns the old item only to the delete that removed it)."""
        deleted = self._client.delete_item(
            TableName=self.table_name, Key=_key(pk, sk), ReturnValues="ALL_OLD"
        )
        item = deleted.get("Attributes")
        return None if item is None else _stored(item, model)

    def _conditional_put(
        self, item: dict[str, Any], condition: str, values: dict[str, Any]
    ) -> None:
        names = {}
        if "#pk" in condition:
            names["#pk"] = STATE_PK
        if "#rev" in condition:
            names["#rev"] = "rev"
        if "#ttl" in condition:
            names["#ttl"] = STATE_TTL
        request: dict[str, Any] = {
            "TableName": self.table_name,
            "Item": item,
            "ConditionExpression": condition,
            "ExpressionAttributeNames": names,
        }
        if values:
            request["ExpressionAttributeValues"] = values
        try:
            self._client.put_item(**request)
        except ClientError as error:
            if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
                raise StaleRevision(f"{item[STATE_PK]['S']} / {item[STATE_SK]['S']}") from None
            raise


def _key(pk: str, sk: str) -> dict[str, Any]:
    return {STATE_PK: {"S": pk}, STATE_SK: {"S": sk}}


def _item(pk: str, sk: str, doc: BaseModel, rev: int, expires_at: int | None) -> dict[str, Any]:
    item = {**_key(pk, sk), "doc": {"S": doc.model_dump_json()}, "rev": {"N": str(rev)}}
    if expires_at is not None:
        item[STATE_TTL] = {"N": str(int(expires_at))}
    return item


def _stored(item: dict[str, Any], model: type[M]) -> Stored[M]:
    ttl = item.get(STATE_TTL)
    return Stored(
        doc=model.model_validate_json(item["doc"]["S"]),
        rev=int(item.get("rev", {"N": "0"})["N"]),
        expires_at=int(ttl["N"]) if ttl else None,
    )
