"""Credentials come from Secrets Manager, are read again after an auth failure, and never show
up in logs or statuses."""

import pytest

from functions.connection_state.status import RunOutcome
from tests.sync.harness import US, FakeLambdaContext, SyncWorld

pytestmark = pytest.mark.slow


def test_after_an_auth_failure_the_rotated_refresh_token_is_read_and_no_secret_is_logged(
    world: SyncWorld, capsys: pytest.CaptureFixture[str]
) -> None:
    world.control.create_shipment(world.seller_id, US, {"A": 1}, status="SHIPPED")
    wrong = "Atzr|revoked-token-6f1e"
    world.set_refresh_token(wrong)

    answer = world.deliver_job(world.job(), FakeLambdaContext())

    assert answer["batchItemFailures"] == []  # consumed: Amazon refused the grant itself
    lost = world.status().last_run
    assert lost.outcome is RunOutcome.AUTHORIZATION_LOST
    assert lost.error is None
    assert world.event_count() == 0

    # The seller re-authorised: the secret holds a new token, while our cached copy (5 minutes)
    # still holds the revoked one. The failure makes the worker read the secret again.
    world.reauthorize(world.refresh_token)
    world.sync()

    assert world.status().last_run.outcome is RunOutcome.COMPLETED
    assert world.event_count() == 2
    output = capsys.readouterr()
    for secret in (wrong, world.refresh_token, "app-secret"):
        assert secret not in output.out + output.err
