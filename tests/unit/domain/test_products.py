"""Products and listings: discovery maps a new listing to the product of its SKU (creating it),
rediscovery appends nothing, a person remaps."""

from datetime import date

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
from domain.products.product import (
    ChangeProduct,
    CreatedBy,
    CreateProduct,
    EditForecast,
    Planning,
    ProductChanged,
    ProductCreated,
    product_id_for,
)
from domain.replenishment.forecast import Method
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


def a_product() -> product.Product:
    state = product.evolve(None, product.decide(CreateProduct(sku="MUG", name="Mug"), None)[0])
    assert state is not None
    return state


def test_changing_planning_records_only_what_changed() -> None:
    state = a_product()
    planning = Planning(forecast_method=Method.TREND, lead_time_days=21, days_of_stock=45)

    (changed,) = product.decide_change(
        ChangeProduct(product_id=state.product_id, planning=planning), state
    )
    after = product.evolve(state, changed)

    assert changed == ProductChanged(product_id=state.product_id, planning=planning)
    assert after is not None and after.planning == planning and after.name == "Mug"
    same = ChangeProduct(product_id=state.product_id, name="Mug", planning=planning)
    assert product.decide_change(same, after) == []


def test_a_forecast_edit_is_for_this_month_or_later_and_can_be_removed() -> None:
    state = a_product()
    today = date(2026, 12, 15)
    edit = EditForecast(product_id=state.product_id, month=date(2027, 1, 1), units=500, today=today)

    (edited,) = product.decide_edit(edit, state)
    after = product.evolve(state, edited)
    assert after is not None and after.forecast_edits == {date(2027, 1, 1): 500}
    assert product.decide_edit(edit, after) == []
    (removed,) = product.decide_edit(edit.model_copy(update={"units": None}), after)
    cleared = product.evolve(after, removed)
    assert cleared is not None and cleared.forecast_edits == {}

    for month in (date(2026, 11, 1), date(2027, 1, 15)):
        with pytest.raises(InvalidCommand) as refused:
            product.decide_edit(edit.model_copy(update={"month": month}), state)
        assert refused.value.field == "month"
    this_month = edit.model_copy(update={"month": date(2026, 12, 1)})
    assert product.decide_edit(this_month, state) != []


def test_planning_bounds_are_the_issues() -> None:
    for bad in (
        {"lead_time_days": -1},
        {"lead_time_days": 366},
        {"days_of_stock": 0},
        {"days_of_stock": 366},
    ):
        with pytest.raises(ValueError):
            Planning(**bad)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        EditForecast(product_id="p", month=date(2027, 1, 1), units=-1, today=date(2026, 12, 1))
