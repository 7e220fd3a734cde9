"""Rows kept under optimistic locking (`rev`): the writer's stock rows and listing-day sales
rows.

A row is updated read-modify-write: its changes are applied to it as stored, and it is
written on the condition that its `rev` has not moved; when it has (another writer got there
first), it is read again and the changes applied again, at most MAX_ROW_ATTEMPTS times. Each
row records, per source stream, the last version it applied, so applying a change twice
changes nothing: a row that already holds every change is not written. Rows are kept in memory once
read or written: a stale one only costs a lost conditional write and a re-read.
"""

from collections.abc import Callable, Hashable
from typing import Final, Generic, TypeVar

from pydantic import BaseModel

from functions.projector.lru import Lru
from functions.projector.ports import ViewStore
from functions.shared.views.items import RowKey, ViewItem

MAX_ROW_ATTEMPTS: Final = 25

W = TypeVar("W", bound=Hashable)  # where a row is: its tenant, warehouse, SKU (and day)
S = TypeVar("S", bound=BaseModel)  # the row's state


class RowContention(Exception):
    """A stock or sales row kept moving under us: the record fails and is retried."""


class RevRows(Generic[W, S]):
    def __init__(
        self,
        store: ViewStore,
        cached: int,
        key: Callable[[W], RowKey],
        item: Callable[[S, int], ViewItem],  # the row's item at a rev
        state: type[S],
    ) -> None:
        self._store = store
        self._kept: Lru[W, tuple[int, S]] = Lru(cached)
        self._key = key
        self._item = item
        self._state = state

    def known(self, where: W) -> tuple[int, S] | None:
        """The row as last read or written here (its rev and state), if kept."""
        return self._kept.get(where)

    def read(self, wheres: list[W]) -> dict[W, tuple[int, S] | None]:
        """The rows as stored (None: none yet), in one batch read."""
        found = self._store.get_many([self._key(where) for where in wheres])
        return {where: self._parsed(found.get(self._key(where))) for where in wheres}

    def update(
        self,
        where: W,
        stored: tuple[int, S] | None,
        apply: Callable[[tuple[int, S] | None, bool], S | None],
    ) -> None:
        """Write `apply(row, reread)`: `row` is `stored` first (`reread` False), then the row as
        read again after each lost race (True). `apply` returns the row's state itself (or
        None, for no row) when the changes are all in it already: nothing is written then."""
        key = self._key(where)
        for attempt in range(MAX_ROW_ATTEMPTS):
            if attempt:
                stored = self._parsed(self._store.get(key))
            rev, state = stored if stored else (0, None)
            updated = apply(stored, attempt > 0)
            if updated is None or updated is state:
                if stored is not None:
                    self._kept.put(where, stored)
                return
            self._kept.drop(where)  # until the write says what is stored
            if self._store.put_if(self._item(updated, rev + 1), expected_rev=rev):
                self._kept.put(where, (rev + 1, updated))
                return
        raise RowContention(f"row {key.pk} {key.sk} kept changing")

    def _parsed(self, item: ViewItem | None) -> tuple[int, S] | None:
        return (item.rev, item.parse(self._state)) if item else None
