"""Parsing of SP-API query parameters into values or Amazon-shaped 400 errors."""

from __future__ import annotations

from datetime import datetime

from .clock import parse_timestamp
from .http_types import Request


class InvalidInput(Exception):
    """A parameter problem, answered as 400 `{"errors":[{"code":"InvalidInput",...}]}`."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def required(request: Request, key: str) -> str:
    value = request.last(key)
    if value is None or not value.strip():
        raise InvalidInput(f"Missing required parameter: {key}")
    return value.strip()


def csv_list(request: Request, key: str) -> list[str]:
    """A comma-separated parameter. Only the last occurrence counts (see Request.last)."""
    value = request.last(key) or ""
    return [part.strip() for part in value.split(",") if part.strip()]


def timestamp(request: Request, key: str) -> datetime | None:
    value = request.last(key)
    if value is None or not value.strip():
        return None
    try:
        return parse_timestamp(value)
    except ValueError:
        raise InvalidInput(
            f"{key} must be an ISO-8601 date-time such as 2024-01-31T00:00:00Z; got {value!r}"
        ) from None


def date_range(request: Request) -> tuple[datetime, datetime]:
    """LastUpdatedAfter and LastUpdatedBefore, both required for DATE_RANGE, both inclusive."""
    after = timestamp(request, "LastUpdatedAfter")
    before = timestamp(request, "LastUpdatedBefore")
    if after is None or before is None:
        raise InvalidInput(
            "LastUpdatedAfter and LastUpdatedBefore are required when QueryType is DATE_RANGE"
        )
    if after > before:
        raise InvalidInput("LastUpdatedAfter must be before LastUpdatedBefore")
    return after, before
