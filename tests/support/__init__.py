"""Helpers shared by the test suites: fresh names, a clock that never moves, and a cursor codec
with a key of its own."""

import secrets
import uuid
from datetime import UTC, datetime

from functions.shared.views.cursor import CursorCodec


def fresh_name(prefix: str) -> str:
    """A name no other test uses (tables, streams, ids), so tests never see each other's data."""
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


class FixedClock:
    """A clock that says what it is told, so recorded times are known in advance."""

    def __init__(self, now: datetime) -> None:
        self._now = now

    def now(self) -> datetime:
        return self._now

    def set(self, now: datetime) -> None:
        self._now = now


def fixed_clock(now: datetime = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)) -> FixedClock:
    return FixedClock(now)


def cursor_codec() -> CursorCodec:
    """Signs cursors with a random key, as the API does with the key in its secret store."""
    key = secrets.token_bytes(32)
    return CursorCodec(lambda: key)
