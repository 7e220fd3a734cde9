"""The view store in memory: same port, same items, for unit tests, rebuilds and benches."""

import threading
from collections.abc import Iterator

from functions.shared.views.items import RowKey, ViewItem


class InMemoryViewStore:
    def __init__(self) -> None:
        self._partitions: dict[str, dict[str, ViewItem]] = {}
        self._lock = threading.Lock()

    def get(self, key: RowKey) -> ViewItem | None:
        return self._partitions.get(key.pk, {}).get(key.sk)

    def put(self, item: ViewItem) -> None:
        with self._lock:
            self._partitions.setdefault(item.pk, {})[item.sk] = item

    def put_if(self, item: ViewItem, expected_rev: int) -> bool:
        with self._lock:
            current = self._partitions.get(item.pk, {}).get(item.sk)
            if expected_rev == 0 and current is not None:
                return False
            if expected_rev != 0 and (current is None or current.rev != expected_rev):
                return False
            self._partitions.setdefault(item.pk, {})[item.sk] = item
            return True

    def put_newer(self, item: ViewItem) -> None:
        with self._lock:
            partition = self._partitions.setdefault(item.pk, {})
            current = partition.get(item.sk)
            if current is None or current.rev < item.rev:
                partition[item.sk] = item

    def delete_older(self, key: RowKey, rev: int) -> None:
        with self._lock:
            partition = self._partitions.get(key.pk, {})
            current = partition.get(key.sk)
            if current is not None and current.rev < rev:
                del partition[key.sk]

    def query(self, pk: str, descending: bool = False) -> Iterator[ViewItem]:
        with self._lock:
            found = list(self._partitions.get(pk, {}).values())
        yield from sorted(found, key=lambda item: item.sk, reverse=descending)

    def items(self) -> Iterator[ViewItem]:
        with self._lock:
            found = [item for partition in self._partitions.values() for item in partition.values()]
        return iter(found)
