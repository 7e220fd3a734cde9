"""What every command shares: the event metadata and the reload-and-retry loop."""

from collections.abc import Callable
from typing import TypeVar

from domain.event_store import EventContext
from domain.ports import Clock
from functions.api.auth import Caller
from functions.shared.aggregates import retry_on_conflict

R = TypeVar("R")
ATTEMPTS = 3


def event_context(caller: Caller, clock: Clock) -> EventContext:
    return EventContext(
        tenant_id=caller.tenant_id,
        actor=caller.actor,
        correlation_id=caller.correlation_id,
        causation_id=caller.causation_id,
        occurred_at=clock.now(),
    )


def with_retries(attempt: Callable[[], R]) -> R:
    """Reload and decide again when another writer moved a stream (bounded; then 409)."""
    return retry_on_conflict(attempt, attempts=ATTEMPTS)
