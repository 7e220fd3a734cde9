"""Parameters several routes share, with the limits the OpenAPI document states."""

import re
from datetime import UTC, datetime, timedelta
from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Header, Path, Query
from pydantic import AfterValidator, AwareDatetime, BeforeValidator

from functions.api.models.common import ID_PATTERN, MAX_PAGE

EntityId = Annotated[str, Path(pattern=ID_PATTERN, description="Resource id")]
AuthorizationState = Annotated[
    str,
    Path(
        pattern=r"^[A-Za-z0-9_-]{16,128}$",
        description="The `state` of POST /connections/authorizations, as Amazon's redirect gave it",
    ),
]
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        pattern=r"^[A-Za-z0-9_.:-]{1,128}$",
        description="Client-chosen key (e.g. a UUID) making a retried command safe",
    ),
]
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE, description="Page size")]
Cursor = Annotated[
    str | None,
    Query(
        pattern=r"^[A-Za-z0-9_-]{1,2048}$",
        description="Opaque `next_cursor` of the previous page (400 for any other value)",
    ),
]


def _iso_8601(value: object) -> object:
    # Pydantic would also read "0.5" or "1700000000" as Unix times: only ISO 8601 is documented.
    if isinstance(value, str) and not ISO_INSTANT.match(value):
        raise ValueError("use ISO 8601 with an offset, e.g. 2026-11-20T08:00:00Z")
    return value


EARLIEST, LATEST = datetime(1970, 1, 1, tzinfo=UTC), datetime(3000, 1, 1, tzinfo=UTC)


def _in_range(value: datetime) -> datetime:
    # Year 1 or 9999 with an offset cannot even be converted to UTC: refuse, never overflow.
    try:
        utc = value.astimezone(UTC)
    except OverflowError:
        utc = EARLIEST - timedelta(1) if value.year < 2000 else LATEST
    if not EARLIEST <= utc < LATEST:
        raise ValueError("use an instant from 1970 to 2999, e.g. 2026-11-20T08:00:00Z")
    return value


ISO_INSTANT = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}")
Instant = Annotated[AwareDatetime, BeforeValidator(_iso_8601), AfterValidator(_in_range)]
