"""The view store port: the few item operations projecting needs, in any storage."""

from collections.abc import Iterator, Sequence
from typing import Protocol

from functions.shared.views.items import RowKey, ViewItem


class ViewStore(Protocol):
    def get(self, key: RowKey) -> ViewItem | None:
        """The item, read consistently; None if absent."""

    def get_many(self, keys: Sequence[RowKey]) -> dict[RowKey, ViewItem]:
        """The items of these keys that exist, read consistently (any number of keys)."""

    def put(self, item: ViewItem) -> None:
        """Write the item whatever is there (immutable items: ledger facts)."""

    def put_many(self, items: Sequence[ViewItem]) -> None:
        """`put` each item (any number; a key given twice: the last one). Not atomic: a failure
        may leave some of them written."""

    def put_newer(self, item: ViewItem) -> None:
        """Write the item unless the stored one is at `item.rev` or later (a stale writer
        never overwrites what a later step of the same stream wrote)."""

    def put_if(self, item: ViewItem, expected_rev: int) -> bool:
        """Write the item only if the stored one is at `expected_rev` (0: absent).
        False when another writer got there first."""

    def delete_older(self, key: RowKey, rev: int) -> None:
        """Delete the item if it is older than `rev` (absent: nothing to do)."""

    def query(self, pk: str, descending: bool = False) -> Iterator[ViewItem]:
        """The partition's items in sort key order, read consistently, lazily."""

    def items(self) -> Iterator[ViewItem]:
        """Every item (rebuilds and comparisons only: never on a request path)."""
