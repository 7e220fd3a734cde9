"""Sync dispatcher (EventBridge schedule): one sync job per registered connection.

Its own composition root, apart from the worker's: it only reads the registry and enqueues, so it
loads neither the SP-API client nor the sync engine.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from aws_lambda_powertools import Tracer
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from domain.connection_terms import ConnectionStatus
from domain.ports import Clock, IdGenerator
from functions.connection_state.enqueue import SyncQueue
from functions.connection_state.pending import PendingJobs
from functions.connection_state.registry import ConnectionRegistry
from functions.connection_state.sync_jobs import SyncJob, SyncReason
from functions.shared.adapters.aws_clients import AwsClients
from functions.shared.adapters.state_store import StateTable
from functions.shared.adapters.system import RandomIds, SystemClock
from functions.shared.cold_start import settled
from functions.shared.invocation_log import log_invocation
from functions.shared.settings import SyncSettings
from functions.sync.observability import logger, metrics

# Patch only what we call: patching every supported library imports them all.
tracer = Tracer(patch_modules=["botocore"])


@dataclass(frozen=True)
class Deps:
    registry: ConnectionRegistry
    enqueue: Callable[[SyncJob], bool]  # False: coalesced into the job of its kind waiting
    clock: Clock
    ids: IdGenerator


def build(
    settings: SyncSettings,
    clients: AwsClients,
    *,
    clock: Clock | None = None,
    ids: IdGenerator | None = None,
) -> Deps:
    state = StateTable(settings.state_table, clients.dynamodb)
    return Deps(
        registry=ConnectionRegistry(state),
        enqueue=SyncQueue(lambda: clients.sqs, settings.sync_queue_url, PendingJobs(state)).submit,
        clock=clock or SystemClock(),
        ids=ids or RandomIds(),
    )


@cache
def deps() -> Deps:
    return settled(build(SyncSettings.from_env(), AwsClients()))


def handle(event: dict[str, Any], context: LambdaContext, deps: Deps) -> dict[str, int]:
    now = deps.clock.now()
    # A connection whose authorization Amazon no longer honours, or that the user disconnected,
    # waits for the seller: its re-authorization queues a sync at once.
    connections = [c for c in deps.registry.connections() if c.status is ConnectionStatus.ACTIVE]
    queued = 0
    for connection in connections:
        job = SyncJob(
            tenant_id=connection.tenant_id,
            connection_id=connection.connection_id,
            reason=SyncReason.SCHEDULE,
            requested_at=now,
            correlation_id=deps.ids.new_id(),
        )
        queued += deps.enqueue(job)  # a scheduled job still waiting covers this tick
    coalesced = len(connections) - queued
    metrics.add_metric(name="SyncJobsScheduled", unit=MetricUnit.Count, value=queued)
    metrics.add_metric(name="SyncJobsCoalesced", unit=MetricUnit.Count, value=coalesced)
    logger.info("scheduled sync jobs", extra={"queued": queued, "coalesced": coalesced})
    return {"enqueued": queued, "coalesced": coalesced}


@log_invocation(logger)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, int]:
    return handle(event, context, deps())
