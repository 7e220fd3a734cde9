"""Opaque page cursors: the last item's key, bound to the partition it came from and signed.

A cursor names a position in one partition (which starts with the tenant), so a cursor made for
another tenant or another query is refused rather than followed; its HMAC (a key from the secret
store) makes any other change to it, or a cursor forged from scratch, a refusal too.
"""

import base64
import binascii
import hashlib
import hmac
import json
from collections.abc import Callable
from typing import Any, Final

from pydantic import BaseModel, ValidationError

_MAC_BYTES: Final = 16
_MAC_CHARS: Final = 22  # base64url of 16 bytes, unpadded


class InvalidCursor(ValueError):
    """The cursor was not made by this query (tampered, truncated, or another query's)."""


class _Position(BaseModel):
    partition: str
    key: dict[str, str]  # attribute name -> string value (every key of ours is a string)
    # What the next page starts from besides its key, e.g. a running balance.
    carry: dict[str, int] = {}


class CursorCodec:
    """`key` is called on first use (the secret is read when a list first pages)."""

    def __init__(self, key: Callable[[], bytes]) -> None:
        self._key_source = key
        self._key: bytes | None = None

    def encode(
        self, partition: str, key: dict[str, Any], carry: dict[str, int] | None = None
    ) -> str:
        flat = {name: value["S"] for name, value in key.items()}
        position = _Position(partition=partition, key=flat, carry=carry or {})
        raw = position.model_dump_json(exclude_defaults=True).encode()
        return _b64(raw) + _b64(self._mac(raw))

    def decode(self, cursor: str, partition: str, partition_key: str) -> dict[str, Any]:
        """The ExclusiveStartKey of the cursor, if this service signed it for `partition` (the
        value of the queried key attribute `partition_key`)."""
        return self.decode_with_carry(cursor, partition, partition_key)[0]

    def decode_with_carry(
        self, cursor: str, partition: str, partition_key: str
    ) -> tuple[dict[str, Any], dict[str, int]]:
        """The ExclusiveStartKey and what was carried over, as `decode` checks them."""
        body, mac = cursor[:-_MAC_CHARS], cursor[-_MAC_CHARS:]
        try:
            raw = _unb64(body)
            valid = hmac.compare_digest(_unb64(mac), self._mac(raw))
        except (binascii.Error, ValueError):
            valid = False
        if not body or not valid:
            raise InvalidCursor("this cursor is not valid: use a next_cursor exactly as given")
        try:
            position = _Position.model_validate(json.loads(raw))
        except (UnicodeDecodeError, ValueError, ValidationError) as error:
            raise InvalidCursor("this cursor is not valid") from error
        if position.partition != partition or position.key.get(partition_key) != partition:
            raise InvalidCursor("this cursor belongs to another query")
        return {name: {"S": value} for name, value in position.key.items()}, position.carry

    def _mac(self, raw: bytes) -> bytes:
        if self._key is None:
            self._key = self._key_source()
        return hmac.new(self._key, raw, hashlib.sha256).digest()[:_MAC_BYTES]


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
