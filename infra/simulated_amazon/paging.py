"""NextToken bookkeeping shared by the paged SP-API operations.

A query's full result (as keys) is snapshotted when it is first asked; a token names a position
in that snapshot. Pages render the current data for those keys, so a page fetched later shows
newer quantities, but never shifts items between pages.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, Literal, TypeVar

from .identifiers import new_next_token

CursorKind = Literal["shipments", "items", "inventory"]
Key = TypeVar("Key", bound=Hashable)

# Old tokens are forgotten past this many, like expired tokens at Amazon; keeps memory bounded.
MAX_REMEMBERED_TOKENS = 20_000


@dataclass(frozen=True)
class Page(Generic[Key]):
    keys: Sequence[Key]
    next_offset: int | None


def paginate(keys: Sequence[Key], offset: int, page_size: int) -> Page[Key]:
    """One page of `keys` from `offset`.

    A full page always carries a next offset, even when nothing follows: with a result size that
    is an exact multiple of the page size, the last token leads to an empty page, as Amazon's
    sometimes does. Clients must stop on an empty page.
    """
    page = keys[offset : offset + page_size]
    next_offset = offset + page_size if len(page) == page_size else None
    return Page(page, next_offset)


@dataclass(frozen=True)
class Cursor(Generic[Key]):
    kind: CursorKind
    seller_id: str
    marketplace_id: str
    keys: tuple[Key, ...]
    offset: int
    issued_at: datetime
    # Inventory only: the query's `details`, and its `startDateTime`, which Amazon wants
    # resent with the token.
    details: bool = False
    start_date_time: datetime | None = None


class CursorRegistry:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._cursors: OrderedDict[str, Cursor[Any]] = OrderedDict()

    def issue(self, cursor: Cursor[Any]) -> str:
        token = new_next_token()
        with self._lock:
            self._cursors[token] = cursor
            while len(self._cursors) > MAX_REMEMBERED_TOKENS:
                self._cursors.popitem(last=False)
        return token

    def find(self, token: str) -> Cursor[Any] | None:
        # Tokens stay valid after use so that a client may retry a page after a 429 or 500.
        with self._lock:
            return self._cursors.get(token)

    def clear(self) -> None:
        with self._lock:
            self._cursors.clear()
