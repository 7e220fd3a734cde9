"""Opt-in, seeded delivery quirks of SQS standard queues, which Amazon's notifications go
through: a message delivered twice (same NotificationId), messages out of order, a message
held back and delivered late (after the messages of a later send).

Off by default; `PUT /_sim/notifications/quirks` switches them on with a seed, so a failing
test replays the same deliveries. Switching them off delivers whatever is held back.
"""

from __future__ import annotations

import random
import threading
from typing import Generic, TypeVar

from .control_schema import DeliveryQuirksRequest

Message = TypeVar("Message")

# Past this many held-back messages, the oldest are delivered at the next send anyway.
MAX_HELD_MESSAGES = 1_000


class DeliveryQuirks(Generic[Message]):
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._settings: DeliveryQuirksRequest | None = None
        self._random = random.Random()
        self._held: list[Message] = []

    def configure(self, settings: DeliveryQuirksRequest | None) -> list[Message]:
        """Switch quirks on (anew, from the seed) or off; returns the messages held back until
        now, which the caller delivers."""
        with self._lock:
            self._settings = settings
            self._random = random.Random(settings.seed if settings else None)
            released, self._held = self._held, []
            return released

    def clear(self) -> None:
        """Off, and whatever is held back is lost (for `/_sim/reset`)."""
        with self._lock:
            self._settings = None
            self._held = []

    def status(self) -> dict[str, object]:
        with self._lock:
            settings = self._settings.model_dump() if self._settings else None
            return {"enabled": settings is not None, "settings": settings, "held": len(self._held)}

    def apply(self, messages: list[Message]) -> list[Message]:
        """What to deliver now, in order, for a send of `messages`: some held back, some
        twice, possibly shuffled, and the messages held back by the previous send at the end."""
        with self._lock:
            settings = self._settings
            if settings is None:
                return messages
            pick = self._random.random
            released = self._held[:]
            self._held = []
            now: list[Message] = []
            for message in messages:
                if pick() < settings.delay_rate:
                    self._held.append(message)
                    continue
                now.append(message)
                if pick() < settings.duplicate_rate:
                    now.append(message)
            if len(now) > 1 and pick() < settings.reorder_rate:
                self._random.shuffle(now)
            overflow = max(len(self._held) - MAX_HELD_MESSAGES, 0)
            released.extend(self._held[:overflow])
            del self._held[:overflow]
            return now + released
