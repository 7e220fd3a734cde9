"""Listing: a seller SKU in one marketplace and channel of a connection, and the product it maps
to.

Every read from Amazon that names a seller SKU (an inbound shipment's items, an inventory
report, a customer order) discovers its listing. A new listing maps to the product whose SKU
equals its seller SKU, creating that product when none exists, in the same append; a person may
remap it (`MapListing`) to any product of theirs. Ids are derived from what identifies the
listing, so rediscovering it appends nothing and concurrent discoveries make one listing.
"""

import hashlib
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from domain.connection_terms import fba_warehouse_id, fbm_warehouse_id
from domain.errors import InvalidCommand, NotFound
from domain.messages import Command, DomainEvent
from domain.products.product import CreatedBy, CreateProduct, Product, product_id_for
from domain.products.product import decide as decide_product
from domain.sales import SalesChannel
from domain.streams import StreamKind


class MappedBy(StrEnum):
    SKU = "sku"  # automatically: the product whose SKU is the listing's seller SKU
    USER = "user"  # a person chose the product


def listing_id_for(connection_id: str, marketplace_id: str, channel: SalesChannel, sku: str) -> str:
    identity = "\x1f".join((connection_id, marketplace_id, channel.value, sku))
    return "lst-" + hashlib.sha256(identity.encode()).hexdigest()[:24]


def listing_warehouse(connection_id: str, marketplace_id: str, channel: SalesChannel) -> str:
    """Where a listing's units are: the marketplace's FBA warehouse, or the connection's FBM."""
    if channel is SalesChannel.FBA:
        return fba_warehouse_id(connection_id, marketplace_id)
    return fbm_warehouse_id(connection_id)


def at_amazon(warehouse_id: str) -> bool:
    """Whether the warehouse is one of Amazon's (an FBA or FBM warehouse of a connection)."""
    return warehouse_id.startswith(("fba-", "fbm-"))  # see fba_warehouse_id, fbm_warehouse_id


class SeenListing(BaseModel):
    """A seller SKU as one read from Amazon showed it."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    connection_id: str
    marketplace_id: str
    channel: SalesChannel
    sku: str = Field(min_length=1)
    asin: str | None = None
    fnsku: str | None = None
    source: str  # the kind of read: "inbound_shipment", "inventory", "order"

    @property
    def listing_id(self) -> str:
        return listing_id_for(self.connection_id, self.marketplace_id, self.channel, self.sku)


class ListingDiscovered(DomainEvent):
    type: Literal["ListingDiscovered"] = "ListingDiscovered"
    listing_id: str
    connection_id: str
    marketplace_id: str
    channel: SalesChannel
    sku: str
    warehouse_id: str
    asin: str | None = None
    fnsku: str | None = None
    source: str


class ListingIdentifiersFound(DomainEvent):
    """Amazon named an ASIN or FNSKU the listing did not have, or a different one."""

    type: Literal["ListingIdentifiersFound"] = "ListingIdentifiersFound"
    listing_id: str
    asin: str | None = None
    fnsku: str | None = None


class ListingMapped(DomainEvent):
    type: Literal["ListingMapped"] = "ListingMapped"
    listing_id: str
    product_id: str
    previous_product_id: str | None = None
    mapped_by: MappedBy


class MapListing(Command):
    listing_id: str
    product_id: str


class Listing(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)

    listing_id: str
    connection_id: str
    marketplace_id: str
    channel: SalesChannel
    sku: str
    warehouse_id: str
    asin: str | None = None
    fnsku: str | None = None
    product_id: str | None = None
    mapped_by: MappedBy | None = None


Streams = dict[tuple[str, str], list[DomainEvent]]


def discover(seen: SeenListing, listing: Listing | None, product_of_sku: Product | None) -> Streams:
    """What a read that names `seen` appends: a new listing (mapped to the product of its SKU,
    created when `product_of_sku` is None), identifiers the listing lacked, or nothing."""
    listing_key = (StreamKind.LISTING.value, seen.listing_id)
    if listing is not None:
        found = _new_identifiers(seen, listing)
        return {listing_key: [found]} if found else {}
    product_id = product_id_for(seen.sku)
    decision: Streams = {
        listing_key: [
            ListingDiscovered(
                listing_id=seen.listing_id,
                connection_id=seen.connection_id,
                marketplace_id=seen.marketplace_id,
                channel=seen.channel,
                sku=seen.sku,
                warehouse_id=listing_warehouse(
                    seen.connection_id, seen.marketplace_id, seen.channel
                ),
                asin=seen.asin,
                fnsku=seen.fnsku,
                source=seen.source,
            ),
            ListingMapped(
                listing_id=seen.listing_id, product_id=product_id, mapped_by=MappedBy.SKU
            ),
        ]
    }
    if product_of_sku is None:
        create = CreateProduct(sku=seen.sku, name=seen.sku, created_by=CreatedBy.LISTING)
        decision[(StreamKind.PRODUCT.value, product_id)] = decide_product(create, None)
    return decision


def _new_identifiers(seen: SeenListing, listing: Listing) -> ListingIdentifiersFound | None:
    asin = seen.asin if seen.asin and seen.asin != listing.asin else None
    fnsku = seen.fnsku if seen.fnsku and seen.fnsku != listing.fnsku else None
    if asin is None and fnsku is None:
        return None
    return ListingIdentifiersFound(listing_id=listing.listing_id, asin=asin, fnsku=fnsku)


def decide_map(
    command: MapListing, listing: Listing | None, product: Product | None
) -> list[DomainEvent]:
    if listing is None:
        raise NotFound(f"listing {command.listing_id} not found")
    if product is None:
        raise InvalidCommand(f"product {command.product_id} not found", field="product_id")
    if listing.product_id == command.product_id and listing.mapped_by is MappedBy.USER:
        return []
    return [
        ListingMapped(
            listing_id=listing.listing_id,
            product_id=command.product_id,
            previous_product_id=listing.product_id,
            mapped_by=MappedBy.USER,
        )
    ]


def evolve(state: Listing | None, event: DomainEvent) -> Listing | None:
    if isinstance(event, ListingDiscovered):
        return Listing(**event.model_dump(exclude={"type", "schema_version", "source"}))
    if state is None:
        return None
    if isinstance(event, ListingIdentifiersFound):
        return state.model_copy(
            update={"asin": event.asin or state.asin, "fnsku": event.fnsku or state.fnsku}
        )
    if isinstance(event, ListingMapped):
        return state.model_copy(
            update={"product_id": event.product_id, "mapped_by": event.mapped_by}
        )
    return state
