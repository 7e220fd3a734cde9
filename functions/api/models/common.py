"""Shapes every resource shares: ids, errors, pages.

The API's models defer building their validators and serializers (`defer_build`) to their first
use: a cold start builds only those of the routes it serves.
"""

import re
from datetime import date
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

# Ids in paths and bodies: safe in keys (no `#`), URLs and logs.
ID_PATTERN = r"^[A-Za-z0-9_.:-]{1,128}$"
# A SKU neither starts nor ends with a space, and holds no line break. Spelled out so that Python
# (which validates) and an ECMA engine (which clients and generators read the document with) agree:
# Python also calls U+001C-U+001F and U+0085 whitespace, ECMA also U+FEFF, and their `.` differ.
_EDGE = r"[^\s\x1c-\x1f\x85\ufeff]"
SKU_PATTERN = rf"^{_EDGE}(?:[^\n\r\u2028\u2029]{{0,98}}{_EDGE})?$"
MAX_QUANTITY = 1_000_000_000
MAX_PAGE = 100


def not_a_boolean(value: object) -> object:
    # Pydantic reads true/false as 1/0 where a number is expected; the document says integer.
    if isinstance(value, bool):
        raise ValueError("a whole number is expected, not true or false")
    return value


Integer = Annotated[int, BeforeValidator(not_a_boolean)]

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def iso_date(value: object) -> object:
    # Pydantic would also read 0 or "1700000000" as a date: only YYYY-MM-DD is documented.
    if not (isinstance(value, date) or (isinstance(value, str) and _ISO_DATE.match(value))):
        raise ValueError("use an ISO date, e.g. 2026-12-24")
    return value


IsoDate = Annotated[date, BeforeValidator(iso_date)]


class ApiModel(BaseModel):
    """Requests refuse unknown fields; command responses list every field they promise."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class ReadModel(BaseModel):
    """A view as the API shows it: built from the read side's models, keeping only the fields
    this contract promises (a new field in a view never breaks a response)."""

    model_config = ConfigDict(extra="ignore", frozen=True, from_attributes=True, defer_build=True)


class FieldError(ApiModel):
    field: str = Field(description="Where: `body.lines.0.quantity`, `query.limit`, ...")
    reason: str = Field(description="Why the value was refused")


class ErrorResponse(ApiModel):
    """Every error: a stable machine-readable `code` and a message for a person."""

    code: str = Field(description="Stable error code, e.g. `not_found`, `invalid_transition`")
    message: str
    errors: list[FieldError] = Field(
        default_factory=list, description="For validation errors: each refused field"
    )
