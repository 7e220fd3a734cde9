"""The reactor's composition root: adapters built once per cold start, fakes in tests."""

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, cached_property
from typing import TYPE_CHECKING, Protocol

from domain.event_store import RecordedEvent
from domain.messages import Decision
from domain.ports import Clock, IdGenerator
from domain.streams import StreamKind
from functions.shared.aggregates import Aggregates
from functions.shared.cold_start import settled
from functions.shared.settings import StoreSettings

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient


class Reacts(Protocol):
    def react(self, recorded: RecordedEvent) -> Decision: ...


@dataclass
class Reaction:
    """A reaction to the log, built (its modules imported) when the first record it is for
    comes: one of `kinds`' streams or one of `types`' events. A shipment's status change loads
    no listing or stock-drift code."""

    kinds: frozenset[StreamKind]
    types: frozenset[str]
    build: Callable[[], Reacts]

    def react(self, recorded: RecordedEvent) -> Decision:
        if recorded.stream_id.kind in self.kinds or recorded.type in self.types:
            return self._built.react(recorded)
        return {}

    @cached_property
    def _built(self) -> Reacts:
        return self.build()


@dataclass(frozen=True)
class Deps:
    reactions: tuple[Reaction, ...]

    def react(self, recorded: RecordedEvent) -> Decision:
        """What every reaction appended for the record ({} for nothing)."""
        decision: Decision = {}
        for reaction in self.reactions:
            decision |= reaction.react(recorded)
        return decision


def build(
    settings: StoreSettings, client: "DynamoDBClient", ids: IdGenerator, clock: Clock
) -> Deps:
    from functions.shared.adapters.dynamodb_event_store import DynamoDBEventStore

    aggregates = Aggregates(DynamoDBEventStore(settings.events_table, client), ids, clock)

    def follow() -> Reacts:
        from functions.connection_state.placing import PlacingJobs
        from functions.reactor.reactor import Reactor
        from functions.shared.adapters.state_store import StateTable

        return Reactor(aggregates, PlacingJobs(StateTable(settings.state_table, client)))

    def adjust() -> Reacts:
        from aws_lambda_powertools import Metrics

        from functions.reactor.amazon_adjustments import AmazonAdjustments, MetricAlerts
        from functions.shared.views.cursor import CursorCodec
        from functions.shared.views.table import ViewTable

        views = ViewTable(settings.views_table, client, CursorCodec(_never_pages))
        return AmazonAdjustments(aggregates, views, MetricAlerts(Metrics()))

    def discover() -> Reacts:
        from functions.reactor.listings import ListingDiscovery

        return ListingDiscovery(aggregates)

    # The events each reaction acts on (its own `react` says the same for the events it is
    # handed): following orders (`reactor`), listings discovered, Amazon's adjustments.
    return Deps(
        reactions=(
            Reaction(
                frozenset({StreamKind.SHIPMENT}),
                frozenset({"PurchaseOrderShipped", "PurchaseOrderSaveEnded"}),
                follow,
            ),
            Reaction(
                frozenset(),
                frozenset(
                    {"InboundShipmentLinesAdded", "AmazonInventoryReported", "AmazonOrderObserved"}
                ),
                discover,
            ),
            Reaction(frozenset(), frozenset({"AmazonInventoryReported"}), adjust),
        )
    )


def _never_pages() -> bytes:
    raise RuntimeError("the reactor reads whole partitions, never a page with a cursor")


@cache
def deps() -> Deps:
    import boto3

    from functions.shared.adapters.system import RandomIds, SystemClock

    settings = StoreSettings.from_env()
    return settled(build(settings, boto3.client("dynamodb"), RandomIds(), SystemClock()))
