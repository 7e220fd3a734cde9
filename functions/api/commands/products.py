"""Products and listings: creating a product, remapping a listing to another product."""

from domain.products import listing, product
from domain.products.listing import MapListing
from domain.products.product import CreateProduct
from domain.streams import StreamKind
from functions.api.auth import Caller
from functions.api.commands.base import event_context, with_retries
from functions.shared.aggregates import Aggregates


def create_product(aggregates: Aggregates, caller: Caller, command: CreateProduct) -> int:
    """Returns the product's version; 409 when a product has the SKU (its id is the SKU's)."""
    key = (StreamKind.PRODUCT.value, command.product_id)
    loaded = aggregates.load(caller.tenant_id, StreamKind.PRODUCT, command.product_id)
    events = product.decide(command, loaded.state)
    context = event_context(caller, aggregates.clock)
    return aggregates.save(context, {key: events}, {key: loaded.version})[key]


def map_listing(aggregates: Aggregates, caller: Caller, command: MapListing) -> int:
    """Returns the listing's version (unchanged when it already was the person's choice)."""
    key = (StreamKind.LISTING.value, command.listing_id)

    def attempt() -> int:
        tenant = caller.tenant_id
        loaded = aggregates.load(tenant, StreamKind.LISTING, command.listing_id)
        target = aggregates.load(tenant, StreamKind.PRODUCT, command.product_id).state
        events = listing.decide_map(command, loaded.state, target)
        if not events:
            return loaded.version
        context = event_context(caller, aggregates.clock)
        return aggregates.save(context, {key: events}, {key: loaded.version})[key]

    return with_retries(attempt)
