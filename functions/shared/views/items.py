"""A views-table item as the projector writes it and the queries read it, in any store.

`data` is the JSON of one typed model (kept as a string so it round-trips exactly); `filters`
are copies of a few fields as top-level attributes, for filter expressions; `rev` counts the
conditional writes of the item (optimistic locking) and is not part of the view.
"""

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from functions.shared.tables import (
    VIEWS_GSI1_PK,
    VIEWS_GSI1_SK,
    VIEWS_GSI2_PK,
    VIEWS_GSI2_SK,
    VIEWS_PK,
    VIEWS_SK,
)

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import AttributeValueTypeDef

M = TypeVar("M", bound=BaseModel)

KIND: Final = "kind"
DATA: Final = "data"
REV: Final = "rev"
FILTER_PREFIX: Final = "f_"
_INDEX_KEYS: Final = (VIEWS_GSI1_PK, VIEWS_GSI1_SK, VIEWS_GSI2_PK, VIEWS_GSI2_SK)

DynamoItem = dict[str, "AttributeValueTypeDef"]


class RowKey(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)

    pk: str
    sk: str


class ViewItem(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)

    pk: str
    sk: str
    gsi1pk: str | None = None
    gsi1sk: str | None = None
    gsi2pk: str | None = None
    gsi2sk: str | None = None
    kind: str
    data: str
    filters: dict[str, str] = Field(default_factory=dict)  # a factory: no deep copy of a default
    rev: int = 0

    @property
    def key(self) -> RowKey:
        return RowKey(pk=self.pk, sk=self.sk)

    def parse(self, model: type[M]) -> M:
        return model.model_validate_json(self.data)

    def content(self) -> "ViewItem":
        """The item without its write counter: what two equal views have in common."""
        return self.model_copy(update={"rev": 0})

    @classmethod
    def of(cls, pk: str, sk: str, kind: str, model: BaseModel, **extra: Any) -> "ViewItem":
        # Plain validation: for these few string fields it is faster than `model_construct`.
        return cls(pk=pk, sk=sk, kind=kind, data=model.model_dump_json(), **extra)


def to_dynamo(item: ViewItem) -> DynamoItem:
    encoded: DynamoItem = {
        VIEWS_PK: {"S": item.pk},
        VIEWS_SK: {"S": item.sk},
        KIND: {"S": item.kind},
        DATA: {"S": item.data},
        REV: {"N": str(item.rev)},
    }
    for name in _INDEX_KEYS:
        value = getattr(item, name)
        if value is not None:
            encoded[name] = {"S": value}
    for name, value in item.filters.items():
        encoded[FILTER_PREFIX + name] = {"S": value}
    return encoded


def from_dynamo(raw: Mapping[str, Any]) -> ViewItem:
    return ViewItem(
        pk=raw[VIEWS_PK]["S"],
        sk=raw[VIEWS_SK]["S"],
        kind=raw[KIND]["S"],
        data=raw[DATA]["S"],
        rev=int(raw[REV]["N"]),
        filters={
            name.removeprefix(FILTER_PREFIX): value["S"]
            for name, value in raw.items()
            if name.startswith(FILTER_PREFIX)
        },
        **{name: raw[name]["S"] for name in _INDEX_KEYS if name in raw},
    )


def key_of(key: RowKey) -> DynamoItem:
    return {VIEWS_PK: {"S": key.pk}, VIEWS_SK: {"S": key.sk}}
