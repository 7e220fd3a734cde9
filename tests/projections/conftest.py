"""Fixtures of the projection suites: moto tables (small: transactions are slow on moto)."""

import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pytest
from moto.moto_server.werkzeug_app import MotoRequestHandler

from functions.projector import wiring
from functions.shared.adapters.dynamodb_event_store import DynamoDBEventStore
from functions.shared.settings import StoreSettings
from infra.local.tables import create_events_table, create_views_table
from tests.conftest import REGION
from tests.projections.delivery import lambda_context
from tests.support import fresh_name

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient

# Powertools reads its metrics namespace when a handler module is first imported (CDK sets it),
# so no module imported above may import a handler.
os.environ.setdefault("POWERTOOLS_METRICS_NAMESPACE", "Tests")
# werkzeug writes headers and body apart; with Nagle on, every moto call waits for a delayed
# ACK (~40 ms). Read per new connection, so this helps even if the server is already up.
MotoRequestHandler.disable_nagle_algorithm = True


@pytest.fixture(scope="module")
def moto_client(moto_server: str) -> "DynamoDBClient":
    """A DynamoDB client for the module (explicit dummy credentials: no real account)."""
    import boto3

    return boto3.client(
        "dynamodb",
        region_name=REGION,
        endpoint_url=moto_server,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


@dataclass(frozen=True)
class Tables:
    client: "DynamoDBClient"
    events: str
    views: str

    @property
    def settings(self) -> StoreSettings:
        return StoreSettings.model_validate(
            {"EVENTS_TABLE": self.events, "VIEWS_TABLE": self.views, "STATE_TABLE": "unused"}
        )

    def event_store(self) -> DynamoDBEventStore:
        return DynamoDBEventStore(self.events, self.client)

    def project(self, event: dict[str, Any]) -> dict[str, Any]:
        """The projector handler on these tables."""
        from functions.projector.handler import handle

        return handle(event, lambda_context(), wiring.build(self.settings, self.client))


def new_tables(client: "DynamoDBClient") -> Tables:
    tables = Tables(client, fresh_name("events"), fresh_name("views"))
    create_events_table(client, tables.events)
    create_views_table(client, tables.views)
    return tables


@pytest.fixture
def tables(moto_client: "DynamoDBClient") -> Iterator[Tables]:
    yield new_tables(moto_client)
