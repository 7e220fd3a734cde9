"""The projector's composition root: adapters built once per cold start, fakes in tests."""

from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from functions.projector.projector import Projector
from functions.shared.settings import StoreSettings

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient


@dataclass(frozen=True)
class Deps:
    projector: Projector


def build(settings: StoreSettings, client: "DynamoDBClient") -> Deps:
    from functions.projector.dynamodb_store import DynamoDBViewStore
    from functions.shared.dynamodb_event_store import DynamoDBEventStore

    return Deps(
        projector=Projector(
            DynamoDBEventStore(settings.events_table, client),
            DynamoDBViewStore(settings.views_table, client),
        )
    )


@cache
def deps() -> Deps:
    import boto3

    settings = StoreSettings.from_env()
    return build(settings, boto3.client("dynamodb"))
