"""The sync status of a connection: what its last run did, read by the API.

One item per connection (`pk="sync#{tenant}#{connection}"`, `sk="status"`). Importing this module
costs no SP-API client: the API reads it without the sync's dependencies.
"""

from enum import StrEnum
from typing import TYPE_CHECKING

from pydantic import AwareDatetime, BaseModel, ConfigDict

from functions.connection_state.keys import STATUS_SK, sync_pk
from functions.connection_state.sync_jobs import SyncReason
from functions.shared.adapters.state_store import StateTable

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient

MAX_QUARANTINED_SHOWN = 50


class RunOutcome(StrEnum):
    COMPLETED = "completed"
    CONTINUING = "continuing"  # ran out of time, saved a checkpoint, queued the rest
    FAILED = "failed"
    # Amazon no longer honours the connection's grant: nothing retried until re-authorized.
    AUTHORIZATION_LOST = "authorization_lost"


class QuarantinedRecord(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)

    marketplace_id: str
    operation: str
    reference: str
    problem: str


class RunCounters(BaseModel):
    """What a run did so far; carried across continuations in the checkpoint."""

    model_config = ConfigDict(defer_build=True)

    calls: dict[str, int] = {}
    throttled: dict[str, int] = {}
    retried_errors: dict[str, int] = {}
    shipments_seen: int = 0
    events_appended: int = 0  # of shipments
    # Sales from Amazon's reports: reports asked for, and given up on (stuck past the limit or
    # FATAL, requested again or abandoned); orders and returns that appended an event.
    reports_requested: int = 0
    reports_dropped: int = 0
    orders_recorded: int = 0
    returns_recorded: int = 0
    # Amazon's FBA figures (getInventorySummaries) recorded, per SKU changed or confirmed.
    inventory_reported: int = 0
    quarantined_count: int = 0
    quarantined: list[QuarantinedRecord] = []
    invocations: int = 0

    def count(self, table: dict[str, int], operation: str) -> None:
        table[operation] = table.get(operation, 0) + 1

    def quarantine(self, record: QuarantinedRecord) -> None:
        self.quarantined_count += 1
        if len(self.quarantined) < MAX_QUARANTINED_SHOWN:
            self.quarantined.append(record)


class RunReport(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)

    run_id: str
    reason: SyncReason
    outcome: RunOutcome
    started_at: AwareDatetime
    finished_at: AwareDatetime
    duration_ms: int  # from the run's start to now, across continuations
    counters: RunCounters
    error: str | None = None


class SyncStatus(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)

    tenant_id: str
    connection_id: str
    last_run: RunReport
    last_completed_run: RunReport | None = None


class SyncStatusReader:
    def __init__(self, table_name: str, client: "DynamoDBClient") -> None:
        self._table = StateTable(table_name, client)

    def get(self, tenant_id: str, connection_id: str) -> SyncStatus | None:
        stored = self._table.get(sync_pk(tenant_id, connection_id), STATUS_SK, SyncStatus)
        return None if stored is None else stored.doc


class SyncStatusWriter:
    def __init__(self, table: StateTable) -> None:
        self._table = table

    def record(self, tenant_id: str, connection_id: str, report: RunReport) -> SyncStatus:
        # One worker at a time per connection (FIFO message group): no concurrent writers.
        key = sync_pk(tenant_id, connection_id)
        if report.outcome is RunOutcome.COMPLETED:
            last_completed: RunReport | None = report
        else:  # keep the last run that completed
            previous = self._table.get(key, STATUS_SK, SyncStatus)
            last_completed = previous.doc.last_completed_run if previous else None
        status = SyncStatus(
            tenant_id=tenant_id,
            connection_id=connection_id,
            last_run=report,
            last_completed_run=last_completed,
        )
        self._table.put(key, STATUS_SK, status)
        return status
