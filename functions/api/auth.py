"""Who is calling: the tenant and the user, taken from the API Gateway authorizer claims only.

Claim contract (API Gateway REST proxy event):

- Deployed, the Cognito user-pool authorizer puts the verified ID-token claims in
  `event["requestContext"]["authorizer"]["claims"]`. The tenant is the claim `custom:tenant_id`;
  the acting user is the claim `sub` (recorded as the events' `actor`, `user:<sub>`).
- Locally, the HTTP front turns `Authorization: Bearer dev:<tenant_id>` into exactly these claims
  (`{"sub": "dev-<tenant_id>", "custom:tenant_id": "<tenant_id>"}`) before calling the handler.
- Nothing else is trusted: no header, query parameter or body field ever names the tenant. A
  request without a usable tenant claim gets 401 on every route except the API's own
  documentation (`GET /openapi.json`, `GET /docs`).

Tenant ids must be 1-64 characters of letters, digits, `_`, `-`, `.`, `:` (every key of every
table starts with the tenant, and `#` separates key parts).
"""

import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

TENANT_CLAIM = "custom:tenant_id"
USER_CLAIM = "sub"
IDEMPOTENCY_HEADER = "Idempotency-Key"
_TENANT_ID = re.compile(r"[A-Za-z0-9_.:-]{1,64}")
PUBLIC_ROUTES = frozenset({("GET", "/openapi.json"), ("GET", "/docs")})


@dataclass(frozen=True)
class Caller:
    """Who asked (tenant, actor) and which request: its id correlates every event it appends;
    the client's Idempotency-Key, when given, is recorded as the events' causation id."""

    tenant_id: str
    actor: str
    correlation_id: str
    causation_id: str | None = None


def claims_of(event: Mapping[str, Any]) -> Mapping[str, Any]:
    context = event.get("requestContext") or {}
    authorizer = context.get("authorizer") if isinstance(context, Mapping) else None
    claims = authorizer.get("claims") if isinstance(authorizer, Mapping) else None
    return claims if isinstance(claims, Mapping) else {}


def caller_of(event: Mapping[str, Any]) -> Caller | None:
    """The caller named by the authorizer's claims; None when there is no usable tenant."""
    claims = claims_of(event)
    tenant_id = claims.get(TENANT_CLAIM)
    if not isinstance(tenant_id, str) or not _TENANT_ID.fullmatch(tenant_id):
        return None
    user = claims.get(USER_CLAIM)
    context = event.get("requestContext") or {}
    request_id = context.get("requestId") if isinstance(context, Mapping) else None
    return Caller(
        tenant_id=tenant_id,
        actor=f"user:{user}" if isinstance(user, str) and user else "user:unknown",
        correlation_id=request_id if isinstance(request_id, str) and request_id else _new_id(),
        causation_id=_header(event, IDEMPOTENCY_HEADER),
    )


def is_public(event: Mapping[str, Any]) -> bool:
    method = str(event.get("httpMethod") or "").upper()
    path = str(event.get("path") or "").rstrip("/") or "/"
    return (method, path) in PUBLIC_ROUTES


def _header(event: Mapping[str, Any], name: str) -> str | None:
    headers = event.get("headers") or {}
    if not isinstance(headers, Mapping):
        return None
    wanted = name.lower()
    for key, value in headers.items():
        if isinstance(key, str) and key.lower() == wanted and isinstance(value, str):
            return value[:128] or None
    return None


def _new_id() -> str:
    return uuid.uuid4().hex
