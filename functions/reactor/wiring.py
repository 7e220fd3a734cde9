"""The reactor's composition root: adapters built once per cold start, fakes in tests."""

from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from domain.ports import Clock, IdGenerator
from functions.reactor.amazon_adjustments import AmazonAdjustments, MetricAlerts
from functions.reactor.listings import ListingDiscovery
from functions.reactor.reactor import Reactor
from functions.shared.aggregates import Aggregates
from functions.shared.cold_start import settled
from functions.shared.settings import StoreSettings

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient


@dataclass(frozen=True)
class Deps:
    reactor: Reactor
    adjustments: AmazonAdjustments
    listings: ListingDiscovery


def build(
    settings: StoreSettings, client: "DynamoDBClient", ids: IdGenerator, clock: Clock
) -> Deps:
    from aws_lambda_powertools import Metrics

    from functions.connection_state.placing import PlacingJobs
    from functions.shared.adapters.dynamodb_event_store import DynamoDBEventStore
    from functions.shared.adapters.state_store import StateTable
    from functions.shared.views.cursor import CursorCodec
    from functions.shared.views.table import ViewTable

    store = DynamoDBEventStore(settings.events_table, client)
    placing = PlacingJobs(StateTable(settings.state_table, client))
    aggregates = Aggregates(store, ids, clock)
    views = ViewTable(settings.views_table, client, CursorCodec(_never_pages))
    return Deps(
        reactor=Reactor(aggregates, placing),
        adjustments=AmazonAdjustments(aggregates, views, MetricAlerts(Metrics())),
        listings=ListingDiscovery(aggregates),
    )


def _never_pages() -> bytes:
    raise RuntimeError("the reactor reads whole partitions, never a page with a cursor")


@cache
def deps() -> Deps:
    import boto3

    from functions.shared.adapters.system import RandomIds, SystemClock

    settings = StoreSettings.from_env()
    return settled(build(settings, boto3.client("dynamodb"), RandomIds(), SystemClock()))
