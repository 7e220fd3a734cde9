"""Opaque page cursors: base64 of the last item's key, bound to the partition it came from.

A cursor names a position in one partition (which starts with the tenant), so a cursor made
for another tenant or another query is refused rather than followed.
"""

import base64
import binascii
import json
from typing import Any

from pydantic import BaseModel, ValidationError


class InvalidCursor(ValueError):
    """The cursor was not made by this query (tampered, truncated, or another query's)."""


class _Position(BaseModel):
    partition: str
    key: dict[str, str]  # attribute name -> string value (every key of ours is a string)


def encode(partition: str, key: dict[str, Any]) -> str:
    flat = {name: value["S"] for name, value in key.items()}
    raw = _Position(partition=partition, key=flat).model_dump_json().encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(cursor: str, partition: str, partition_key: str) -> dict[str, Any]:
    """The ExclusiveStartKey of the cursor, if it belongs to `partition` (the value of the
    queried key attribute `partition_key`)."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        position = _Position.model_validate(json.loads(raw))
    except (binascii.Error, UnicodeDecodeError, ValueError, ValidationError) as error:
        raise InvalidCursor("this cursor is not valid") from error
    if position.partition != partition or position.key.get(partition_key) != partition:
        raise InvalidCursor("this cursor belongs to another query")
    return {name: {"S": value} for name, value in position.key.items()}
