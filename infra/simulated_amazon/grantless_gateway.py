"""Amazon's gateway in front of grantless operations (the Notifications API's destinations,
getSubscriptionById and deleteSubscriptionById): the access token must come from a
`client_credentials` grant with the operation's scope; a seller's access token is refused,
unless `seller_grant_too` (Amazon documents deleteSubscriptionById as grantless, yet it
answers sp_api, which calls it with the seller's grant). Everything else (faults, usage plan,
headers) is `SpApiGateway`'s; grantless calls share one usage-plan bucket, the application's,
and handlers get APPLICATION in place of a seller id."""

from __future__ import annotations

from .call_stats import CallStats
from .faults import FaultInjector
from .http_types import Request, Response, sp_api_error
from .lwa import LwaTokenService
from .rate_limit import RateLimiter
from .sp_api_gateway import SpApiGateway
from .store import SimulatorStore

# Stands for the caller of a grantless operation: the application itself, not a seller.
APPLICATION = "<application>"
_DENIED = "Access to requested resource is denied."
_INVALID_TOKEN = "The access token you provided is revoked, malformed or invalid."


class GrantlessGateway(SpApiGateway):
    def __init__(
        self,
        store: SimulatorStore,
        tokens: LwaTokenService,
        rate_limiter: RateLimiter,
        faults: FaultInjector,
        stats: CallStats,
        scope: str,
        *,
        seller_grant_too: bool = False,
    ) -> None:
        super().__init__(store, tokens, rate_limiter, faults, stats)
        self._grantless_tokens = tokens
        self._scope = scope
        self._seller_grant_too = seller_grant_too

    def _authenticate(self, request: Request) -> tuple[str | None, Response | None]:
        access_token = request.headers.get("x-amz-access-token")
        if not access_token:
            return None, sp_api_error(403, "Unauthorized", _DENIED)
        grant = self._grantless_tokens.grant_for(access_token)
        if grant is None:
            return None, sp_api_error(403, "Unauthorized", _INVALID_TOKEN)
        if grant.refresh_token is not None and self._seller_grant_too:
            return super()._authenticate(request)
        if grant.refresh_token is not None or grant.scope != self._scope:
            # A seller's token, a revoked one, or a grantless token of another scope.
            return None, sp_api_error(403, "Unauthorized", _DENIED)
        return APPLICATION, None
