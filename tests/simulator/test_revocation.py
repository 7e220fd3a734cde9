"""A seller withdraws the app's authorization (`POST /_sim/sellers/{id}/revoke`) or grants a new
one (`POST /_sim/sellers/{id}/tokens`): LWA and SP-API answer as Amazon does."""

from __future__ import annotations

import httpx
import pytest
from sp_api.auth.exceptions import AuthorizationError
from sp_api.base.exceptions import SellingApiForbiddenException

from infra.simulated_amazon import ControlClient, SimulatedAmazon

from .conftest import US, SellerHandle, make_seller

pytestmark = pytest.mark.slow

CLIENT = {"client_id": "app", "client_secret": "secret"}
REVOKED_ANSWER = {
    "errors": [
        {
            "code": "Unauthorized",
            "message": "Access to requested resource is denied.",
            "details": "",
        }
    ]
}


def refresh(url: str, refresh_token: str) -> httpx.Response:
    form = {"grant_type": "refresh_token", "refresh_token": refresh_token, **CLIENT}
    return httpx.post(f"{url}/auth/o2/token", data=form)


def shipments(url: str, access_token: str) -> httpx.Response:
    return httpx.get(
        f"{url}/fba/inbound/v0/shipments",
        params={"QueryType": "SHIPMENT", "ShipmentStatusList": "WORKING", "MarketplaceId": US},
        headers={"x-amz-access-token": access_token},
    )


def test_revoking_stops_every_refresh_token_and_the_access_tokens_from_them(
    sim: SimulatedAmazon, control: ControlClient, seller: SellerHandle
) -> None:
    # Given a seller with two refresh tokens, an access token from each, a cached sp_api client
    second = control.issue_refresh_token(seller.seller_id)
    access_tokens = [
        refresh(sim.url, t).json()["access_token"] for t in (seller.refresh_token, second)
    ]
    inbound = seller.inbound()
    inbound.get_shipments(QueryType="SHIPMENT", ShipmentStatusList="WORKING")

    # When the seller revokes the app's authorization
    answer = control.revoke(seller.seller_id)

    # Then LWA refuses both refresh tokens, and SP-API the access tokens obtained from them
    assert answer == {"seller_id": seller.seller_id, "revoked_refresh_tokens": 2}
    for token in (seller.refresh_token, second):
        refused = refresh(sim.url, token)
        assert (refused.status_code, refused.json()["error"]) == (400, "invalid_grant")
    for access_token in access_tokens:
        denied = shipments(sim.url, access_token)
        assert denied.status_code == 403
        assert denied.json() == REVOKED_ANSWER
    with pytest.raises(SellingApiForbiddenException):
        inbound.get_shipments(QueryType="SHIPMENT", ShipmentStatusList="WORKING")
    with pytest.raises(AuthorizationError) as raised:
        SellerHandle(seller.seller_id, second, sim.url).inbound().get_shipments(
            QueryType="SHIPMENT", ShipmentStatusList="WORKING"
        )
    assert raised.value.error_code == "invalid_grant"
    assert control.seller(seller.seller_id)["refresh_tokens"] == []


def test_revoking_one_seller_leaves_the_others_alone(
    sim: SimulatedAmazon, control: ControlClient
) -> None:
    revoked = make_seller(control, sim.url)
    other = make_seller(control, sim.url)
    other_access = refresh(sim.url, other.refresh_token).json()["access_token"]

    control.revoke(revoked.seller_id)

    assert refresh(sim.url, other.refresh_token).status_code == 200
    assert shipments(sim.url, other_access).status_code == 200


def test_a_new_token_after_revocation_works_and_the_old_ones_stay_revoked(
    sim: SimulatedAmazon, control: ControlClient, seller: SellerHandle
) -> None:
    control.revoke(seller.seller_id)

    fresh = control.issue_refresh_token(seller.seller_id)

    assert fresh != seller.refresh_token
    granted = refresh(sim.url, fresh)
    assert granted.status_code == 200
    assert shipments(sim.url, granted.json()["access_token"]).status_code == 200
    assert refresh(sim.url, seller.refresh_token).json()["error"] == "invalid_grant"
    assert control.seller(seller.seller_id)["refresh_tokens"] == [fresh]


def test_a_seller_can_hold_several_working_refresh_tokens(
    sim: SimulatedAmazon, control: ControlClient, seller: SellerHandle
) -> None:
    tokens = [control.issue_refresh_token(seller.seller_id) for _ in range(2)]

    assert len(set(tokens) | {seller.refresh_token}) == 3
    for token in [seller.refresh_token, *tokens]:
        assert refresh(sim.url, token).json()["refresh_token"] == token


@pytest.mark.parametrize("route", ["revoke", "tokens"])
def test_unknown_sellers_are_404(sim: SimulatedAmazon, route: str) -> None:
    response = httpx.post(f"{sim.url}/_sim/sellers/ANOBODY/{route}")

    assert response.status_code == 404
    assert "ANOBODY" in response.json()["error"]


def test_the_token_route_takes_no_fields(sim: SimulatedAmazon, seller: SellerHandle) -> None:
    response = httpx.post(f"{sim.url}/_sim/sellers/{seller.seller_id}/tokens", json={"token": "x"})

    assert response.status_code == 400
    assert "token" in response.json()["error"]


def test_revoked_access_tokens_stay_revoked_across_a_reset_while_others_survive(
    sim: SimulatedAmazon, control: ControlClient
) -> None:
    # Given two sellers with an access token each; one seller revokes
    revoked = make_seller(control, sim.url)
    kept = make_seller(control, sim.url)
    revoked_access = refresh(sim.url, revoked.refresh_token).json()["access_token"]
    kept_access = refresh(sim.url, kept.refresh_token).json()["access_token"]
    control.revoke(revoked.seller_id)

    # When the simulator is reset and both sellers are recreated with their refresh tokens
    control.reset()
    for handle in (revoked, kept):
        control.create_seller(handle.seller_id, [US], refresh_token=handle.refresh_token)

    # Then the refresh tokens work again (reset forgets revocations), the revoked access token
    # does not come back, and the other one survives as before
    assert refresh(sim.url, revoked.refresh_token).status_code == 200
    assert shipments(sim.url, revoked_access).status_code == 403
    assert shipments(sim.url, kept_access).status_code == 200


def test_refresh_tokens_and_revocations_survive_an_export_and_import() -> None:
    with SimulatedAmazon() as first, ControlClient(first.url) as control:
        kept = make_seller(control, first.url)
        issued = control.issue_refresh_token(kept.seller_id)
        gone = make_seller(control, first.url)
        control.revoke(gone.seller_id)
        state = first.store.export_state()

    with SimulatedAmazon() as second, ControlClient(second.url) as control:
        second.store.import_state(state)

        assert control.seller(kept.seller_id)["refresh_tokens"] == [kept.refresh_token, issued]
        assert refresh(second.url, issued).status_code == 200
        assert refresh(second.url, gone.refresh_token).json()["error"] == "invalid_grant"
