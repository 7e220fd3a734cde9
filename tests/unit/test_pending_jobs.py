"""At most one sync job waits per connection and kind: later requests are covered by it (a
targeted one adding its shipments), the worker's pickup frees the kind, a lapsed marker stops
blocking, and continuations are never held back."""

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import pytest

from functions.connection_state.pending import TTL, PendingJobs
from functions.connection_state.sync_jobs import SyncJob, SyncReason
from functions.shared.adapters.state_store import StateTable
from infra.local.tables import create_state_table
from tests.support import fresh_name

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


@pytest.fixture
def pending(dynamodb_client: "DynamoDBClient") -> PendingJobs:
    table = StateTable(fresh_name("state"), dynamodb_client)
    create_state_table(dynamodb_client, table.table_name)
    return PendingJobs(table)


def job(reason: SyncReason, *shipments: str, at: datetime = NOW, connection: str = "c1") -> SyncJob:
    return SyncJob(
        tenant_id="t1",
        connection_id=connection,
        reason=reason,
        requested_at=at,
        shipment_ids=shipments,
        run_id="run-1" if reason is SyncReason.CONTINUATION else None,
    )


def test_one_job_of_a_kind_waits_per_connection(pending: PendingJobs) -> None:
    assert pending.claim(job(SyncReason.SCHEDULE))
    assert not pending.claim(job(SyncReason.SCHEDULE, at=NOW + timedelta(minutes=1)))
    assert pending.claim(job(SyncReason.ON_DEMAND))  # another kind
    assert pending.claim(job(SyncReason.SCHEDULE, connection="c2"))  # another connection

    assert pending.take(job(SyncReason.SCHEDULE)) == ()
    assert pending.claim(job(SyncReason.SCHEDULE, at=NOW + timedelta(minutes=2)))


def test_a_targeted_request_adds_its_shipments_to_the_waiting_one(pending: PendingJobs) -> None:
    first = job(SyncReason.NOTIFICATION, "FBA1", "FBA2")
    assert pending.claim(first)
    assert not pending.claim(job(SyncReason.NOTIFICATION, "FBA2", "FBA3"))
    assert not pending.claim(job(SyncReason.NOTIFICATION, "FBA1"))

    assert pending.take(first) == ("FBA1", "FBA2", "FBA3")
    assert pending.take(first) == ()  # taken once


def test_a_marker_whose_job_was_lost_stops_blocking_after_its_ttl(pending: PendingJobs) -> None:
    assert pending.claim(job(SyncReason.SCHEDULE))

    assert not pending.claim(job(SyncReason.SCHEDULE, at=NOW + TTL - timedelta(seconds=1)))
    assert pending.claim(job(SyncReason.SCHEDULE, at=NOW + TTL + timedelta(seconds=1)))


def test_continuations_are_never_coalesced(pending: PendingJobs) -> None:
    assert pending.claim(job(SyncReason.CONTINUATION))
    assert pending.claim(job(SyncReason.CONTINUATION))
    assert pending.take(job(SyncReason.CONTINUATION)) == ()


def test_a_job_that_could_not_be_queued_frees_its_kind(pending: PendingJobs) -> None:
    waiting = job(SyncReason.ON_DEMAND)
    assert pending.claim(waiting)

    pending.release(waiting)

    assert pending.claim(job(SyncReason.ON_DEMAND))
