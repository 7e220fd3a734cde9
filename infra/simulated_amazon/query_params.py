"""Parsing of SP-API query parameters into values or Amazon-shaped 400 errors.

Strict, as Amazon's API gateway validates against its published models: enum values are
case-sensitive, date-times must be RFC 3339 (`format: date-time`) with a time zone, booleans are
`true` or `false`.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from datetime import UTC, datetime

from .http_types import Request


class InvalidInput(Exception):
    """A parameter problem, answered as 400 `{"errors":[{"code":"InvalidInput",...}]}`."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# RFC 3339 date-time: seconds required, optional fraction, `Z` or a `±HH:MM` offset.
_DATE_TIME = re.compile(
    r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})",
    re.ASCII,
)
_BOOLEANS = {"true": True, "false": False}


def required(request: Request, key: str) -> str:
    value = request.last(key)
    if value is None or not value.strip():
        raise InvalidInput(f"Missing required parameter: {key}")
    return value.strip()


def csv_list(request: Request, key: str) -> list[str]:
    """A comma-separated parameter. Only the last occurrence counts (see Request.last)."""
    value = request.last(key) or ""
    return [part.strip() for part in value.split(",") if part.strip()]


def enum_list(request: Request, key: str, allowed: Collection[str]) -> list[str]:
    """A comma-separated list whose every value must be one of `allowed`, exactly: Amazon
    refuses unknown and differently-cased values, and so blanks and padded values too."""
    value = request.last(key)
    if not value:
        return []
    values = value.split(",")
    unknown = [part for part in values if part not in allowed]
    if unknown:
        raise InvalidInput(
            f"{key} contains {', '.join(repr(part) for part in unknown)}, not among the "
            f"allowed values (case-sensitive): {', '.join(allowed)}"
        )
    return values


def parse_date_time(key: str, value: str) -> datetime:
    """An RFC 3339 date-time with its zone, as UTC. Raises InvalidInput on anything else:
    a bare date, a time without zone, `+0100`, a space for the `T`..."""
    problem = (
        f"{key} must be an ISO 8601 date-time with seconds and a time zone (Z or an offset "
        f"such as +01:00), e.g. 2024-01-31T00:00:00Z; got {value!r}"
    )
    if " " in value:
        # A `+` sent unencoded in a query string arrives as a space.
        problem += " (send a + in a query string as %2B)"
    if _DATE_TIME.fullmatch(value) is None:
        raise InvalidInput(problem)
    try:
        parsed = datetime.fromisoformat(value.upper())
    except ValueError:  # e.g. month 13, or 25 o'clock
        raise InvalidInput(problem) from None
    return parsed.astimezone(UTC)


def timestamp(request: Request, key: str) -> datetime | None:
    """An optional date-time parameter; sent but empty is refused like any malformed one."""
    value = request.last(key)
    if value is None:
        return None
    return parse_date_time(key, value)


def boolean(request: Request, key: str, default: bool) -> bool:
    value = request.last(key)
    if value is None:
        return default
    if value not in _BOOLEANS:
        raise InvalidInput(f"{key} must be true or false; got {value!r}")
    return _BOOLEANS[value]


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
