"""Login with Amazon and the access token check in front of every SP-API call."""

from __future__ import annotations

import httpx
import pytest
from sp_api.auth.exceptions import AuthorizationError
from sp_api.base.exceptions import SellingApiForbiddenException

from infra.simulated_amazon import ControlClient, SimulatedAmazon

from .conftest import US, SellerHandle

pytestmark = pytest.mark.slow

CLIENT = {"client_id": "app", "client_secret": "secret"}


def test_refresh_token_grant_returns_amazons_token_shape(
    sim: SimulatedAmazon, seller: SellerHandle
) -> None:
    response = httpx.post(
        f"{sim.url}/auth/o2/token",
        data={"grant_type": "refresh_token", "refresh_token": seller.refresh_token, **CLIENT},
    )

    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 3600
    assert body["refresh_token"] == seller.refresh_token
    assert body["access_token"].startswith("Atza|")


def test_unknown_refresh_token_is_invalid_grant(sim: SimulatedAmazon) -> None:
    response = httpx.post(
        f"{sim.url}/auth/o2/token",
        data={"grant_type": "refresh_token", "refresh_token": "Atzr|nobody", **CLIENT},
    )

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"
    assert response.json()["error_description"]


def test_sp_api_raises_authorization_error_for_a_bad_refresh_token(sim: SimulatedAmazon) -> None:
    stranger = SellerHandle("nobody", "Atzr|not-a-known-refresh-token", sim.url)

    with pytest.raises(AuthorizationError) as raised:
        stranger.inbound().get_shipments(QueryType="SHIPMENT", ShipmentStatusList="WORKING")

    assert raised.value.error_code == "invalid_grant"
    assert raised.value.status_code == 400


@pytest.mark.parametrize("token", [None, "Atza|forged"])
def test_calls_without_a_valid_access_token_are_unauthorized(
    sim: SimulatedAmazon, token: str | None
) -> None:
    headers = {"x-amz-access-token": token} if token else {}

    response = httpx.get(
        f"{sim.url}/fba/inbound/v0/shipments",
        params={"QueryType": "SHIPMENT", "ShipmentStatusList": "WORKING", "MarketplaceId": US},
        headers=headers,
    )

    assert response.status_code == 403
    assert response.json()["errors"][0]["code"] == "Unauthorized"
    assert response.headers["x-amzn-RequestId"]


def test_grantless_tokens_cannot_read_a_sellers_shipments(sim: SimulatedAmazon) -> None:
    grant = httpx.post(
        f"{sim.url}/auth/o2/token",
        data={
            "grant_type": "client_credentials",
            "scope": "sellingpartnerapi::notifications",
            **CLIENT,
        },
    )
    assert grant.status_code == 200

    response = httpx.get(
        f"{sim.url}/fba/inbound/v0/shipments",
        params={"QueryType": "SHIPMENT", "ShipmentStatusList": "WORKING", "MarketplaceId": US},
        headers={"x-amz-access-token": grant.json()["access_token"]},
    )

    assert response.status_code == 403


def test_a_cached_access_token_survives_reset_when_the_seller_is_recreated(
    sim: SimulatedAmazon, control: ControlClient, seller: SellerHandle
) -> None:
    inbound = seller.inbound()
    inbound.get_shipments(QueryType="SHIPMENT", ShipmentStatusList="WORKING")  # caches a token

    control.reset()
    with pytest.raises(SellingApiForbiddenException):
        inbound.get_shipments(QueryType="SHIPMENT", ShipmentStatusList="WORKING")
    control.create_seller(seller.seller_id, [US], refresh_token=seller.refresh_token)

    response = inbound.get_shipments(QueryType="SHIPMENT", ShipmentStatusList="WORKING")
    assert response.payload == {"ShipmentData": []}
