"""Login with Amazon: `POST /auth/o2/token` and the access tokens it hands out.

Access tokens map to the refresh token they came from, not to a seller object, and survive
`/_sim/reset`: a client's cached access token keeps working when a test recreates the same
seller with the same refresh token (sp_api caches tokens per process for ~53 minutes).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import parse_qs

from .http_types import Request, Response
from .identifiers import new_access_token
from .store import SimulatorStore

ACCESS_TOKEN_LIFETIME_SECONDS = 3600
# Expired grants are dropped once this many exist, so a long-running simulator stays small.
_PURGE_THRESHOLD = 10_000


@dataclass(frozen=True)
class AccessGrant:
    refresh_token: str | None  # None for grantless (client_credentials) tokens
    scope: str | None
    expires_at: float


def _lwa_error(status: int, error: str, description: str) -> Response:
    """LWA's own error shape, which differs from SP-API's `errors` list."""
    return Response.json(status, {"error": error, "error_description": description})


class LwaTokenService:
    def __init__(
        self, store: SimulatorStore, monotonic: Callable[[], float] = time.monotonic
    ) -> None:
        # Expiry runs on real time only: advancing the simulated clock by days in a test must
        # not invalidate tokens that sp_api keeps in its (real-time) cache.
        self._store = store
        self._monotonic = monotonic
        self._grants: dict[str, AccessGrant] = {}
        self._lock = threading.Lock()

    def exchange(self, request: Request) -> Response:
        form = {key: values[-1] for key, values in parse_qs(request.body.decode("utf-8")).items()}
        if not form.get("client_id") or not form.get("client_secret"):
            return _lwa_error(401, "invalid_client", "Client authentication failed")
        grant_type = form.get("grant_type")
        if grant_type == "refresh_token":
            refresh_token = form.get("refresh_token")
            if not refresh_token:
                return _lwa_error(
                    400,
                    "invalid_request",
                    "The request is missing a required parameter : refresh_token",
                )
            if self._store.seller_for_refresh_token(refresh_token) is None:
                return _lwa_error(
                    400,
                    "invalid_grant",
                    "The request has an invalid grant parameter : refresh_token",
                )
            access_token = self._grant(refresh_token, scope=None)
            return Response.json(
                200,
                {
                    "access_token": access_token,
                    "refresh_token": refresh_token,
                    "token_type": "bearer",
                    "expires_in": ACCESS_TOKEN_LIFETIME_SECONDS,
                },
            )
        if grant_type == "client_credentials":
            scope = form.get("scope")
            if not scope:
                return _lwa_error(
                    400, "invalid_scope", "The request has an invalid parameter : scope"
                )
            access_token = self._grant(None, scope=scope)
            return Response.json(
                200,
                {
                    "access_token": access_token,
                    "scope": scope,
                    "token_type": "bearer",
                    "expires_in": ACCESS_TOKEN_LIFETIME_SECONDS,
                },
            )
        return _lwa_error(
            400, "unsupported_grant_type", f"The grant type {grant_type!r} is not supported"
        )

    def grant_for(self, access_token: str) -> AccessGrant | None:
        """The live grant behind an access token, or None if unknown or expired."""
        with self._lock:
            grant = self._grants.get(access_token)
        if grant is None or grant.expires_at <= self._monotonic():
            return None
        return grant

    def _grant(self, refresh_token: str | None, scope: str | None) -> str:
        access_token = new_access_token()
        grant = AccessGrant(refresh_token, scope, self._monotonic() + ACCESS_TOKEN_LIFETIME_SECONDS)
        with self._lock:
            self._grants[access_token] = grant
            if len(self._grants) > _PURGE_THRESHOLD:
                now = self._monotonic()
                self._grants = {t: g for t, g in self._grants.items() if g.expires_at > now}
        return access_token
