"""Running one sync job: resume or start the connection's run, work until done or out of time,
then save the checkpoint and queue the rest, record the status and register the connection."""

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from functools import reduce

from pydantic import AwareDatetime

from domain.amazon_gateway import AmazonAuthFailed
from domain.connection_events import Connection, evolve
from domain.connection_terms import ConnectionStatus
from domain.event_store import EventContext
from domain.marketplaces import Region
from domain.ports import Clock, IdGenerator
from domain.sales.gateway import SellerReads
from domain.streams import StreamKind
from functions.connection_state.keys import rate_limit_pk
from functions.connection_state.pending import PendingJobs
from functions.connection_state.registry import ConnectionRegistry
from functions.connection_state.status import RunOutcome, RunReport, SyncStatusWriter
from functions.connection_state.sync_jobs import SyncJob, SyncReason
from functions.connection_state.watch_index import WatchIndex
from functions.shared.adapters.credentials import CredentialStore
from functions.shared.adapters.lwa import LwaCredentials
from functions.shared.adapters.state_store import StateTable
from functions.shared.aggregates import Aggregates, retry_on_conflict
from functions.shared.inventory_stream import InventoryRecorder
from functions.sync.engine.backfill import Backfill, FeedSpool
from functions.sync.engine.checkpoint import CheckpointStore, SyncCheckpoint, SyncCursor, new_plan
from functions.sync.engine.deadline import Deadline, OutOfTime
from functions.sync.engine.inventory_sync import InventorySummariesSync
from functions.sync.engine.invocation_end import InvocationEnd, KnownState
from functions.sync.engine.pacing import GatewaySession, Pacer
from functions.sync.engine.rate_limit import PUBLISHED_LIMITS, TokenBuckets
from functions.sync.engine.recorder import SYNC_ACTOR, RunIdentity, ShipmentRecorder
from functions.sync.engine.sales_recorder import SalesRecorder
from functions.sync.engine.sales_state import SalesStore
from functions.sync.engine.sales_sync import SalesSync
from functions.sync.engine.settings import SyncTuning
from functions.sync.engine.shipment_sync import ShipmentSync
from functions.sync.engine.subscription import InventorySubscription
from functions.sync.observability import SyncMetrics, logger


@dataclass(frozen=True)
class SyncServices:
    aggregates: Aggregates
    state: StateTable
    clock: Clock
    ids: IdGenerator
    credentials: CredentialStore
    open_gateway: Callable[[LwaCredentials, Region], SellerReads]
    enqueue: Callable[[SyncJob], object]
    tuning: SyncTuning = field(default_factory=SyncTuning)
    metrics: SyncMetrics = field(default_factory=SyncMetrics)
    sleep: Callable[[float], None] = time.sleep
    wall_time: Callable[[], float] = time.time  # token buckets are shared across processes
    # Our notifications queue, where each connection subscribes Amazon's inventory changes.
    notifications_destination: str | None = None


class ConnectionSync:
    def __init__(self, services: SyncServices) -> None:
        self._s = services
        tuning = services.tuning
        self._checkpoints = CheckpointStore(
            services.state, timedelta(hours=tuning.checkpoint_ttl_hours)
        )
        self._spool = FeedSpool(
            services.state, timedelta(hours=tuning.checkpoint_ttl_hours), services.clock
        )
        self._watch = WatchIndex(services.state)
        self._registry = ConnectionRegistry(services.state)
        self._pending = PendingJobs(services.state)
        self._status = SyncStatusWriter(services.state)
        self._recorder = ShipmentRecorder(services.aggregates, services.clock)
        self._sales = SalesStore(
            services.state,
            tuning.sales_quarantine_rows,
            timedelta(days=tuning.sales_quarantine_days),
        )
        self._sales_recorder = SalesRecorder(services.aggregates, services.clock)
        self._inventory = InventoryRecorder(
            services.aggregates.store, services.state, services.ids, services.clock
        )
        self._subscription = InventorySubscription(
            self._registry, services.notifications_destination
        )
        self._end = InvocationEnd(
            self._checkpoints, self._registry, self._status, services.clock, services.enqueue
        )
        self._limits = {
            op: limit.scaled(tuning.rate_scale) for op, limit in PUBLISHED_LIMITS.items()
        }

    def run(self, job: SyncJob, remaining_ms: Callable[[], int]) -> RunReport | None:
        """Sync the job's connection; None when there was nothing to run (see the log)."""
        tenant, connection_id = job.tenant_id, job.connection_id
        job = self._picked_up(job)
        started = self._start(job)
        if started is None:
            return None
        connection, saved = started
        now = self._s.clock.now()
        targeted = bool(job.shipment_ids)
        cursor: SyncCursor | None = None
        if saved is not None and not targeted:
            plan = saved
        else:
            cursor = self._checkpoints.cursor(tenant, connection_id)
            plan = self._new_plan(job, connection, cursor)
        # Handed to the invocation's end rather than read again: one worker at a time per
        # connection (FIFO message group), so no one else moves them meanwhile.
        known = KnownState(checkpoint_stored=saved is not None, cursor=cursor)
        before = plan.counters.model_copy(deep=True)
        plan.counters.invocations += 1
        remaining = list(job.shipment_ids)
        session = GatewaySession(
            lambda force: self._s.open_gateway(
                self._s.credentials.for_connection(tenant, connection_id, force), connection.region
            )
        )
        error: Exception | None = None
        backfilling = False
        try:
            if cursor is not None:  # a new run: subscribe if the connection is not yet
                self._subscription.ensure(
                    tenant, connection, cursor, session.gateway, plan.counters, now
                )
            pacer, deadline = self._pacer(job, connection, plan, session, remaining_ms)
            work = self._shipment_sync(job, connection, plan, pacer, now)
            if targeted:
                work.run_targeted(remaining)
            else:
                work.run_plan(plan)
                backfilling = self._amazon_figures(job, connection, plan, pacer, deadline)
            outcome = RunOutcome.COMPLETED
        except OutOfTime:
            outcome = RunOutcome.CONTINUING
        except AmazonAuthFailed as refused:
            connection, outcome, error = self._authorization_refused(job, plan, connection, refused)
        except Exception as failure:  # reported in the status, then raised for SQS to retry
            logger.exception("sync invocation failed", extra={"run_id": plan.run_id})
            outcome, error = RunOutcome.FAILED, failure
        finally:
            session.close()
        report = self._end.record(job, connection, plan, remaining, outcome, error, known)
        if backfilling and outcome is RunOutcome.COMPLETED:
            self._queue_backfill(job, plan)
        self._s.metrics.invocation_finished(outcome, before, plan.counters)
        if error is not None:
            raise error
        return report

    def _picked_up(self, job: SyncJob) -> SyncJob:
        """The job no longer waits (a new request of its kind queues another); a targeted one
        also reads the shipments requests added to it while it waited."""
        added = self._pending.take(job)
        if not job.shipment_ids or set(added) <= set(job.shipment_ids):
            return job
        return job.model_copy(update={"shipment_ids": tuple(sorted({*job.shipment_ids, *added}))})

    def _start(self, job: SyncJob) -> tuple[Connection, SyncCheckpoint | None] | None:
        """The connection and its saved checkpoint, or None (logged) when the job has nothing
        to run: no such connection, its authorization is lost (the job is consumed, not
        retried), or it continues a run that has ended."""
        tenant, connection_id = job.tenant_id, job.connection_id
        where = {"tenant_id": tenant, "connection_id": connection_id}
        connection = self._s.aggregates.load(tenant, StreamKind.CONNECTION, connection_id).state
        if connection is None:
            logger.warning("no such connection", extra=where)
            return None
        if connection.status is ConnectionStatus.AUTHORIZATION_LOST:
            logger.info("authorization lost: job consumed until re-authorized", extra=where)
            return None
        if connection.status is ConnectionStatus.DISCONNECTED:
            logger.info("disconnected: job consumed until re-authorized", extra=where)
            self._park_disconnected(tenant, connection)
            return None
        saved = self._checkpoints.get(tenant, connection_id)
        if job.reason is SyncReason.CONTINUATION and (saved is None or saved.run_id != job.run_id):
            logger.info(
                "continuation of a finished run: nothing to do", extra={"run_id": job.run_id}
            )
            return None
        if saved is not None:  # a run begun before marketplaces were removed goes on without them
            saved.marketplaces = [
                m for m in saved.marketplaces if m.marketplace_id in connection.marketplace_ids
            ]
        return connection, saved

    def _park_disconnected(self, tenant: str, connection: Connection) -> None:
        """The schedule learns the connection is disconnected (it stops queueing it), Amazon's
        notifications stop reaching it, and a run it had begun is dropped."""
        connection_id = connection.connection_id
        self._registry.register(tenant, connection, self._s.clock.now())
        cursor = self._checkpoints.cursor(tenant, connection_id)
        if self._subscription.stop(tenant, connection_id, cursor):
            self._checkpoints.save_cursor(tenant, connection_id, cursor)
        self._checkpoints.clear(tenant, connection_id)

    def _authorization_refused(
        self, job: SyncJob, plan: SyncCheckpoint, connection: Connection, refused: AmazonAuthFailed
    ) -> tuple[Connection, RunOutcome, Exception | None]:
        """Amazon refused fresh credentials. If the seller's authorization is gone, the
        connection is marked so (an event) and the job consumed; otherwise (our app's
        credentials, say) the invocation fails and SQS retries it."""
        if not refused.authorization_gone:
            logger.exception("sync invocation failed", extra={"run_id": plan.run_id})
            return connection, RunOutcome.FAILED, refused
        logger.warning(
            "Amazon no longer honours the connection's authorization",
            extra={"connection_id": job.connection_id, "amazon_error": refused.code},
        )
        # The connection's commands (and the warehouses' code they load) are needed only now.
        from domain.connection import MarkAuthorizationLost, decide

        command = MarkAuthorizationLost(
            connection_id=job.connection_id, lost_at=self._s.clock.now(), amazon_error=refused.code
        )
        context = EventContext(
            tenant_id=job.tenant_id,
            actor=SYNC_ACTOR,
            correlation_id=plan.correlation_id,
            occurred_at=command.lost_at,
        )
        key = (StreamKind.CONNECTION.value, job.connection_id)

        def attempt() -> Connection:
            aggregates = self._s.aggregates
            loaded = aggregates.load(job.tenant_id, StreamKind.CONNECTION, job.connection_id)
            events = decide(command, loaded.state)
            aggregates.save(context, {key: events}, {key: loaded.version})
            return reduce(evolve, events, loaded.state) or connection

        return retry_on_conflict(attempt), RunOutcome.AUTHORIZATION_LOST, None

    def _pacer(
        self,
        job: SyncJob,
        connection: Connection,
        plan: SyncCheckpoint,
        session: GatewaySession,
        remaining_ms: Callable[[], int],
    ) -> tuple[Pacer, Deadline]:
        tuning = self._s.tuning
        buckets = TokenBuckets(
            self._s.state,
            rate_limit_pk(connection.region.value, job.tenant_id, job.connection_id),
            self._limits,
            self._s.wall_time,
        )
        deadline = Deadline(remaining_ms, tuning.reserve_seconds)
        pacer = Pacer(
            session,
            buckets,
            deadline,
            plan.counters,
            call_seconds=tuning.call_seconds,
            max_attempts=tuning.max_attempts,
            max_backoff_seconds=tuning.max_backoff_seconds,
            sleep=self._s.sleep,
        )
        return pacer, deadline

    def _amazon_figures(
        self,
        job: SyncJob,
        connection: Connection,
        plan: SyncCheckpoint,
        pacer: Pacer,
        deadline: Deadline,
    ) -> bool:
        """After the shipments: Amazon's inventory figures and sales, when turned on; whether a
        sales backfill goes on in the next run."""
        tuning, run = self._s.tuning, self._run_identity(job, plan)
        if tuning.inventory_summaries_minutes is not None:
            InventorySummariesSync(
                run,
                pacer,
                self._s.state,
                self._inventory,
                plan.counters,
                self._s.metrics,
                self._s.clock,
                every=timedelta(minutes=tuning.inventory_summaries_minutes),
                max_pages=tuning.max_listing_pages,
                confirm=timedelta(minutes=tuning.inventory_confirm_minutes),
            ).run(connection.marketplace_ids)
        if not tuning.sales_reads:
            return False
        return SalesSync(
            run,
            pacer,
            deadline,
            self._sales,
            self._sales_recorder,
            plan.counters,
            self._s.metrics,
            self._s.clock,
            tuning,
            self._s.sleep,
            self._inventory,
        ).run(connection.marketplace_ids)

    def _queue_backfill(self, job: SyncJob, plan: SyncCheckpoint) -> None:
        """The next run of a sales backfill, at once (the queue keeps one waiting per
        connection: a run that finds one queued adds nothing)."""
        self._s.enqueue(
            SyncJob(
                tenant_id=job.tenant_id,
                connection_id=job.connection_id,
                reason=SyncReason.SALES_BACKFILL,
                requested_at=self._s.clock.now(),
                correlation_id=f"sales-backfill-after-{plan.run_id}",
            )
        )

    def _run_identity(self, job: SyncJob, plan: SyncCheckpoint) -> RunIdentity:
        return RunIdentity(job.tenant_id, job.connection_id, plan.run_id, plan.correlation_id)

    def _shipment_sync(
        self,
        job: SyncJob,
        connection: Connection,
        plan: SyncCheckpoint,
        pacer: Pacer,
        now: AwareDatetime,
    ) -> ShipmentSync:
        tuning = self._s.tuning
        window = connection.watch_window_days
        run = self._run_identity(job, plan)
        watched = {
            shipment_id: entry
            for shipment_id, entry in self._watch.entries(
                job.tenant_id, job.connection_id, now, window
            ).items()
            if entry.marketplace_id in connection.marketplace_ids  # not of a removed marketplace
        }
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
            Backfill(
                run,
                pacer,
                self._spool,
                self._s.clock,
                writer=self._s.ids.new_id(),
                min_shipments=tuning.feed_min_shipments,
                max_pages=tuning.max_listing_pages,
            ),
            max_listing_pages=tuning.max_listing_pages,
            max_item_pages=tuning.max_item_pages,
        )

    def _new_plan(self, job: SyncJob, connection: Connection, cursor: SyncCursor) -> SyncCheckpoint:
        tuning = self._s.tuning
        return new_plan(
            job,
            connection,
            cursor,
            self._s.clock.now(),
            self._s.ids.new_id(),
            overlap=timedelta(minutes=tuning.overlap_minutes),
            lookback=timedelta(days=tuning.lookback_days),
            backfill_feed=tuning.backfill_feed,
        )
