"""Products and listings: creating and changing a product, editing its forecast, setting its
bill of materials, remapping a listing to another product."""

from collections.abc import Callable
from typing import Any

from domain.errors import InvalidCommand
from domain.messages import Decision, DomainEvent
from domain.products import listing, product
from domain.products.listing import MapListing
from domain.products.product import (
    BILLS_OF_MATERIALS,
    BillOfMaterialsChanged,
    ChangeProduct,
    CreateProduct,
    EditForecast,
    Product,
    SetComponents,
)
from domain.replenishment.assembly import Component
from domain.streams import StreamKind
from functions.api.auth import Caller
from functions.api.commands.base import event_context, with_retries
from functions.shared.aggregates import Aggregates


def create_product(aggregates: Aggregates, caller: Caller, command: CreateProduct) -> int:
    """Returns the product's version; 409 when a product has the SKU (its id is the SKU's)."""
    return _decided(
        aggregates,
        caller,
        StreamKind.PRODUCT,
        command.product_id,
        lambda state: product.decide(command, state),
    )


def change_product(aggregates: Aggregates, caller: Caller, command: ChangeProduct) -> int:
    """Returns the product's version (unchanged when nothing changed). A vendor named in the
    planning must be one of the tenant's (422 `planning.vendor_id`)."""
    vendor_id = command.planning.vendor_id if command.planning else None
    vendors = StreamKind.VENDOR
    if vendor_id and aggregates.load(caller.tenant_id, vendors, vendor_id).state is None:
        raise InvalidCommand(f"vendor {vendor_id} not found", field="planning.vendor_id")
    return _decided(
        aggregates,
        caller,
        StreamKind.PRODUCT,
        command.product_id,
        lambda state: product.decide_change(command, state),
    )


def edit_forecast(aggregates: Aggregates, caller: Caller, command: EditForecast) -> int:
    return _decided(
        aggregates,
        caller,
        StreamKind.PRODUCT,
        command.product_id,
        lambda state: product.decide_edit(command, state),
    )


def set_components(aggregates: Aggregates, caller: Caller, command: SetComponents) -> int:
    """Returns the product's version (unchanged when the bill is the same). The other products
    and their bills (for the cycle check, every level down) are read from their streams, not
    the views, so a bill set just before is seen. Every bill change also appends to the
    tenant's `bills-of-materials` stream at the version read *before* the bills: two changes
    at once conflict there, and the later is decided again on the bills as they now are (so
    together they cannot close a cycle)."""
    tenant = caller.tenant_id
    key = (StreamKind.PRODUCT.value, command.product_id)
    bills_key = (StreamKind.SETTINGS.value, BILLS_OF_MATERIALS)

    def attempt() -> int:
        bills = aggregates.load(tenant, StreamKind.SETTINGS, BILLS_OF_MATERIALS)
        loaded = aggregates.load(tenant, StreamKind.PRODUCT, command.product_id)
        events = decide(loaded.state)
        if not events:
            return loaded.version
        decision: Decision = {
            key: events,
            bills_key: [BillOfMaterialsChanged(product_id=command.product_id)],
        }
        versions = {key: loaded.version, bills_key: bills.version}
        context = event_context(caller, aggregates.clock)
        return aggregates.save(context, decision, versions)[key]

    def decide(state: Product | None) -> list[DomainEvent]:
        read: dict[str, Product | None] = {}

        def product_of(product_id: str) -> Product | None:
            if product_id not in read:
                read[product_id] = aggregates.load(tenant, StreamKind.PRODUCT, product_id).state
            return read[product_id]

        def bom(product_id: str) -> list[Component]:
            found = product_of(product_id)
            components = found.components if found is not None else ()
            return [Component(product_id=c.product_id, quantity=c.quantity) for c in components]

        return product.decide_components(
            command, state, lambda product_id: product_of(product_id) is not None, bom
        )

    return with_retries(attempt)


def map_listing(aggregates: Aggregates, caller: Caller, command: MapListing) -> int:
    """Returns the listing's version (unchanged when it already was the person's choice)."""

    def decide(state: listing.Listing | None) -> list[DomainEvent]:
        target = aggregates.load(caller.tenant_id, StreamKind.PRODUCT, command.product_id)
        return listing.decide_map(command, state, target.state)

    return _decided(aggregates, caller, StreamKind.LISTING, command.listing_id, decide)


def _decided(
    aggregates: Aggregates,
    caller: Caller,
    kind: StreamKind,
    entity_id: str,
    decide: Callable[[Any], list[DomainEvent]],  # the stream's state (typed by its kind)
) -> int:
    """Load the stream, decide, append at the version read (again on a conflict); returns the
    stream's version (unchanged when nothing was decided)."""
    key = (kind.value, entity_id)

    def attempt() -> int:
        loaded = aggregates.load(caller.tenant_id, kind, entity_id)
        events = decide(loaded.state)
        if not events:
            return loaded.version
        context = event_context(caller, aggregates.clock)
        return aggregates.save(context, {key: events}, {key: loaded.version})[key]

    return with_retries(attempt)
