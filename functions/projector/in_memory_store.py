"""The view store in memory: same port, same items, for unit tests, rebuilds and benches.

Each partition keeps its sort keys in order, so a query reads the partition as DynamoDB does
(in key order, lazily: a consumer that stops early reads little) without sorting it.
"""

import bisect
import threading
from collections.abc import Iterator, Sequence

from functions.shared.views.items import RowKey, ViewItem


class _Partition:
    def __init__(self) -> None:
        self.items: dict[str, ViewItem] = {}
        self.order: list[str] = []  # the sort keys, in order

    def put(self, item: ViewItem) -> None:
        if item.sk not in self.items:
            bisect.insort(self.order, item.sk)
        self.items[item.sk] = item

    def delete(self, sk: str) -> None:
        del self.items[sk]
        del self.order[bisect.bisect_left(self.order, sk)]


class InMemoryViewStore:
    def __init__(self) -> None:
        self._partitions: dict[str, _Partition] = {}
        self._lock = threading.Lock()

    def get(self, key: RowKey) -> ViewItem | None:
        return self._get(key.pk, key.sk)

    def get_many(self, keys: Sequence[RowKey]) -> dict[RowKey, ViewItem]:
        found = ((key, self._get(key.pk, key.sk)) for key in keys)
        return {key: item for key, item in found if item is not None}

    def put(self, item: ViewItem) -> None:
        with self._lock:
            self._partition(item.pk).put(item)

    def put_many(self, items: Sequence[ViewItem]) -> None:
        for item in items:
            self.put(item)

    def put_if(self, item: ViewItem, expected_rev: int) -> bool:
        with self._lock:
            current = self._get(item.pk, item.sk)
            if expected_rev == 0 and current is not None:
                return False
            if expected_rev != 0 and (current is None or current.rev != expected_rev):
                return False
            self._partition(item.pk).put(item)
            return True

    def put_newer(self, item: ViewItem) -> None:
        with self._lock:
            current = self._get(item.pk, item.sk)
            if current is None or current.rev < item.rev:
                self._partition(item.pk).put(item)

    def delete_older(self, key: RowKey, rev: int) -> None:
        with self._lock:
            current = self._get(key.pk, key.sk)
            if current is not None and current.rev < rev:
                self._partitions[key.pk].delete(key.sk)

    def query(self, pk: str, descending: bool = False) -> Iterator[ViewItem]:
        with self._lock:
            partition = self._partitions.get(pk)
            if partition is None:
                return
            order, items = list(partition.order), dict(partition.items)  # as of now
        for sk in reversed(order) if descending else order:
            yield items[sk]

    def items(self) -> Iterator[ViewItem]:
        with self._lock:
            found = [item for p in self._partitions.values() for item in p.items.values()]
        return iter(found)

    def _get(self, pk: str, sk: str) -> ViewItem | None:
        partition = self._partitions.get(pk)
        return partition.items.get(sk) if partition else None

    def _partition(self, pk: str) -> _Partition:
        partition = self._partitions.get(pk)
        if partition is None:
            partition = self._partitions[pk] = _Partition()
        return partition
