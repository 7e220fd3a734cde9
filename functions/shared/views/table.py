"""Reading the views table: items by key, and pages of one partition of the table or an index."""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from functions.shared.tables import (
    VIEWS_GSI1,
    VIEWS_GSI1_PK,
    VIEWS_GSI1_SK,
    VIEWS_GSI2,
    VIEWS_GSI2_PK,
    VIEWS_GSI2_SK,
    VIEWS_PK,
    VIEWS_SK,
)
from functions.shared.views.cursor import CursorCodec
from functions.shared.views.items import FILTER_PREFIX, RowKey, ViewItem, from_dynamo, key_of

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient

MAX_PAGE = 500
# Queries one page may make: a selective filter answers a short page (with a cursor) rather
# than read a whole partition in one request.
MAX_ROUNDS = 10
# index name (None: the table) -> its partition and sort key attributes
KEYS: dict[str | None, tuple[str, str]] = {
    None: (VIEWS_PK, VIEWS_SK),
    VIEWS_GSI1: (VIEWS_GSI1_PK, VIEWS_GSI1_SK),
    VIEWS_GSI2: (VIEWS_GSI2_PK, VIEWS_GSI2_SK),
}


@dataclass(frozen=True)
class Condition:
    """A filter beyond equality on a row's filter attribute (strings compare in order)."""

    name: str
    op: Literal["<", "<=", ">", ">=", "contains"]
    value: str

    def expression(self, name: str, value: str) -> str:
        if self.op == "contains":
            return f"contains({name}, {value})"
        return f"{name} {self.op} {value}"


@dataclass(frozen=True)
class Partition:
    """One partition of the table or of an index, optionally bounded above by sort key."""

    value: str
    index: str | None = None
    below: str | None = None  # only sort keys strictly below this


class ViewTable:
    def __init__(self, table_name: str, client: "DynamoDBClient", cursors: CursorCodec) -> None:
        self._table = table_name
        self._client = client
        self._cursors = cursors

    def get(self, key: RowKey) -> ViewItem | None:
        found = self._client.get_item(TableName=self._table, Key=key_of(key))
        return from_dynamo(found["Item"]) if "Item" in found else None

    def get_many(self, wanted: Sequence[RowKey]) -> dict[RowKey, ViewItem]:
        found: dict[RowKey, ViewItem] = {}
        pending = [key_of(key) for key in dict.fromkeys(wanted)]
        while pending:
            chunk, pending = pending[:100], pending[100:]
            request: Any = {self._table: {"Keys": chunk}}
            while request:
                answer = self._client.batch_get_item(RequestItems=request)
                for raw in answer["Responses"].get(self._table, []):
                    item = from_dynamo(raw)
                    found[item.key] = item
                request = answer.get("UnprocessedKeys") or None
        return found

    def page(
        self,
        partition: Partition,
        limit: int,
        cursor: str | None = None,
        filters: dict[str, str] | None = None,
        descending: bool = True,
        conditions: Sequence[Condition] = (),
    ) -> tuple[list[ViewItem], str | None]:
        """Up to `limit` items matching `filters` (equal) and `conditions`, and the cursor of
        the next page (or None). A selective filter may answer fewer items, with a cursor."""
        start, _ = self.start_of(partition, cursor)
        items, last_key = self.page_from(partition, limit, start, filters, descending, conditions)
        return items, self.cursor_after(partition, last_key)

    def start_of(
        self, partition: Partition, cursor: str | None
    ) -> tuple[dict[str, Any] | None, dict[str, int]]:
        """Where a cursor says the next page starts, and what it carried over."""
        if cursor is None:
            return None, {}
        pk_name, _ = KEYS[partition.index]
        return self._cursors.decode_with_carry(cursor, partition.value, pk_name)

    def cursor_after(
        self,
        partition: Partition,
        last_key: dict[str, Any] | None,
        carry: dict[str, int] | None = None,
    ) -> str | None:
        return None if last_key is None else self._cursors.encode(partition.value, last_key, carry)

    def page_from(
        self,
        partition: Partition,
        limit: int,
        start: dict[str, Any] | None,
        filters: dict[str, str] | None = None,
        descending: bool = True,
        conditions: Sequence[Condition] = (),
    ) -> tuple[list[ViewItem], dict[str, Any] | None]:
        """Up to `limit` items after `start`, and the key to go on from if more may follow
        (at most MAX_ROUNDS queries: then a short page)."""
        if not 1 <= limit <= MAX_PAGE:
            raise ValueError(f"limit must be between 1 and {MAX_PAGE}")
        request = self._request(partition, filters or {}, descending, conditions)
        if start is not None:
            request["ExclusiveStartKey"] = start
        items: list[ViewItem] = []
        raw_last: dict[str, Any] = {}
        for _ in range(MAX_ROUNDS):
            answer = self._client.query(**request, Limit=limit - len(items))
            for raw in answer["Items"]:
                items.append(from_dynamo(raw))
                raw_last = raw
            if "LastEvaluatedKey" not in answer:
                return items, None
            request["ExclusiveStartKey"] = answer["LastEvaluatedKey"]
            if len(items) == limit:
                key_names = {VIEWS_PK, VIEWS_SK, *KEYS[partition.index]}
                return items, {name: raw_last[name] for name in key_names}
        last_key: dict[str, Any] = request["ExclusiveStartKey"]
        return items, last_key

    def all(self, partition: Partition, descending: bool = False) -> Iterator[ViewItem]:
        request = self._request(partition, {}, descending)
        while True:
            answer = self._client.query(**request)
            yield from (from_dynamo(raw) for raw in answer["Items"])
            if "LastEvaluatedKey" not in answer:
                return
            request["ExclusiveStartKey"] = answer["LastEvaluatedKey"]

    def _request(
        self,
        partition: Partition,
        filters: dict[str, str],
        descending: bool,
        conditions: Sequence[Condition] = (),
    ) -> dict[str, Any]:
        pk_name, sk_name = KEYS[partition.index]
        condition = "#pk = :pk"
        names = {"#pk": pk_name}
        values: dict[str, Any] = {":pk": {"S": partition.value}}
        if partition.below is not None:
            condition += " AND #sk < :below"
            names["#sk"] = sk_name
            values[":below"] = {"S": partition.below}
        request: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": condition,
            "ScanIndexForward": not descending,
        }
        if partition.index is not None:
            request["IndexName"] = partition.index
        clauses = []
        for n, (name, value) in enumerate(sorted(filters.items())):
            names[f"#f{n}"] = FILTER_PREFIX + name
            values[f":f{n}"] = {"S": value}
            clauses.append(f"#f{n} = :f{n}")
        for n, cond in enumerate(conditions):
            names[f"#c{n}"] = FILTER_PREFIX + cond.name
            values[f":c{n}"] = {"S": cond.value}
            clauses.append(cond.expression(f"#c{n}", f":c{n}"))
        if clauses:
            request["FilterExpression"] = " AND ".join(clauses)
        request["ExpressionAttributeNames"] = names
        request["ExpressionAttributeValues"] = values
        return request
