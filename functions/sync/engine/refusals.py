"""Telling a write refused for good from a failure worth retrying.

A shipment whose events the event store will never take (an item over DynamoDB's 400 KB limit,
a value DynamoDB refuses), or that the domain refuses to turn into events (a validation error),
fails the same way on every retry: failing the run for it would stall the connection (its jobs
wait behind it in their FIFO group). Such a shipment is set aside and reported instead. A
throttled or unreachable store, or a concurrent writer, is not a refusal: the run fails (or
re-decides) as before.
"""

from typing import Any

from botocore.exceptions import ClientError
from pydantic import ValidationError

from domain.errors import ConcurrencyConflict, DomainError

STORE_REFUSES = "ValidationException"
TRANSACTION_CANCELLED = "TransactionCanceledException"
ITEM_REFUSED = "ValidationError"  # a cancelled transaction's reason for the item it refused


def refusal(error: Exception) -> str | None:
    """Why `error` refuses the write for good, in words that echo no value; None: it does not."""
    if isinstance(error, ConcurrencyConflict):
        return None
    if isinstance(error, DomainError):
        return f"the domain refused its events ({error.code})"
    if isinstance(error, ValidationError):
        count = error.error_count()
        return f"the domain refused its events ({count} invalid value(s) in {error.title})"
    if isinstance(error, ClientError):
        return _store_refusal(error.response)
    return None


def _store_refusal(response: Any) -> str | None:
    failure = response.get("Error", {})
    code = failure.get("Code")
    if code == STORE_REFUSES:
        messages = [str(failure.get("Message", ""))]
    elif code == TRANSACTION_CANCELLED:
        reasons = response.get("CancellationReasons") or []
        messages = [str(r.get("Message", "")) for r in reasons if r.get("Code") == ITEM_REFUSED]
        if not messages:
            return None  # a conflict or a transaction in progress: not a refusal
    else:
        return None
    if any("size" in message.lower() for message in messages):
        return "the event store refused its events: an item over DynamoDB's 400 KB limit"
    return f"the event store refused its events ({code})"
