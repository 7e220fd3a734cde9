"""What every invocation leaves behind, however it ended: the checkpoint saved (and the rest
queued) or cleared (and the cursor moved), the connection registered, the status recorded."""

from collections.abc import Callable
from dataclasses import dataclass

from pydantic import AwareDatetime

from domain.amazon_gateway import AmazonError
from domain.connection_events import Connection
from domain.ports import Clock
from functions.connection_state.registry import ConnectionRegistry
from functions.connection_state.status import RunOutcome, RunReport, SyncStatusWriter
from functions.connection_state.sync_jobs import SyncJob, SyncReason
from functions.sync.engine.checkpoint import CheckpointStore, SyncCheckpoint, SyncCursor
from functions.sync.observability import logger


@dataclass(frozen=True)
class KnownState:
    """What the invocation already read of the connection's sync state, so that its end does
    not read it again: whether a checkpoint was stored when it started (it saves none before its
    end) and the cursor, when it read it (to plan a new run)."""

    checkpoint_stored: bool
    cursor: SyncCursor | None


class InvocationEnd:
    def __init__(
        self,
        checkpoints: CheckpointStore,
        registry: ConnectionRegistry,
        status: SyncStatusWriter,
        clock: Clock,
        enqueue: Callable[[SyncJob], object],
    ) -> None:
        self._checkpoints = checkpoints
        self._registry = registry
        self._status = status
        self._clock = clock
        self._enqueue = enqueue

    def record(
        self,
        job: SyncJob,
        connection: Connection,
        plan: SyncCheckpoint,
        remaining: list[str],
        outcome: RunOutcome,
        error: Exception | None,
        known: KnownState,
    ) -> RunReport:
        """`remaining`: the shipments a targeted job did not get to."""
        tenant, connection_id = job.tenant_id, job.connection_id
        now = self._clock.now()
        if job.shipment_ids:
            if outcome is RunOutcome.CONTINUING and remaining:
                self._queue_next(job, now, shipment_ids=tuple(remaining))
        elif outcome is RunOutcome.COMPLETED:
            cursor = known.cursor
            if cursor is None:
                cursor = self._checkpoints.cursor(tenant, connection_id)
            for marketplace_id in connection.marketplace_ids:
                if marketplace_id not in plan.relist:  # else listed again from the same start
                    cursor.listed_through[marketplace_id] = plan.updated_before
            self._checkpoints.save_cursor(tenant, connection_id, cursor)
            if known.checkpoint_stored:
                self._checkpoints.clear(tenant, connection_id)
        else:  # out of time, or failed: the next invocation (continuation or retry) resumes
            self._checkpoints.save(tenant, connection_id, plan, now)
            if outcome is RunOutcome.CONTINUING:
                self._queue_next(job, now, run_id=plan.run_id, correlation_id=plan.correlation_id)
        self._registry.register(tenant, connection, now)
        report = RunReport(
            run_id=plan.run_id,
            reason=job.reason,
            outcome=outcome,
            started_at=plan.started_at,
            finished_at=now,
            duration_ms=int((now - plan.started_at).total_seconds() * 1000),
            counters=plan.counters,
            error=_describe(error),
        )
        self._status.record(tenant, connection_id, report)
        logger.info("sync invocation finished", extra={"report": report.model_dump(mode="json")})
        return report

    def _queue_next(
        self,
        job: SyncJob,
        now: AwareDatetime,
        run_id: str | None = None,
        shipment_ids: tuple[str, ...] = (),
        correlation_id: str | None = None,
    ) -> None:
        self._enqueue(
            SyncJob(
                tenant_id=job.tenant_id,
                connection_id=job.connection_id,
                reason=SyncReason.NOTIFICATION if shipment_ids else SyncReason.CONTINUATION,
                requested_at=now,
                shipment_ids=shipment_ids,
                run_id=run_id,
                correlation_id=correlation_id or job.correlation_id,
            )
        )


def _describe(error: Exception | None) -> str | None:
    if error is None:
        return None
    if isinstance(error, AmazonError):
        return f"{type(error).__name__}: {error}"
    return type(error).__name__  # other messages may echo data; the log has the traceback
