"""Discovering listings: every event that shows a seller SKU at Amazon (an inbound shipment's
lines, an inventory report, a customer order) makes sure its listing exists, mapped to the
product of its SKU (`domain.products.listing.discover`).

A listing, once seen with the same identifiers, is remembered for the life of the process
(bounded), so a sync's repeated reports cost no reads.
"""

from collections.abc import Iterator
from functools import partial

from domain.event_store import EventContext, RecordedEvent
from domain.inbound_shipment.events import InboundShipmentLinesAdded
from domain.inventory import AmazonInventoryReported
from domain.messages import Decision
from domain.products.listing import SeenListing, discover
from domain.products.product import product_id_for
from domain.sales import AmazonOrderObserved, SalesChannel
from domain.streams import StreamKind
from functions.shared.aggregates import Aggregates, retry_on_conflict

ACTOR = "system:listings"
MAX_REMEMBERED = 50_000


class ListingDiscovery:
    def __init__(self, aggregates: Aggregates) -> None:
        self._aggregates = aggregates
        self._seen: set[tuple[str, SeenListing]] = set()

    def react(self, recorded: RecordedEvent) -> Decision:
        """Append the listings (and products) the event shows for the first time."""
        tenant = recorded.stream_id.tenant_id
        appended: Decision = {}
        for seen in self._seen_in(recorded):
            if (tenant, seen) in self._seen:
                continue
            appended.update(retry_on_conflict(partial(self._discover, recorded, seen)))
            if len(self._seen) >= MAX_REMEMBERED:
                self._seen.clear()
            self._seen.add((tenant, seen))
        return appended

    def _discover(self, recorded: RecordedEvent, seen: SeenListing) -> Decision:
        tenant = recorded.stream_id.tenant_id
        load = self._aggregates.load
        listing = load(tenant, StreamKind.LISTING, seen.listing_id)
        product = load(tenant, StreamKind.PRODUCT, product_id_for(seen.sku))
        decision: Decision = dict(discover(seen, listing.state, product.state))
        if decision:
            versions = {
                (StreamKind.LISTING.value, seen.listing_id): listing.version,
                (StreamKind.PRODUCT.value, product_id_for(seen.sku)): product.version,
            }
            self._aggregates.save(_context(recorded), decision, versions)
        return decision

    def _seen_in(self, recorded: RecordedEvent) -> Iterator[SeenListing]:
        event = recorded.event
        if isinstance(event, AmazonOrderObserved):
            for item in event.lines:
                yield SeenListing(
                    connection_id=event.connection_id,
                    marketplace_id=event.marketplace_id,
                    channel=event.channel,
                    sku=item.sku,
                    asin=item.asin,
                    source="order",
                )
        elif isinstance(event, AmazonInventoryReported):
            warehouse = self._aggregates.load(
                recorded.stream_id.tenant_id, StreamKind.WAREHOUSE, event.warehouse_id
            ).state
            if warehouse and warehouse.connection_id and warehouse.marketplace_id:
                yield SeenListing(
                    connection_id=warehouse.connection_id,
                    marketplace_id=warehouse.marketplace_id,
                    channel=SalesChannel.FBA,
                    sku=event.sku,
                    fnsku=event.fnsku or None,
                    source="inventory",
                )
        elif isinstance(event, InboundShipmentLinesAdded):
            shipment = self._aggregates.load(
                recorded.stream_id.tenant_id, StreamKind.SHIPMENT, event.shipment_id
            ).state
            if shipment is not None:
                for line in event.lines:
                    yield SeenListing(
                        connection_id=shipment.connection_id,
                        marketplace_id=shipment.marketplace_id,
                        channel=SalesChannel.FBA,
                        sku=line.sku,
                        fnsku=line.fnsku or None,
                        source="inbound_shipment",
                    )


def _context(recorded: RecordedEvent) -> EventContext:
    return EventContext(
        tenant_id=recorded.stream_id.tenant_id,
        actor=ACTOR,
        correlation_id=recorded.correlation_id,
        causation_id=recorded.event_id,
        occurred_at=recorded.occurred_at,
    )
