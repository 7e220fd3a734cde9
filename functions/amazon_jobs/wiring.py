"""The Save-to-Amazon job's composition root: `build(settings, clients) -> Deps`; `deps()` builds
the default from the environment once per container, on first use; tests call `handler.handle`
with their own."""

import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from domain.marketplaces import Region
from domain.ports import Clock, IdGenerator
from functions.amazon_jobs.runner import JobRunner, JobTuning
from functions.amazon_jobs.session import session_opener
from functions.connection_state.placing import PlacingJobs
from functions.shared.adapters.credentials import CredentialStore
from functions.shared.adapters.dynamodb_event_store import DynamoDBEventStore
from functions.shared.adapters.job_queue import JobQueue
from functions.shared.adapters.state_store import StateTable
from functions.shared.adapters.system import RandomIds, SystemClock
from functions.shared.aggregates import Aggregates
from functions.shared.cold_start import settled
from functions.shared.settings import AmazonJobSettings

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient
    from mypy_boto3_secretsmanager.client import SecretsManagerClient
    from mypy_boto3_sqs.client import SQSClient

    from domain.amazon_gateway import AmazonGateway
    from domain.save_to_amazon.gateway import InboundPlansGateway
    from functions.shared.adapters.lwa import LwaCredentials


@dataclass(frozen=True)
class Deps:
    runner: JobRunner
    queue: JobQueue


def build(
    settings: AmazonJobSettings,
    *,
    dynamodb: "DynamoDBClient",
    sqs: "SQSClient",
    secrets: "SecretsManagerClient",
    clock: Clock | None = None,
    ids: IdGenerator | None = None,
    tuning: JobTuning | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> Deps:
    from aws_lambda_powertools.utilities.parameters import SecretsProvider

    aggregates = Aggregates(
        DynamoDBEventStore(settings.events_table, dynamodb),
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
        SecretsProvider(boto3_client=secrets),
        settings.lwa_app_secret_id,
        settings.refresh_token_secret_prefix,
    )
    runner = JobRunner(
        aggregates,
        session_opener(aggregates, credentials, open_plans, open_reads),
        PlacingJobs(StateTable(settings.state_table, dynamodb)),
        tuning,
        sleep,
    )
    return Deps(runner=runner, queue=JobQueue(lambda: sqs, settings.amazon_jobs_queue_url))


@cache
def deps() -> Deps:
    import boto3

    client: Any = boto3.client
    return settled(
        build(
            AmazonJobSettings.from_env(),
            dynamodb=client("dynamodb"),
            sqs=client("sqs"),
            secrets=client("secretsmanager"),
        )
    )
