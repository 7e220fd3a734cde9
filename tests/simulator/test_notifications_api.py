"""Notifications API v1 through sp_api's `Notifications` client: grantless destinations, the
seller's subscriptions, and Amazon's conflicts and refusals."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from sp_api.api import Notifications
from sp_api.auth import access_token_client
from sp_api.base.exceptions import (
    SellingApiBadRequestException,
    SellingApiForbiddenException,
    SellingApiNotFoundException,
    SellingApiStateConflictException,
)

from infra.simulated_amazon import ControlClient, SimulatedAmazon, sp_api_client_kwargs
from infra.simulated_amazon.store import SimulatorState

from .conftest import US, SellerFactory, SellerHandle

pytestmark = pytest.mark.slow

CLIENT = {"client_id": "app", "client_secret": "secret"}
TYPE = "FBA_INVENTORY_AVAILABILITY_CHANGES"


def notifications(seller: SellerHandle) -> Notifications:
    return Notifications(**sp_api_client_kwargs(seller.url, US, seller.refresh_token))


def new_arn() -> str:
    return f"arn:aws:sqs:us-east-1:123456789012:notifications-{uuid.uuid4().hex[:8]}"


def access_token(url: str, **form: str) -> str:
    answer = httpx.post(f"{url}/auth/o2/token", data={**form, **CLIENT})
    assert answer.status_code == 200, answer.text
    return str(answer.json()["access_token"])


def grantless_token(url: str, scope: str = "sellingpartnerapi::notifications") -> str:
    return access_token(url, grant_type="client_credentials", scope=scope)


def seller_token(seller: SellerHandle) -> str:
    return access_token(seller.url, grant_type="refresh_token", refresh_token=seller.refresh_token)


def listed_destinations(client: Notifications) -> list[dict[str, Any]]:
    # sp_api turns an empty payload list into {}.
    return list(client.get_destinations().payload or [])


def destination_of(client: Notifications, arn: str | None = None) -> str:
    created = client.create_destination(name="inventory", arn=arn or new_arn())
    return str(created.payload["destinationId"])


def test_destinations_are_created_listed_read_and_deleted(seller: SellerHandle) -> None:
    client = notifications(seller)
    arn = new_arn()

    created = client.create_destination(name="inventory changes", arn=arn).payload

    destination_id = created["destinationId"]
    assert uuid.UUID(destination_id)
    assert created == {
        "name": "inventory changes",
        "destinationId": destination_id,
        "resource": {"sqs": {"arn": arn}},
    }
    assert created in listed_destinations(client)
    assert client.get_destination(destination_id).payload == created
    client.delete_destination(destination_id)
    assert created not in listed_destinations(client)
    with pytest.raises(SellingApiNotFoundException):
        client.get_destination(destination_id)


def test_a_second_destination_for_the_same_queue_is_a_conflict(seller: SellerHandle) -> None:
    client = notifications(seller)
    arn = new_arn()
    client.create_destination(name="first", arn=arn)

    with pytest.raises(SellingApiStateConflictException) as raised:
        client.create_destination(name="second", arn=arn)

    assert raised.value.amzn_code == "Conflict"
    assert arn in raised.value.error[0]["details"]


def test_deleting_an_unknown_destination_is_404(seller: SellerHandle) -> None:
    with pytest.raises(SellingApiNotFoundException) as raised:
        notifications(seller).delete_destination(str(uuid.uuid4()))

    assert raised.value.amzn_code == "NotFound"


@pytest.mark.parametrize(
    "body",
    [
        {"name": "x", "resourceSpecification": {"sqs": {"arn": "arn:aws:sns:us-east-1:1:t"}}},
        {"name": "x", "resourceSpecification": {}},
        {"resourceSpecification": {"sqs": {"arn": "arn:aws:sqs:us-east-1:123456789012:q"}}},
        {
            "name": "x",
            "resourceSpecification": {"eventBridge": {"region": "us-east-1", "accountId": "1"}},
        },
    ],
)
def test_destination_bodies_are_checked(sim: SimulatedAmazon, body: dict[str, Any]) -> None:
    response = httpx.post(
        f"{sim.url}/notifications/v1/destinations",
        json=body,
        headers={"x-amz-access-token": grantless_token(sim.url)},
    )

    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "InvalidInput"


def test_grantless_operations_refuse_a_sellers_token_and_other_scopes(
    sim: SimulatedAmazon, seller: SellerHandle
) -> None:
    for token in (seller_token(seller), grantless_token(sim.url, "sellingpartnerapi::migration")):
        response = httpx.get(
            f"{sim.url}/notifications/v1/destinations", headers={"x-amz-access-token": token}
        )
        assert response.status_code == 403
        assert response.json()["errors"][0]["code"] == "Unauthorized"
        assert response.headers["x-amzn-RequestId"]


def test_a_seller_subscribes_once_per_notification_type(
    seller: SellerHandle, new_seller: SellerFactory
) -> None:
    client = notifications(seller)
    destination_id = destination_of(client)

    created = client.create_subscription(TYPE, destination_id=destination_id).payload

    assert uuid.UUID(created["subscriptionId"])
    assert created == {
        "subscriptionId": created["subscriptionId"],
        "payloadVersion": "1.0",
        "destinationId": destination_id,
    }
    assert client.get_subscription(TYPE).payload == created
    # A second one for the type is a conflict, whatever the destination
    with pytest.raises(SellingApiStateConflictException) as raised:
        client.create_subscription(TYPE, destination_id=destination_of(client))
    assert raised.value.amzn_code == "StateConflict"
    # Another type, and another seller, are separate
    other_type = client.create_subscription("ANY_OFFER_CHANGED", destination_id=destination_id)
    assert other_type.payload["subscriptionId"] != created["subscriptionId"]
    other_seller = notifications(new_seller())
    with pytest.raises(SellingApiNotFoundException):
        other_seller.get_subscription(TYPE)
    other_seller.create_subscription(TYPE, destination_id=destination_id)


def test_a_deleted_subscription_is_gone_and_can_be_made_again(seller: SellerHandle) -> None:
    client = notifications(seller)
    destination_id = destination_of(client)
    subscription_id = client.create_subscription(TYPE, destination_id=destination_id).payload[
        "subscriptionId"
    ]

    client.delete_notification_subscription(TYPE, subscription_id)

    with pytest.raises(SellingApiNotFoundException):
        client.get_subscription(TYPE)
    with pytest.raises(SellingApiNotFoundException):
        client.delete_notification_subscription(TYPE, subscription_id)
    client.create_subscription(TYPE, destination_id=destination_id)


def test_a_subscription_is_deleted_only_under_its_own_type(
    sim: SimulatedAmazon, seller: SellerHandle
) -> None:
    client = notifications(seller)
    subscription_id = client.create_subscription(
        TYPE, destination_id=destination_of(client)
    ).payload["subscriptionId"]

    with pytest.raises(SellingApiNotFoundException):
        client.delete_notification_subscription("ANY_OFFER_CHANGED", subscription_id)

    read = httpx.get(
        f"{sim.url}/notifications/v1/subscriptions/{TYPE}/{subscription_id}",
        headers={"x-amz-access-token": grantless_token(sim.url)},
    )
    assert read.status_code == 200
    assert read.json()["payload"]["subscriptionId"] == subscription_id


def test_a_subscription_is_deleted_with_a_grantless_token_too(
    sim: SimulatedAmazon, seller: SellerHandle
) -> None:
    client = notifications(seller)
    subscription_id = client.create_subscription(
        TYPE, destination_id=destination_of(client)
    ).payload["subscriptionId"]

    deleted = httpx.delete(
        f"{sim.url}/notifications/v1/subscriptions/{TYPE}/{subscription_id}",
        headers={"x-amz-access-token": grantless_token(sim.url)},
    )

    assert deleted.status_code == 200
    with pytest.raises(SellingApiNotFoundException):
        client.get_subscription(TYPE)


def test_a_subscription_to_an_unknown_destination_is_invalid_input(seller: SellerHandle) -> None:
    with pytest.raises(SellingApiBadRequestException) as raised:
        notifications(seller).create_subscription(TYPE, destination_id=str(uuid.uuid4()))

    assert raised.value.amzn_code == "InvalidInput"


def test_subscription_bodies_need_a_payload_version_and_a_destination(
    sim: SimulatedAmazon, seller: SellerHandle
) -> None:
    response = httpx.post(
        f"{sim.url}/notifications/v1/subscriptions/{TYPE}",
        json={"payloadVersion": "1.0"},
        headers={"x-amz-access-token": seller_token(seller)},
    )

    assert response.status_code == 400
    assert "destinationId" in response.json()["errors"][0]["details"]


def test_the_processing_directive_is_kept(seller: SellerHandle) -> None:
    client = notifications(seller)
    directive = {"eventFilter": {"eventFilterType": "ANY_OFFER_CHANGED", "marketplaceIds": [US]}}

    created = client.create_subscription(
        "ANY_OFFER_CHANGED", destination_id=destination_of(client), processingDirective=directive
    )

    assert created.payload["processingDirective"] == directive
    assert client.get_subscription("ANY_OFFER_CHANGED").payload == created.payload


def test_subscriptions_need_the_sellers_grant(sim: SimulatedAmazon) -> None:
    response = httpx.get(
        f"{sim.url}/notifications/v1/subscriptions/{TYPE}",
        headers={"x-amz-access-token": grantless_token(sim.url)},
    )

    assert response.status_code == 403
    assert response.json()["errors"][0]["code"] == "Unauthorized"


def test_a_destination_with_subscriptions_cannot_be_deleted(seller: SellerHandle) -> None:
    client = notifications(seller)
    destination_id = destination_of(client)
    subscription_id = client.create_subscription(TYPE, destination_id=destination_id).payload[
        "subscriptionId"
    ]

    with pytest.raises(SellingApiForbiddenException) as raised:
        client.delete_destination(destination_id)
    assert raised.value.error[0]["details"] == "Destination has subscriptions"

    client.delete_notification_subscription(TYPE, subscription_id)
    client.delete_destination(destination_id)


def test_notifications_operations_have_amazons_usage_plan(
    sim: SimulatedAmazon, control: ControlClient, seller: SellerHandle
) -> None:
    client = notifications(seller)
    control.reset_calls()

    listed = client.get_destinations()
    with pytest.raises(SellingApiNotFoundException):
        client.get_subscription(TYPE)

    # 1 request per second at Amazon, times the module's rate_scale of 100
    assert listed.headers["x-amzn-RateLimit-Limit"] == "100.0"
    calls = control.calls()
    assert calls["getDestinations"]["served"] == 1
    assert calls["getSubscription"]["served"] == 1


def test_faults_can_hit_notifications_operations(
    control: ControlClient, seller: SellerHandle
) -> None:
    control.inject_fault("createDestination", 503)

    with pytest.raises(Exception) as raised:
        notifications(seller).create_destination(name="x", arn=new_arn())

    assert getattr(raised.value, "amzn_code", None) == "ServiceUnavailable"


def test_reset_forgets_destinations_and_subscriptions(
    sim: SimulatedAmazon, control: ControlClient
) -> None:
    seller_id = f"A{uuid.uuid4().hex[:12].upper()}"
    seller = SellerHandle(
        seller_id, control.create_seller(seller_id, [US])["refresh_token"], sim.url
    )
    client = notifications(seller)
    client.create_subscription(TYPE, destination_id=destination_of(client))

    control.reset()
    control.create_seller(seller_id, [US], refresh_token=seller.refresh_token)

    assert listed_destinations(client) == []
    with pytest.raises(SellingApiNotFoundException):
        client.get_subscription(TYPE)


def test_destinations_and_subscriptions_survive_an_export_and_import() -> None:
    # Given a simulator with a destination and a seller's subscription, saved as JSON
    with SimulatedAmazon() as first, ControlClient(first.url) as control:
        seller_id = f"A{uuid.uuid4().hex[:12].upper()}"
        refresh_token = control.create_seller(seller_id, [US])["refresh_token"]
        client = notifications(SellerHandle(seller_id, refresh_token, first.url))
        created = client.create_subscription(
            TYPE, destination_id=destination_of(client), processingDirective={"x": [1]}
        ).payload
        saved = first.store.export_state().model_dump_json()

    # When a new simulator loads it (access tokens are not saved: sp_api must ask anew)
    access_token_client.cache.clear()
    access_token_client.grantless_cache.clear()
    with SimulatedAmazon() as second:
        second.store.import_state(SimulatorState.model_validate_json(saved))
        client = notifications(SellerHandle(seller_id, refresh_token, second.url))

        # Then the subscription and its destination are there
        assert client.get_subscription(TYPE).payload == created
        assert [d["destinationId"] for d in listed_destinations(client)] == [
            created["destinationId"]
        ]
