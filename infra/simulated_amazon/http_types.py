"""The simulator's own small request/response types, independent of http.server."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    # Every value of every key, in order: the sp_api client repeats keys for list values.
    query: dict[str, list[str]]
    headers: dict[str, str]  # lower-cased names
    body: bytes = b""

    def first(self, key: str) -> str | None:
        values = self.query.get(key)
        return values[0] if values else None

    def last(self, key: str) -> str | None:
        """A single-valued parameter sent more than once: the last value wins, as at API
        Gateway. A client that sends a list as repeated keys silently gets only the last."""
        values = self.query.get(key)
        return values[-1] if values else None

    def json(self) -> Any:
        if not self.body.strip():
            return {}
        return json.loads(self.body)


@dataclass
class Response:
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def json(cls, status: int, document: Any, headers: dict[str, str] | None = None) -> Response:
        return cls(
            status,
            json.dumps(document).encode("utf-8"),
            {"Content-Type": "application/json", **(headers or {})},
        )


REQUEST_ID_HEADER = "x-amzn-RequestId"


def sp_api_error(status: int, code: str, message: str, details: str = "") -> Response:
    """Amazon's error shape for SP-API operations, with the request id every SP-API answer
    carries (also answers no operation gives, such as a 404 for an unknown path)."""
    return Response.json(
        status,
        {"errors": [{"code": code, "message": message, "details": details}]},
        {REQUEST_ID_HEADER: new_request_id()},
    )


def new_request_id() -> str:
    return str(uuid.uuid4())


def control_error(status: int, message: str) -> Response:
    """The control API's error shape: one message a person can act on."""
    return Response.json(status, {"error": message})
