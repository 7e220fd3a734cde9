"""The projector's composition root: adapters built once per cold start, fakes in tests."""

from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from functions.projector.projector import Projector
from functions.shared.cold_start import settled
from functions.shared.settings import StoreSettings

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient


# DynamoDB calls made at once within a round of a batch's writes (they mostly wait on the
# network); botocore's pool of connections per client is 10 by default.
CONCURRENCY = 8


@dataclass(frozen=True)
class Deps:
    projector: Projector  # built once per cold start: its docs stay warm across invocations


def build(settings: StoreSettings, client: "DynamoDBClient") -> Deps:
    from functions.projector.dynamodb_store import DynamoDBViewStore
    from functions.shared.adapters.dynamodb_event_store import DynamoDBEventStore

    return Deps(
        projector=Projector(
            DynamoDBEventStore(settings.events_table, client),
            DynamoDBViewStore(settings.views_table, client),
            concurrency=CONCURRENCY,
        )
    )


@cache
def deps() -> Deps:
    import boto3

    settings = StoreSettings.from_env()
    return settled(build(settings, boto3.client("dynamodb")))
