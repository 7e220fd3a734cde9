"""The real clock and id generator (the domain receives them through its ports)."""

import uuid
from datetime import UTC, datetime


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class RandomIds:
    def new_id(self) -> str:
        return uuid.uuid4().hex
