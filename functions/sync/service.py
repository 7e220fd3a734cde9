"""Running one sync job: resume or start the connection's run, work until done or out of time,
then save the checkpoint and queue the rest, record the status and register the connection."""

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from pydantic import AwareDatetime

from domain.amazon_gateway import AmazonError, AmazonGateway
from domain.connection import Connection
from domain.marketplaces import Region
from domain.ports import Clock, IdGenerator
from domain.streams import StreamKind
from functions.shared.aggregates import Aggregates
from functions.shared.spapi_gateway import LwaCredentials
from functions.shared.state_store import StateTable
from functions.shared.sync_jobs import SyncJob, SyncReason
from functions.sync.checkpoint import CheckpointStore, MarketplaceProgress, SyncCheckpoint
from functions.sync.credentials import CredentialStore
from functions.sync.deadline import Deadline, OutOfTime
from functions.sync.keys import rate_limit_pk
from functions.sync.observability import SyncMetrics, logger
from functions.sync.pacing import GatewaySession, Pacer
from functions.sync.rate_limit import PUBLISHED_LIMITS, TokenBuckets
from functions.sync.recorder import RunIdentity, ShipmentRecorder
from functions.sync.registry import ConnectionRegistry
from functions.sync.settings import SyncTuning
from functions.sync.shipment_sync import ShipmentSync
from functions.sync.status import RunCounters, RunOutcome, RunReport, SyncStatusWriter
from functions.sync.watch_index import WatchIndex


@dataclass(frozen=True)
class SyncServices:
    aggregates: Aggregates
    state: StateTable
    clock: Clock
    ids: IdGenerator
    credentials: CredentialStore
    open_gateway: Callable[[LwaCredentials, Region], AmazonGateway]
    enqueue: Callable[[SyncJob], object]
    tuning: SyncTuning = field(default_factory=SyncTuning)
    metrics: SyncMetrics = field(default_factory=SyncMetrics)
    sleep: Callable[[float], None] = time.sleep
    wall_time: Callable[[], float] = time.time  # token buckets are shared across processes


class ConnectionSync:
    def __init__(self, services: SyncServices) -> None:
        self._s = services
        tuning = services.tuning
        self._checkpoints = CheckpointStore(
            services.state, timedelta(hours=tuning.checkpoint_ttl_hours)
        )
        self._watch = WatchIndex(services.state)
        self._registry = ConnectionRegistry(services.state)
        self._status = SyncStatusWriter(services.state)
        self._recorder = ShipmentRecorder(services.aggregates, services.clock)
        self._limits = {
            op: limit.scaled(tuning.rate_scale) for op, limit in PUBLISHED_LIMITS.items()
        }

    def run(self, job: SyncJob, remaining_ms: Callable[[], int]) -> RunReport | None:
        """Sync the job's connection; None when there was nothing to run (see the log)."""
        tenant, connection_id = job.tenant_id, job.connection_id
        connection: Connection | None = self._s.aggregates.load(
            tenant, StreamKind.CONNECTION, connection_id
        ).state
        if connection is None:
            logger.warning(
                "no such connection", extra={"tenant_id": tenant, "connection_id": connection_id}
            )
            return None
        now = self._s.clock.now()
        saved = self._checkpoints.get(tenant, connection_id)
        if job.reason is SyncReason.CONTINUATION and (saved is None or saved.run_id != job.run_id):
            logger.info(
                "continuation of a finished run: nothing to do", extra={"run_id": job.run_id}
            )
            return None
        targeted = bool(job.shipment_ids)
        plan = saved if saved is not None and not targeted else self._new_plan(job, connection, now)
        before = plan.counters.model_copy(deep=True)
        plan.counters.invocations += 1
        remaining = list(job.shipment_ids)
        session = GatewaySession(
            lambda force: self._s.open_gateway(
                self._s.credentials.for_connection(tenant, connection_id, force), connection.region
            )
        )
        error: Exception | None = None
        try:
            work = self._shipment_sync(job, connection, plan, session, remaining_ms, now)
            if targeted:
                work.run_targeted(remaining)
            else:
                work.run_plan(plan)
            outcome = RunOutcome.COMPLETED
        except OutOfTime:
            outcome = RunOutcome.CONTINUING
        except Exception as failure:  # reported in the status, then raised for SQS to retry
            logger.exception("sync invocation failed", extra={"run_id": plan.run_id})
            outcome, error = RunOutcome.FAILED, failure
        finally:
            session.close()
        report = self._finish(job, connection, plan, remaining, outcome, error)
        self._s.metrics.invocation_finished(outcome, before, plan.counters)
        if error is not None:
            raise error
        return report

    def _shipment_sync(
        self,
        job: SyncJob,
        connection: Connection,
        plan: SyncCheckpoint,
        session: GatewaySession,
        remaining_ms: Callable[[], int],
        now: AwareDatetime,
    ) -> ShipmentSync:
        tuning = self._s.tuning
        buckets = TokenBuckets(
            self._s.state,
            rate_limit_pk(connection.region.value, connection.seller_id),
            self._limits,
            self._s.wall_time,
        )
        pacer = Pacer(
            session,
            buckets,
            Deadline(remaining_ms, tuning.reserve_seconds),
            plan.counters,
            call_seconds=tuning.call_seconds,
            max_attempts=tuning.max_attempts,
            max_backoff_seconds=tuning.max_backoff_seconds,
            sleep=self._s.sleep,
        )
        window = connection.watch_window_days
        run = RunIdentity(job.tenant_id, job.connection_id, plan.run_id, plan.correlation_id)
        watched = self._watch.entries(job.tenant_id, job.connection_id, now, window)
        return ShipmentSync(
            run,
            pacer,
            self._recorder,
            self._watch,
            watched,
            plan.counters,
            self._s.metrics,
            self._s.clock,
            window,
        )

    def _new_plan(self, job: SyncJob, connection: Connection, now: AwareDatetime) -> SyncCheckpoint:
        cursor = self._checkpoints.cursor(job.tenant_id, job.connection_id)
        overlap = timedelta(minutes=self._s.tuning.overlap_minutes)
        first_run = now - timedelta(days=self._s.tuning.lookback_days)
        run_id = self._s.ids.new_id()
        return SyncCheckpoint(
            run_id=run_id,
            reason=job.reason,
            correlation_id=job.correlation_id or run_id,
            started_at=now,
            updated_before=now,
            marketplaces=[
                MarketplaceProgress(
                    marketplace_id=marketplace_id,
                    updated_after=(
                        cursor.listed_through[marketplace_id] - overlap
                        if marketplace_id in cursor.listed_through
                        else first_run
                    ),
                )
                for marketplace_id in connection.marketplace_ids
            ],
            counters=RunCounters(),
        )

    def _finish(
        self,
        job: SyncJob,
        connection: Connection,
        plan: SyncCheckpoint,
        remaining: list[str],
        outcome: RunOutcome,
        error: Exception | None,
    ) -> RunReport:
        tenant, connection_id = job.tenant_id, job.connection_id
        now = self._s.clock.now()
        if job.shipment_ids:
            if outcome is RunOutcome.CONTINUING and remaining:
                self._enqueue_next(job, shipment_ids=tuple(remaining), now=now)
        elif outcome is RunOutcome.COMPLETED:
            cursor = self._checkpoints.cursor(tenant, connection_id)
            for marketplace_id in connection.marketplace_ids:
                cursor.listed_through[marketplace_id] = plan.updated_before
            self._checkpoints.save_cursor(tenant, connection_id, cursor)
            self._checkpoints.clear(tenant, connection_id)
        else:
            self._checkpoints.save(tenant, connection_id, plan, now)
            if outcome is RunOutcome.CONTINUING:
                self._enqueue_next(
                    job, run_id=plan.run_id, now=now, correlation_id=plan.correlation_id
                )
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

    def _enqueue_next(
        self,
        job: SyncJob,
        now: AwareDatetime,
        run_id: str | None = None,
        shipment_ids: tuple[str, ...] = (),
        correlation_id: str | None = None,
    ) -> None:
        self._s.enqueue(
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
