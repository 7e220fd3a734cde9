"""Parameters several routes share, with the limits the OpenAPI document states."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Header, Path, Query

from functions.api.models.common import ID_PATTERN, MAX_PAGE

EntityId = Annotated[str, Path(pattern=ID_PATTERN, description="Resource id")]
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
    Query(max_length=2048, description="Opaque `next_cursor` of the previous page"),
]
