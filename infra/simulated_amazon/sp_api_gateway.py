"""What Amazon's API gateway does before an SP-API operation runs: check the access token,
inject configured faults, apply the usage plan, and stamp the request-id header on every answer
and the rate-limit header on every answer but the 429s the rate limiter's `header_on_429`
leaves bare."""

from __future__ import annotations

import time
from collections.abc import Callable

from .call_stats import CallStats, Outcome
from .control_schema import FaultRequest
from .errors import SimulatorError
from .faults import FaultInjector
from .http_types import REQUEST_ID_HEADER, Request, Response, new_request_id, sp_api_error
from .lwa import LwaTokenService
from .rate_limit import RateLimiter
from .store import SimulatorStore

# (request, seller_id, path parameters) -> response
SpApiHandler = Callable[[Request, str, dict[str, str]], Response]

_FAULT_ERROR_CODES = {429: "QuotaExceeded", 500: "InternalFailure", 503: "ServiceUnavailable"}
_FAULT_MESSAGES = {
    429: "You exceeded your quota for the requested resource.",
    500: "We encountered an internal error. Please try again.",
    503: "Service temporarily unavailable. Please try again.",
}
_HTML_REASONS = {429: "Too Many Requests", 500: "Internal Server Error", 503: "Service Unavailable"}
# The error code of a SimulatorError raised by an operation, by its HTTP status.
_SIMULATOR_ERROR_CODES = {404: "NotFound"}
RATE_LIMIT_HEADER = "x-amzn-RateLimit-Limit"


def fault_response(fault: FaultRequest, *, lwa_shape: bool = False) -> Response:
    """The injected failure as Amazon sends such failures: JSON errors, an HTML error page
    from a proxy, or nothing at all."""
    if fault.body == "empty":
        return Response(fault.status)
    if fault.body == "html":
        reason = _HTML_REASONS[fault.status]
        page = (
            f"<html><head><title>{fault.status} {reason}</title></head>"
            f"<body><h1>{reason}</h1></body></html>"
        )
        return Response(fault.status, page.encode(), {"Content-Type": "text/html"})
    if lwa_shape:
        return Response.json(
            fault.status,
            {"error": "server_error", "error_description": _FAULT_MESSAGES[fault.status]},
        )
    return sp_api_error(
        fault.status, _FAULT_ERROR_CODES[fault.status], _FAULT_MESSAGES[fault.status]
    )


def apply_fault_delay(fault: FaultRequest) -> None:
    if fault.delay_ms:
        time.sleep(fault.delay_ms / 1000)


class SpApiGateway:
    def __init__(
        self,
        store: SimulatorStore,
        tokens: LwaTokenService,
        rate_limiter: RateLimiter,
        faults: FaultInjector,
        stats: CallStats,
    ) -> None:
        self._store = store
        self._tokens = tokens
        self._rate_limiter = rate_limiter
        self._faults = faults
        self._stats = stats

    def operation(
        self, name: str, handler: SpApiHandler
    ) -> Callable[[Request, dict[str, str]], Response]:
        """Wrap an operation handler into a route handler."""

        def handle(request: Request, path_params: dict[str, str]) -> Response:
            response, outcome = self._call(name, handler, request, path_params)
            self._stats.record(name, outcome)
            response.headers[REQUEST_ID_HEADER] = new_request_id()
            if response.status != 429 or self._rate_limiter.header_on_429.announce():
                limit = self._rate_limiter.limit_for(name)
                response.headers[RATE_LIMIT_HEADER] = limit.header_value()
            return response

        return handle

    def _call(
        self, name: str, handler: SpApiHandler, request: Request, path_params: dict[str, str]
    ) -> tuple[Response, Outcome]:
        seller_id, denied = self._authenticate(request)
        if denied is not None:
            return denied, "served"
        assert seller_id is not None
        fault = self._faults.take(name)
        if fault is not None:
            apply_fault_delay(fault)
            return fault_response(fault), "faulted"
        if not self._rate_limiter.try_acquire(seller_id, name):
            return sp_api_error(429, "QuotaExceeded", _FAULT_MESSAGES[429]), "throttled"
        try:
            return handler(request, seller_id, path_params), "served"
        except SimulatorError as problem:
            code = _SIMULATOR_ERROR_CODES.get(problem.http_status, "InvalidInput")
            return sp_api_error(problem.http_status, code, problem.message), "served"

    def _authenticate(self, request: Request) -> tuple[str | None, Response | None]:
        access_token = request.headers.get("x-amz-access-token")
        if not access_token:
            return None, sp_api_error(
                403, "Unauthorized", "Access to requested resource is denied."
            )
        grant = self._tokens.grant_for(access_token)
        if grant is None:
            return None, sp_api_error(
                403,
                "Unauthorized",
                "The access token you provided is revoked, malformed or invalid.",
            )
        seller = (
            self._store.seller_for_refresh_token(grant.refresh_token)
            if grant.refresh_token
            else None
        )
        if seller is None:
            # A grantless token, or the seller behind it was removed by /_sim/reset.
            return None, sp_api_error(
                403, "Unauthorized", "Access to requested resource is denied."
            )
        return seller.seller_id, None
