"""Connecting a seller: Amazon's website authorization workflow against the simulated Amazon
(consent page, authorization-code grant), refresh tokens proven with Login with Amazon before
anything is stored, and the per-tenant connection quota."""

from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from domain.streams import StreamId, StreamKind
from functions.api.wiring import Services, build_services
from infra.simulated_amazon import ControlClient, SimulatedAmazon
from tests.api.conftest import REDIRECT_URI, Aws
from tests.api.gateway import ApiClient
from tests.api.givens import REFRESH_TOKEN, SELLER, US, a_connection
from tests.support import FixedClock, fresh_name

START = {"region": "NA", "marketplace_ids": [US]}


def consent(consent_url: str, seller_id: str) -> dict[str, str]:
    """The seller signs in on the consent page and confirms: where Amazon sends them back."""
    answer = httpx.get(f"{consent_url}&seller_id={seller_id}", follow_redirects=False)
    assert answer.status_code == 302, answer.text
    location = urlsplit(answer.headers["location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == REDIRECT_URI
    return {key: values[0] for key, values in parse_qs(location.query).items()}


def complete(api: ApiClient, returned: dict[str, str]) -> Any:
    return api.post(
        f"/connections/authorizations/{returned['state']}/complete",
        {
            "spapi_oauth_code": returned["spapi_oauth_code"],
            "selling_partner_id": returned["selling_partner_id"],
        },
    )


def secrets_of(aws: Aws, tenant: str | None) -> list[str]:
    listed = aws.clients.secretsmanager.list_secrets(
        Filters=[{"Key": "name", "Values": [f"{aws.settings.refresh_token_secret_prefix}{tenant}"]}]
    )
    return [secret["Name"] for secret in listed["SecretList"]]


@pytest.fixture
def seller(amazon: SimulatedAmazon) -> str:
    """A seller of its own on Amazon (consent codes are per seller)."""
    seller_id = f"A{fresh_name('s').split('-')[1].upper()}"
    with ControlClient(amazon.url) as control:
        control.create_seller(seller_id, [US])
    return seller_id


def test_a_seller_who_consents_is_connected_with_the_token_amazon_granted(
    api: ApiClient, aws: Aws, services: Services, seller: str
) -> None:
    started = api.post("/connections/authorizations", START)
    assert started.status == 201, started.text
    consent_url = urlsplit(started.json["consent_url"])
    assert parse_qs(consent_url.query)["state"] == [started.json["state"]]

    returned = consent(started.json["consent_url"], seller)
    created = complete(api, returned)

    assert created.status == 201, created.text
    connection_id = created.json["connection_id"]
    [name] = secrets_of(aws, api.tenant)
    stored = aws.clients.secretsmanager.get_secret_value(SecretId=name)["SecretString"]
    assert name.endswith(f"/{connection_id}") and stored.startswith("Atzr|")
    assert returned["spapi_oauth_code"] not in created.text and stored not in created.text
    assert api.tenant is not None
    stream = StreamId(tenant_id=api.tenant, kind=StreamKind.CONNECTION, entity_id=connection_id)
    [opened] = services.events.read(stream)
    assert opened.event.model_dump()["seller_id"] == seller == returned["selling_partner_id"]


def test_a_state_completes_once(api: ApiClient, aws: Aws, seller: str) -> None:
    started = api.post("/connections/authorizations", START)
    returned = consent(started.json["consent_url"], seller)
    assert complete(api, returned).status == 201

    again = complete(api, {**returned, **consent(started.json["consent_url"], seller)})

    assert (again.status, again.json["code"]) == (404, "authorization_not_found")
    assert "POST /connections/authorizations" in again.json["message"]
    assert len(secrets_of(aws, api.tenant)) == 1


def test_an_unknown_state_creates_nothing(api: ApiClient, aws: Aws, seller: str) -> None:
    started = api.post("/connections/authorizations", START)
    returned = consent(started.json["consent_url"], seller)

    wrong = complete(api, {**returned, "state": "x" * 43})

    assert (wrong.status, wrong.json["code"]) == (404, "authorization_not_found")
    assert secrets_of(aws, api.tenant) == []
    assert complete(api, returned).status == 201  # the right state still works


def test_another_tenants_state_is_unknown_and_stays_usable_by_its_owner(
    api: ApiClient, aws: Aws, seller: str
) -> None:
    started = api.post("/connections/authorizations", START)
    returned = consent(started.json["consent_url"], seller)
    intruder = api.as_tenant(f"{api.tenant}-b")

    stolen = complete(intruder, returned)

    assert (stolen.status, stolen.json["code"]) == (404, "authorization_not_found")
    assert secrets_of(aws, intruder.tenant) == []
    assert complete(api, returned).status == 201


def test_an_expired_state_creates_nothing(aws: Aws, seller: str) -> None:
    clock = FixedClock(datetime.now(UTC))
    api = ApiClient(build_services(aws.settings, aws.clients, clock=clock))
    started = api.post("/connections/authorizations", START)
    returned = consent(started.json["consent_url"], seller)
    clock.set(clock.now() + timedelta(minutes=10, seconds=1))

    expired = complete(api, returned)

    assert (expired.status, expired.json["code"]) == (410, "authorization_expired")
    assert secrets_of(aws, api.tenant) == []


def test_a_code_amazon_refuses_creates_nothing(api: ApiClient, aws: Aws, seller: str) -> None:
    started = api.post("/connections/authorizations", START)
    returned = consent(started.json["consent_url"], seller)

    refused = complete(api, {**returned, "spapi_oauth_code": "ANmadeUpCode"})

    assert (refused.status, refused.json["code"]) == (422, "authorization_code_refused")
    assert secrets_of(aws, api.tenant) == []


def test_marketplaces_of_another_region_are_refused_before_the_seller_leaves(
    api: ApiClient,
) -> None:
    refused = api.post("/connections/authorizations", {"region": "EU", "marketplace_ids": [US]})

    assert refused.status == 422, refused.text


def test_a_refresh_token_amazon_refuses_stores_nothing(api: ApiClient, aws: Aws) -> None:
    body = {"seller_id": SELLER, "region": "NA", "marketplace_ids": [US]}

    refused = api.post("/connections", {**body, "refresh_token": "Atzr|made-up"})

    assert (refused.status, refused.json["code"]) == (422, "refresh_token_refused")
    assert "made-up" not in refused.text
    assert secrets_of(aws, api.tenant) == []
    assert api.get("/connections").json["items"] == []


def test_a_tenant_holds_at_most_its_quota_of_connections(aws: Aws) -> None:
    settings = aws.settings.model_copy(update={"connection_quota": 2})
    api = ApiClient(build_services(settings, aws.clients))
    body = {"seller_id": SELLER, "region": "NA", "marketplace_ids": [US]}

    opened = [api.post("/connections", {**body, "refresh_token": REFRESH_TOKEN}) for _ in "abc"]

    assert [reply.status for reply in opened] == [201, 201, 409]
    assert opened[2].json["code"] == "connection_quota_reached"
    assert len(secrets_of(aws, api.tenant)) == 2
    other_tenant = api.as_tenant(f"{api.tenant}-b")
    assert other_tenant.post("/connections", {**body, "refresh_token": REFRESH_TOKEN}).status == 201


def test_a_refused_token_takes_no_place_in_the_quota(aws: Aws) -> None:
    settings = aws.settings.model_copy(update={"connection_quota": 1})
    api = ApiClient(build_services(settings, aws.clients))
    body = {"seller_id": SELLER, "region": "NA", "marketplace_ids": [US]}

    assert api.post("/connections", {**body, "refresh_token": "Atzr|made-up"}).status == 422
    assert api.post("/connections", {**body, "refresh_token": REFRESH_TOKEN}).status == 201


def test_new_credentials_are_proven_stored_and_start_a_sync(
    api: ApiClient, aws: Aws, services: Services, amazon: SimulatedAmazon
) -> None:
    connection_id = a_connection(api)
    [name] = secrets_of(aws, api.tenant)
    with ControlClient(amazon.url) as control:
        new_token = control.issue_refresh_token(SELLER)

    refused = api.request(
        "PUT", f"/connections/{connection_id}/credentials", body={"refresh_token": "Atzr|bad"}
    )
    unchanged = aws.clients.secretsmanager.get_secret_value(SecretId=name)["SecretString"]
    replaced = api.request(
        "PUT", f"/connections/{connection_id}/credentials", body={"refresh_token": new_token}
    )

    assert (refused.status, refused.json["code"]) == (422, "refresh_token_refused")
    assert unchanged == REFRESH_TOKEN
    assert replaced.status == 200, replaced.text
    assert (replaced.json["status"], replaced.json["version"]) == ("active", 2)
    assert new_token not in replaced.text
    stored = aws.clients.secretsmanager.get_secret_value(SecretId=name)["SecretString"]
    assert stored == new_token
    assert api.tenant is not None
    stream = StreamId(tenant_id=api.tenant, kind=StreamKind.CONNECTION, entity_id=connection_id)
    assert [e.type for e in services.events.read(stream)] == [
        "ConnectionCreated",
        "ConnectionReauthorized",
    ]


def test_credentials_of_an_unknown_connection_are_404(api: ApiClient) -> None:
    reply = api.request(
        "PUT", "/connections/conn-nope/credentials", body={"refresh_token": REFRESH_TOKEN}
    )

    assert (reply.status, reply.json["code"]) == (404, "not_found")
