"""A seller revokes the app: the connection becomes `authorization_lost` (an event with Amazon's
code, never a token), its jobs are consumed instead of retried, the schedule skips it, and a new
refresh token brings it back."""

from typing import Any

import pytest

from domain.connection import (
    ConnectionStatus,
)
from domain.streams import StreamId, StreamKind
from functions.connection_state.registry import ConnectionRegistry
from functions.connection_state.status import RunOutcome
from tests.sync.harness import US, FakeLambdaContext, SyncWorld


def connection_events(world: SyncWorld) -> list[Any]:
    stream = StreamId(
        tenant_id=world.tenant_id, kind=StreamKind.CONNECTION, entity_id=world.connection_id
    )
    return [recorded.event for recorded in world.store.read(stream)]


@pytest.mark.parametrize("revoked_after_first_sync", [True, False])
def test_a_revoked_seller_loses_the_connection_until_it_is_authorized_again(
    world: SyncWorld, revoked_after_first_sync: bool
) -> None:
    sid = world.control.create_shipment(world.seller_id, US, {"A": 3}, status="SHIPPED")
    if revoked_after_first_sync:
        world.sync()  # the worker has run: the schedule knows the connection
    world.control.revoke(world.seller_id)

    answers = world.sync()

    assert answers[-1]["batchItemFailures"] == []  # consumed, not retried
    [lost] = [e for e in connection_events(world) if e.type == "ConnectionAuthorizationLost"]
    assert lost.amazon_error == "invalid_grant"
    assert world.refresh_token not in lost.model_dump_json()
    status = world.status()
    assert status.last_run is not None
    assert status.last_run.outcome is RunOutcome.AUTHORIZATION_LOST
    assert world.receive() == []  # nothing queued again
    # Later jobs are consumed without calling Amazon; the schedule skips the connection.
    world.control.reset_calls()
    assert world.sync()[-1]["batchItemFailures"] == []
    assert world.scheduled() == 0
    assert sum(c["served"] for c in world.control.calls().values()) == 0
    [registered] = ConnectionRegistry(world.state).connections()
    assert registered.status is ConnectionStatus.AUTHORIZATION_LOST

    world.reauthorize(world.control.issue_refresh_token(world.seller_id))
    world.sync()

    assert world.status().last_run.outcome is RunOutcome.COMPLETED
    assert world.stream(sid)[0].type == "InboundShipmentDiscovered"
    assert world.scheduled() == 1


def test_a_403_on_fresh_credentials_is_a_lost_authorization_too(world: SyncWorld) -> None:
    world.control.create_shipment(world.seller_id, US, {"A": 3}, status="SHIPPED")
    world.sync()
    # The access token the worker caches keeps working at LWA's end, but Amazon now answers
    # 403 Unauthorized to every call made with it, even after a fresh read of the secret.
    world.control.revoke(world.seller_id)
    world.control.create_shipment(world.seller_id, US, {"B": 1}, status="SHIPPED")

    assert world.sync()[-1]["batchItemFailures"] == []

    [lost] = [e for e in connection_events(world) if e.type == "ConnectionAuthorizationLost"]
    assert lost.amazon_error in {"invalid_grant", "Unauthorized"}


def test_our_apps_credentials_refused_is_a_failure_to_retry_not_a_lost_seller(
    world: SyncWorld,
) -> None:
    world.aws.secrets.put_secret_value(
        SecretId=world.app_secret_id,
        SecretString='{"lwa_app_id": "app-id", "lwa_client_secret": ""}',
    )
    world.control.create_shipment(world.seller_id, US, {"A": 3}, status="SHIPPED")

    answer = world.deliver_job(world.job(), FakeLambdaContext())

    assert len(answer["batchItemFailures"]) == 1  # SQS retries it
    assert [e.type for e in connection_events(world)] == ["ConnectionCreated"]
