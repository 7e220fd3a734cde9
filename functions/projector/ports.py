"""The view store port: the few item operations projecting needs, in any storage."""

from collections.abc import Iterator
from typing import Protocol

from functions.shared.views.items import RowKey, ViewItem


class ViewStore(Protocol):
    def get(self, key: RowKey) -> ViewItem | None:
        """The item, read consistently; None if absent."""

    def put(self, item: ViewItem) -> None:
        """Write the item whatever is there (rows whose content is a pure function of a doc)."""

    def put_if(self, item: ViewItem, expected_rev: int) -> bool:
        """Write the item only if the stored one is at `expected_rev` (0: absent).
        False when another writer got there first."""

    def delete(self, key: RowKey) -> None: ...

    def query(self, pk: str, descending: bool = False) -> Iterator[ViewItem]:
        """The partition's items in sort key order, read consistently, lazily."""

    def items(self) -> Iterator[ViewItem]:
        """Every item (rebuilds and comparisons only: never on a request path)."""
