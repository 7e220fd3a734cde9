"""Amazon's website authorization workflow: a consent link bound to the tenant, then the code
Amazon sends back exchanged for a refresh token, and only then a connection.

The seller id is the one Amazon's redirect names (`selling_partner_id`); the refresh token came
from Login with Amazon for the seller who consented. A state that is unknown, already used,
another tenant's or expired creates nothing.

The settings the connection opens with (watch window, order rules) are checked when the
authorization starts, kept with it, and applied when it completes, so that the rule holds from
the very first sync.
"""

from dataclasses import dataclass
from http import HTTPStatus

from domain.marketplaces import Region
from functions.api.auth import Caller
from functions.api.commands.connections import (
    OpenedConnection,
    amazon_unavailable,
    check_opening,
    new_connection,
    open_connection,
)
from functions.api.commands.ports import Connecting
from functions.api.errors import ApiError
from functions.connection_state.authorizations import OpeningSettings, PendingAuthorization
from functions.shared.adapters.lwa import GrantRefused, LwaUnavailable
from functions.shared.aggregates import Aggregates


@dataclass(frozen=True)
class ConsentLink:
    consent_url: str
    pending: PendingAuthorization


def start_authorization(
    aggregates: Aggregates,
    connecting: Connecting,
    caller: Caller,
    region: Region,
    marketplace_ids: tuple[str, ...],
    settings: OpeningSettings | None = None,
) -> ConsentLink:
    # Checked now, not after the seller has been to Amazon and back.
    settings = settings or OpeningSettings()
    check_opening(aggregates, caller, region, marketplace_ids, settings)
    opened = connecting.pending.open(
        caller.tenant_id, region, marketplace_ids, aggregates.clock.now(), settings
    )
    url = connecting.grants.consent_url(marketplace_ids[0], opened.state)
    return ConsentLink(consent_url=url, pending=opened)


def complete_authorization(
    aggregates: Aggregates,
    connecting: Connecting,
    caller: Caller,
    state: str,
    code: str,
    selling_partner_id: str,
) -> OpenedConnection:
    taken = connecting.pending.take(state)
    if taken is not None and taken.tenant_id != caller.tenant_id:
        connecting.pending.put_back(taken)  # not this tenant's to use up
        taken = None
    if taken is None:
        raise ApiError(
            HTTPStatus.NOT_FOUND,
            "authorization_not_found",
            "no authorization in progress has this state (it is unknown or was already used); "
            "start again with POST /connections/authorizations",
        )
    if taken.expires_at <= aggregates.clock.now():
        raise ApiError(
            HTTPStatus.GONE,
            "authorization_expired",
            "this authorization expired (they last 10 minutes); start again with "
            "POST /connections/authorizations",
        )
    try:
        refresh_token = connecting.grants.exchange(code)
    except GrantRefused as refused:
        raise ApiError(
            HTTPStatus.UNPROCESSABLE_ENTITY,
            "authorization_code_refused",
            f"Amazon refused the authorization code ({refused.error}): codes are single use and "
            "expire after 5 minutes; start again with POST /connections/authorizations",
        ) from None
    except LwaUnavailable as failure:
        connecting.pending.put_back(taken)  # the seller may try completing again
        raise amazon_unavailable(failure) from None
    command = new_connection(
        aggregates, selling_partner_id, taken.region, taken.marketplace_ids, taken.settings
    )
    return open_connection(aggregates, connecting, caller, command, refresh_token)
