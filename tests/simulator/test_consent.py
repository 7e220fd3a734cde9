"""The website authorization workflow: Amazon's redirect with `spapi_oauth_code`, and LWA's
`authorization_code` grant that exchanges the code for a refresh token of that seller."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from sp_api.auth.exceptions import AuthorizationError
from sp_api.base import CredentialProvider

from infra.simulated_amazon import (
    ControlApiError,
    ControlClient,
    SimulatedAmazon,
    local_credentials,
    local_token_client_class,
)

from .conftest import US, SellerHandle, make_seller

pytestmark = pytest.mark.slow

CLIENT = {"client_id": "app", "client_secret": "secret"}
APP = "https://app.example.com/amazon/callback"


class FakeRealTime:
    """A monotonic clock the test moves: what tokens and codes expire on."""

    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


def code_in(location: str) -> str:
    return parse_qs(urlsplit(location).query)["spapi_oauth_code"][0]


def exchange(url: str, code: str, **form: str) -> httpx.Response:
    fields = {"grant_type": "authorization_code", "code": code, **CLIENT, **form}
    return httpx.post(f"{url}/auth/o2/token", data=fields)


def sp_api_exchange(url: str, code: str) -> dict[str, Any]:
    """The code exchanged by the real sp_api client (`AccessTokenClient.authorize_auth_code`)."""
    credentials = CredentialProvider(credentials=local_credentials("unused")).credentials
    token_client = local_token_client_class(url)(credentials=credentials, verify=False)
    answer: dict[str, Any] = token_client.authorize_auth_code(code)
    return answer


def test_consent_redirects_to_the_app_with_state_seller_and_code(
    control: ControlClient, seller: SellerHandle
) -> None:
    location = control.consent(seller.seller_id, "state with spaces&=/", APP)

    parts = urlsplit(location)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == APP
    query = parse_qs(parts.query, keep_blank_values=True)
    assert set(query) == {"state", "selling_partner_id", "spapi_oauth_code"}
    assert query["state"] == ["state with spaces&=/"]
    assert query["selling_partner_id"] == [seller.seller_id]
    assert len(query["spapi_oauth_code"][0]) >= 10


def test_consent_keeps_the_query_the_redirect_uri_already_has(
    control: ControlClient, seller: SellerHandle
) -> None:
    location = control.consent(seller.seller_id, "s1", f"{APP}?tenant=t-1&x=")

    assert location.startswith(f"{APP}?tenant=t-1&x=&state=s1&selling_partner_id=")
    query = parse_qs(urlsplit(location).query, keep_blank_values=True)
    assert set(query) == {"tenant", "x", "state", "selling_partner_id", "spapi_oauth_code"}


def test_each_consent_gives_a_new_code(control: ControlClient, seller: SellerHandle) -> None:
    first = code_in(control.consent(seller.seller_id, "s", APP))
    second = code_in(control.consent(seller.seller_id, "s", APP))

    assert first != second


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"state": "s", "redirect_uri": APP}, 400),
        ({"seller_id": "{seller}", "redirect_uri": APP}, 400),
        ({"seller_id": "{seller}", "state": "s"}, 400),
        ({"seller_id": "{seller}", "state": "", "redirect_uri": APP}, 400),
        ({"seller_id": "{seller}", "state": "s", "redirect_uri": "/relative"}, 400),
        ({"seller_id": "ANOBODY", "state": "s", "redirect_uri": APP}, 404),
    ],
)
def test_consent_refuses_missing_parameters_and_unknown_sellers(
    sim: SimulatedAmazon, seller: SellerHandle, params: dict[str, str], status: int
) -> None:
    query = {key: value.format(seller=seller.seller_id) for key, value in params.items()}

    response = httpx.get(f"{sim.url}/_sim/consent", params=query)

    assert response.status_code == status
    assert response.json()["error"]
    assert "location" not in response.headers


def test_the_code_buys_a_refresh_token_that_works_beside_the_old_one(
    sim: SimulatedAmazon, control: ControlClient, seller: SellerHandle
) -> None:
    shipment_id = control.create_shipment(seller.seller_id, US, {"SKU-1": 3})
    code = code_in(control.consent(seller.seller_id, "s", APP))

    granted = sp_api_exchange(sim.url, code)

    assert granted["token_type"] == "bearer"
    assert granted["expires_in"] == 3600
    assert granted["access_token"].startswith("Atza|")
    new_token = granted["refresh_token"]
    assert new_token != seller.refresh_token
    assert control.seller(seller.seller_id)["refresh_tokens"] == [seller.refresh_token, new_token]
    for token in (new_token, seller.refresh_token):
        handle = SellerHandle(seller.seller_id, token, sim.url)
        shipments = handle.inbound().get_shipments(QueryType="SHIPMENT", ShipmentIdList=shipment_id)
        assert [s["ShipmentId"] for s in shipments.payload["ShipmentData"]] == [shipment_id]


def test_a_code_is_single_use(
    sim: SimulatedAmazon, control: ControlClient, seller: SellerHandle
) -> None:
    code = code_in(control.consent(seller.seller_id, "s", APP))
    assert exchange(sim.url, code, redirect_uri=APP).status_code == 200

    with pytest.raises(AuthorizationError) as raised:
        sp_api_exchange(sim.url, code)

    assert (raised.value.status_code, raised.value.error_code) == (400, "invalid_grant")
    assert len(control.seller(seller.seller_id)["refresh_tokens"]) == 2


@pytest.mark.parametrize(
    ("form", "error"),
    [
        ({"code": "ANnotAcodeAtAll"}, "invalid_grant"),
        ({"code": ""}, "invalid_request"),
        ({}, "invalid_request"),
    ],
)
def test_unknown_or_missing_codes_are_refused(
    sim: SimulatedAmazon, form: dict[str, str], error: str
) -> None:
    response = httpx.post(
        f"{sim.url}/auth/o2/token", data={"grant_type": "authorization_code", **form, **CLIENT}
    )

    assert response.status_code == 400
    assert response.json()["error"] == error
    assert response.json()["error_description"]


def test_a_code_sent_with_another_redirect_uri_is_refused_and_used_up(
    sim: SimulatedAmazon, control: ControlClient, seller: SellerHandle
) -> None:
    code = code_in(control.consent(seller.seller_id, "s", APP))

    refused = exchange(sim.url, code, redirect_uri="https://elsewhere.example.com/cb")
    again = exchange(sim.url, code, redirect_uri=APP)

    assert (refused.status_code, refused.json()["error"]) == (400, "invalid_grant")
    assert (again.status_code, again.json()["error"]) == (400, "invalid_grant")


@pytest.fixture
def timed_sim() -> Iterator[tuple[SimulatedAmazon, FakeRealTime]]:
    clock = FakeRealTime()
    with SimulatedAmazon(real_time=clock) as simulator:
        yield simulator, clock


def test_a_code_expires_after_five_minutes_of_real_time(
    timed_sim: tuple[SimulatedAmazon, FakeRealTime],
) -> None:
    sim, clock = timed_sim
    with ControlClient(sim.url) as control:
        seller = make_seller(control, sim.url)
        kept = code_in(control.consent(seller.seller_id, "s", APP))
        expired = code_in(control.consent(seller.seller_id, "s", APP))
        # The simulated clock is not the one codes expire on.
        control.advance_clock(86_400)
        clock.now += 299.0
        assert exchange(sim.url, kept).status_code == 200

        clock.now += 1.0
        response = exchange(sim.url, expired)

    assert (response.status_code, response.json()["error"]) == (400, "invalid_grant")


def test_reset_voids_outstanding_codes(sim: SimulatedAmazon, control: ControlClient) -> None:
    seller = make_seller(control, sim.url)
    code = code_in(control.consent(seller.seller_id, "s", APP))

    control.reset()
    control.create_seller(seller.seller_id, [US])
    response = exchange(sim.url, code)

    assert (response.status_code, response.json()["error"]) == (400, "invalid_grant")


def test_the_consent_helper_raises_on_refusals(control: ControlClient) -> None:
    with pytest.raises(ControlApiError) as raised:
        control.consent("ANOBODY", "s", APP)

    assert raised.value.status == 404
