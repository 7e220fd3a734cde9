"""Login with Amazon: `POST /auth/o2/token` and the access tokens it hands out.

Grants: `refresh_token`, `client_credentials` (grantless, with a `scope`) and
`authorization_code` (an `spapi_oauth_code` from the consent workflow, see consent.py, for a
new refresh token of that seller).

Access tokens map to the refresh token they came from, not to a seller object, and survive
`/_sim/reset`: a client's cached access token keeps working when a test recreates the same
seller with the same refresh token (sp_api caches tokens per process for ~53 minutes).
Revoking a seller's refresh tokens (`revoke`) revokes the access tokens obtained from them for
good: they stay bound to no seller (SP-API answers them 403, as Amazon answers once an
authorization is revoked) and `/_sim/reset` drops them rather than letting a recreated seller
bring them back.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import parse_qs

from .consent import AuthorizationCodes
from .errors import NotFound
from .http_types import Request, Response
from .identifiers import new_access_token
from .store import SimulatorStore

ACCESS_TOKEN_LIFETIME_SECONDS = 3600
# Expired grants are dropped once this many exist, so a long-running simulator stays small.
_PURGE_THRESHOLD = 10_000


@dataclass(frozen=True)
class AccessGrant:
    refresh_token: str | None  # None for grantless (client_credentials) and revoked tokens
    scope: str | None
    expires_at: float
    revoked: bool = False


def _lwa_error(status: int, error: str, description: str) -> Response:
    """LWA's own error shape, which differs from SP-API's `errors` list."""
    return Response.json(status, {"error": error, "error_description": description})


class LwaTokenService:
    def __init__(
        self,
        store: SimulatorStore,
        monotonic: Callable[[], float] = time.monotonic,
        codes: AuthorizationCodes | None = None,
    ) -> None:
        # Expiry runs on real time only: advancing the simulated clock by days in a test must
        # not invalidate tokens that sp_api keeps in its (real-time) cache.
        self._store = store
        self._monotonic = monotonic
        self._codes = codes or AuthorizationCodes(monotonic)
        self._grants: dict[str, AccessGrant] = {}
        self._lock = threading.Lock()

    def exchange(self, request: Request) -> Response:
        form = {key: values[-1] for key, values in parse_qs(request.body.decode("utf-8")).items()}
        if not form.get("client_id") or not form.get("client_secret"):
            return _lwa_error(401, "invalid_client", "Client authentication failed")
        grant_type = form.get("grant_type")
        if grant_type == "refresh_token":
            return self._refresh_token_grant(form)
        if grant_type == "client_credentials":
            return self._client_credentials_grant(form)
        if grant_type == "authorization_code":
            return self._authorization_code_grant(form)
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

    def revoke(self, refresh_tokens: list[str]) -> None:
        """Revoke the access tokens obtained from these refresh tokens."""
        revoked = set(refresh_tokens)
        with self._lock:
            for access_token, grant in self._grants.items():
                if grant.refresh_token in revoked:
                    self._grants[access_token] = dataclasses.replace(
                        grant, refresh_token=None, scope=None, revoked=True
                    )

    def forget_revoked(self) -> None:
        """On `/_sim/reset`: revoked access tokens go; the others survive (see above)."""
        with self._lock:
            self._grants = {t: g for t, g in self._grants.items() if not g.revoked}

    def _refresh_token_grant(self, form: dict[str, str]) -> Response:
        refresh_token = form.get("refresh_token")
        if not refresh_token:
            return _missing("refresh_token")
        if self._store.seller_for_refresh_token(refresh_token) is None:
            return _invalid_grant("refresh_token")
        return self._seller_tokens(refresh_token)

    def _authorization_code_grant(self, form: dict[str, str]) -> Response:
        code = form.get("code")
        if not code:
            return _missing("code")
        seller_id = self._codes.redeem(code, form.get("redirect_uri"))
        if seller_id is None:
            return _invalid_grant("code")
        try:
            refresh_token = self._store.issue_refresh_token(seller_id)
        except NotFound:  # The seller went with /_sim/reset after the code was issued.
            return _invalid_grant("code")
        return self._seller_tokens(refresh_token)

    def _client_credentials_grant(self, form: dict[str, str]) -> Response:
        scope = form.get("scope")
        if not scope:
            return _lwa_error(400, "invalid_scope", "The request has an invalid parameter : scope")
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

    def _seller_tokens(self, refresh_token: str) -> Response:
        return Response.json(
            200,
            {
                "access_token": self._grant(refresh_token, scope=None),
                "refresh_token": refresh_token,
                "token_type": "bearer",
                "expires_in": ACCESS_TOKEN_LIFETIME_SECONDS,
            },
        )

    def _grant(self, refresh_token: str | None, scope: str | None) -> str:
        access_token = new_access_token()
        grant = AccessGrant(refresh_token, scope, self._monotonic() + ACCESS_TOKEN_LIFETIME_SECONDS)
        with self._lock:
            self._grants[access_token] = grant
            if len(self._grants) > _PURGE_THRESHOLD:
                now = self._monotonic()
                self._grants = {t: g for t, g in self._grants.items() if g.expires_at > now}
        return access_token


def _missing(parameter: str) -> Response:
    return _lwa_error(
        400, "invalid_request", f"The request is missing a required parameter : {parameter}"
    )


def _invalid_grant(parameter: str) -> Response:
    return _lwa_error(
        400, "invalid_grant", f"The request has an invalid grant parameter : {parameter}"
    )
