"""The Save-to-Amazon job's composition root: `build(settings, clients) -> Deps`; `deps()` builds
the default from the environment once per container, on first use; tests call `handler.handle`
with their own."""

import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from domain.marketplaces import Region
from domain.ports import Clock, IdGenerator
from functions.amazon_jobs.runner import JobRunner, JobTuning
from functions.amazon_jobs.session import session_opener
from functions.connection_state.placing import PlacingJobs
from functions.shared.adapters.aws_clients import AwsClients
from functions.shared.adapters.credentials import CredentialStore
from functions.shared.adapters.dynamodb_event_store import DynamoDBEventStore
from functions.shared.adapters.job_queue import JobQueue
from functions.shared.adapters.state_store import StateTable
from functions.shared.adapters.system import RandomIds, SystemClock
from functions.shared.aggregates import Aggregates
from functions.shared.cold_start import settled
from functions.shared.settings import AmazonJobSettings

if TYPE_CHECKING:
    from domain.amazon_gateway import AmazonGateway
    from domain.save_to_amazon.gateway import InboundPlansGateway
    from functions.shared.adapters.lwa import LwaCredentials


@dataclass(frozen=True)
class Deps:
    runner: JobRunner
    queue: JobQueue


def build(
    settings: AmazonJobSettings,
    clients: AwsClients,
    *,
    clock: Clock | None = None,
    ids: IdGenerator | None = None,
    tuning: JobTuning | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> Deps:
    aggregates = Aggregates(
        DynamoDBEventStore(settings.events_table, clients.dynamodb),
        ids or RandomIds(),
        clock or SystemClock(),
    )

    # sp_api and httpx are imported when a job first talks to Amazon, not at cold start (a
    # message for a job already done needs neither).
    def open_plans(credentials: "LwaCredentials", region: Region) -> "InboundPlansGateway":
        from functions.shared.adapters.inbound_plans_gateway import SpApiInboundPlans

        return SpApiInboundPlans(credentials, region, settings.spapi_endpoint)

    def open_reads(credentials: "LwaCredentials", region: Region) -> "AmazonGateway":
        from functions.shared.adapters.spapi_gateway import SpApiGateway

        return SpApiGateway(credentials, region, settings.spapi_endpoint)

    credentials = CredentialStore(
        lambda: clients.secrets,
        settings.lwa_app_secret_id,
        settings.refresh_token_secret_prefix,
    )
    runner = JobRunner(
        aggregates,
        session_opener(aggregates, credentials, open_plans, open_reads),
        PlacingJobs(StateTable(settings.state_table, clients.dynamodb)),
        tuning,
        sleep,
    )
    return Deps(runner=runner, queue=JobQueue(lambda: clients.sqs, settings.amazon_jobs_queue_url))


@cache
def deps() -> Deps:
    return settled(build(AmazonJobSettings.from_env(), AwsClients()))
