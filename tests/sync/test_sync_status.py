"""The sync status a connection shows: its last run, and the last run that completed."""

from datetime import UTC, datetime, timedelta

from functions.connection_state.status import (
    RunCounters,
    RunOutcome,
    RunReport,
    SyncStatusReader,
    SyncStatusWriter,
)
from functions.connection_state.sync_jobs import SyncReason
from functions.shared.adapters.state_store import StateTable
from infra.local.tables import create_state_table
from tests.support import fresh_name
from tests.sync.harness import AwsClients

START = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def _report(run: int, outcome: RunOutcome) -> RunReport:
    started = START + timedelta(hours=run)
    return RunReport(
        run_id=f"run-{run}",
        reason=SyncReason.SCHEDULE,
        outcome=outcome,
        started_at=started,
        finished_at=started + timedelta(minutes=1),
        duration_ms=60_000,
        counters=RunCounters(),
        error=None if outcome is RunOutcome.COMPLETED else "Amazon kept failing",
    )


def test_a_run_that_did_not_complete_keeps_the_last_completed_one(aws: AwsClients) -> None:
    name = fresh_name("state")
    create_state_table(aws.dynamodb, name)
    writer = SyncStatusWriter(StateTable(name, aws.dynamodb))
    completed, failed, continuing, again = (
        _report(1, RunOutcome.COMPLETED),
        _report(2, RunOutcome.FAILED),
        _report(3, RunOutcome.CONTINUING),
        _report(4, RunOutcome.COMPLETED),
    )

    writer.record("tenant-a", "conn-1", completed)
    writer.record("tenant-a", "conn-1", failed)
    after_continuing = writer.record("tenant-a", "conn-1", continuing)
    stored = SyncStatusReader(name, aws.dynamodb).get("tenant-a", "conn-1")

    assert (after_continuing.last_run, after_continuing.last_completed_run) == (
        continuing,
        completed,
    )
    assert stored == after_continuing
    final = writer.record("tenant-a", "conn-1", again)
    assert (final.last_run, final.last_completed_run) == (again, again)


def test_a_first_run_that_failed_has_no_completed_run(aws: AwsClients) -> None:
    name = fresh_name("state")
    create_state_table(aws.dynamodb, name)
    failed = _report(1, RunOutcome.FAILED)

    status = SyncStatusWriter(StateTable(name, aws.dynamodb)).record("tenant-a", "conn-1", failed)

    assert (status.last_run, status.last_completed_run) == (failed, None)
