"""Products and listings: discovery maps a new listing to the product of its SKU (creating it),
rediscovery appends nothing, a person remaps."""

import pytest

from domain.errors import AlreadyExists, InvalidCommand, NotFound
from domain.products import listing, product
from domain.products.listing import (
    ListingDiscovered,
    ListingIdentifiersFound,
    ListingMapped,
    MapListing,
    MappedBy,
    SeenListing,
    at_amazon,
    discover,
    listing_id_for,
)
from domain.products.product import CreatedBy, CreateProduct, ProductCreated, product_id_for
from domain.sales import SalesChannel
from domain.streams import StreamKind

US = "ATVPDKIKX0DER"


def seen(sku: str = "MUG-1", channel: SalesChannel = SalesChannel.FBA, **ids: str) -> SeenListing:
    return SeenListing(
        connection_id="conn-1", marketplace_id=US, channel=channel, sku=sku, source="order", **ids
    )


def folded_listing(events: list) -> listing.Listing | None:  # type: ignore[type-arg]
    state = None
    for event in events:
        state = listing.evolve(state, event)
    return state


def test_a_new_listing_maps_to_a_new_product_of_its_sku() -> None:
    decision = discover(seen(), None, None)

    events = decision[(StreamKind.LISTING.value, seen().listing_id)]
    assert isinstance(events[0], ListingDiscovered)
    assert events[0].warehouse_id == f"fba-conn-1-{US}"
    assert events[1] == ListingMapped(
        listing_id=seen().listing_id, product_id=product_id_for("MUG-1"), mapped_by=MappedBy.SKU
    )
    (created,) = decision[(StreamKind.PRODUCT.value, product_id_for("MUG-1"))]
    assert isinstance(created, ProductCreated)
    assert (created.sku, created.created_by) == ("MUG-1", CreatedBy.LISTING)


def test_a_new_listing_maps_to_the_existing_product_of_its_sku_without_creating_one() -> None:
    existing = product.evolve(None, product.decide(CreateProduct(sku="MUG-1", name="Mug"), None)[0])

    decision = discover(seen(), None, existing)

    assert list(decision) == [(StreamKind.LISTING.value, seen().listing_id)]
    assert decision[(StreamKind.LISTING.value, seen().listing_id)][1].product_id == (  # type: ignore[attr-defined]
        product_id_for("MUG-1")
    )


def test_an_fbm_listing_is_at_the_connections_fbm_warehouse() -> None:
    decision = discover(seen(channel=SalesChannel.FBM), None, None)

    held = folded_listing(
        decision[(StreamKind.LISTING.value, seen(channel=SalesChannel.FBM).listing_id)]
    )
    assert held is not None and held.warehouse_id == "fbm-conn-1"
    assert at_amazon(held.warehouse_id) and not at_amazon("wh-123")


def test_rediscovering_a_listing_appends_nothing_unless_amazon_names_new_identifiers() -> None:
    held = folded_listing(
        discover(seen(asin="B01"), None, None)[(StreamKind.LISTING.value, seen().listing_id)]
    )

    assert discover(seen(asin="B01"), held, None) == {}
    assert discover(seen(), held, None) == {}
    (found,) = discover(seen(fnsku="X001"), held, None)[
        (StreamKind.LISTING.value, seen().listing_id)
    ]
    assert found == ListingIdentifiersFound(listing_id=seen().listing_id, fnsku="X001")
    after = listing.evolve(held, found)
    assert after is not None and (after.asin, after.fnsku) == ("B01", "X001")


def test_a_listing_id_names_connection_marketplace_channel_and_sku() -> None:
    ids = {
        listing_id_for("c", US, SalesChannel.FBA, "A"),
        listing_id_for("c", US, SalesChannel.FBM, "A"),
        listing_id_for("c", "A2EUQ1WTGCTBG2", SalesChannel.FBA, "A"),
        listing_id_for("d", US, SalesChannel.FBA, "A"),
        listing_id_for("c", US, SalesChannel.FBA, "B"),
    }
    assert len(ids) == 5


def test_a_person_remaps_a_listing_to_another_product() -> None:
    held = folded_listing(
        discover(seen(), None, None)[(StreamKind.LISTING.value, seen().listing_id)]
    )
    target = product.evolve(None, product.decide(CreateProduct(sku="MUG", name="Mug"), None)[0])
    command = MapListing(listing_id=seen().listing_id, product_id=product_id_for("MUG"))

    (mapped,) = listing.decide_map(command, held, target)

    assert mapped == ListingMapped(
        listing_id=seen().listing_id,
        product_id=product_id_for("MUG"),
        previous_product_id=product_id_for("MUG-1"),
        mapped_by=MappedBy.USER,
    )
    after = listing.evolve(held, mapped)
    assert listing.decide_map(command, after, target) == []


def test_remapping_to_an_unknown_product_or_an_unknown_listing_is_refused() -> None:
    held = folded_listing(
        discover(seen(), None, None)[(StreamKind.LISTING.value, seen().listing_id)]
    )
    command = MapListing(listing_id=seen().listing_id, product_id="prod-nope")

    with pytest.raises(InvalidCommand) as refused:
        listing.decide_map(command, held, None)
    assert refused.value.field == "product_id"
    with pytest.raises(NotFound):
        listing.decide_map(command, None, None)


def test_a_second_product_of_one_sku_is_refused() -> None:
    created = product.decide(CreateProduct(sku="MUG", name="Mug"), None)
    state = product.evolve(None, created[0])

    with pytest.raises(AlreadyExists) as refused:
        product.decide(CreateProduct(sku="MUG", name="Another mug"), state)
    assert refused.value.field == "sku"
    assert product_id_for("MUG") != product_id_for("mug")
