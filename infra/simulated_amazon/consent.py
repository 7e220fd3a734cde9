"""Amazon's website authorization workflow, compressed into one route.

At Amazon the seller opens Seller Central's consent page, signs in at the app, confirms, and
Seller Central redirects the browser to the app's redirect URI with `state`,
`selling_partner_id` and `spapi_oauth_code`. Here `GET /_sim/consent?seller_id=&state=
&redirect_uri=` plays the seller who has just confirmed: it answers that final 302.

The code is random, single use and expires after five minutes (Amazon's rule). The app
exchanges it at LWA (`grant_type=authorization_code`, see lwa.py) for a refresh token. Expiry
runs on real (monotonic) time, as access tokens do: advancing the simulated clock by days must
not invalidate a code a test is about to exchange.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit, urlunsplit

from .errors import SimulatorError
from .http_types import Request, Response, control_error
from .identifiers import new_authorization_code
from .routing import Router
from .store import SimulatorStore

AUTHORIZATION_CODE_LIFETIME_SECONDS = 300
# Past this many outstanding codes, expired ones are dropped, then the oldest.
_MAX_PENDING_CODES = 10_000


@dataclass(frozen=True)
class _PendingCode:
    seller_id: str
    redirect_uri: str
    expires_at: float


class AuthorizationCodes:
    """The `spapi_oauth_code`s handed out and not yet exchanged."""

    def __init__(self, monotonic: Callable[[], float] = time.monotonic) -> None:
        self._monotonic = monotonic
        self._pending: dict[str, _PendingCode] = {}
        self._lock = threading.Lock()

    def issue(self, seller_id: str, redirect_uri: str) -> str:
        code = new_authorization_code()
        now = self._monotonic()
        with self._lock:
            self._pending[code] = _PendingCode(
                seller_id, redirect_uri, now + AUTHORIZATION_CODE_LIFETIME_SECONDS
            )
            if len(self._pending) > _MAX_PENDING_CODES:
                self._pending = {c: p for c, p in self._pending.items() if p.expires_at > now}
            while len(self._pending) > _MAX_PENDING_CODES:
                del self._pending[next(iter(self._pending))]
        return code

    def redeem(self, code: str, redirect_uri: str | None) -> str | None:
        """The seller the code was issued for, using the code up; None if the code is unknown,
        used, expired, or `redirect_uri` (when given) is not the one it was issued with."""
        with self._lock:
            pending = self._pending.pop(code, None)
        if pending is None or pending.expires_at <= self._monotonic():
            return None
        if redirect_uri is not None and redirect_uri != pending.redirect_uri:
            return None
        return pending.seller_id

    def forget_seller(self, seller_id: str) -> None:
        """A revoked authorization also voids the codes not yet exchanged."""
        with self._lock:
            self._pending = {c: p for c, p in self._pending.items() if p.seller_id != seller_id}

    def clear(self) -> None:
        with self._lock:
            self._pending.clear()


def redirect_location(redirect_uri: str, parameters: dict[str, str]) -> str:
    """`redirect_uri` with `parameters` appended to whatever query it already has."""
    parts = urlsplit(redirect_uri)
    added = urlencode(parameters)
    return urlunsplit(parts._replace(query=f"{parts.query}&{added}" if parts.query else added))


class ConsentApi:
    def __init__(self, store: SimulatorStore, codes: AuthorizationCodes) -> None:
        self._store = store
        self._codes = codes

    def register(self, router: Router) -> None:
        router.add("GET", "/_sim/consent", self.consent)

    def consent(self, request: Request, _: dict[str, str]) -> Response:
        wanted = ("seller_id", "state", "redirect_uri")
        given = {name: request.last(name) or "" for name in wanted}
        missing = [name for name in wanted if not given[name]]
        if missing:
            return control_error(400, f"missing query parameters: {', '.join(missing)}")
        redirect_uri = given["redirect_uri"]
        parts = urlsplit(redirect_uri)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            problem = f"redirect_uri must be an absolute http(s) URL, not {redirect_uri!r}"
            return control_error(400, problem)
        try:
            seller = self._store.seller(given["seller_id"])
        except SimulatorError as problem:
            return control_error(problem.http_status, problem.message)
        code = self._codes.issue(seller.seller_id, redirect_uri)
        location = redirect_location(
            redirect_uri,
            {
                "state": given["state"],
                "selling_partner_id": seller.seller_id,
                "spapi_oauth_code": code,
            },
        )
        return Response(302, b"", {"Location": location})
