"""Ports the outside world implements for the domain: time and identity come in as arguments."""

from datetime import datetime
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware."""


class IdGenerator(Protocol):
    def new_id(self) -> str:
        """A new unique id."""
