"""Which rows are a product's: whatever the listings and their mappings, every row belongs to at
most one product, every row of a mapped listing to exactly one, and a remap moves rows whole."""

from hypothesis import given
from hypothesis import strategies as st

from domain.products.listing import Listing, listing_id_for, listing_warehouse
from domain.products.ownership import ProductRows, owner
from domain.products.product import product_id_for
from domain.sales import SalesChannel

SKUS = ["A", "B", "C", "D"]
MARKETPLACES = ["US", "CA"]
OWN = "wh-own"
EXTRA_PRODUCTS = ["prod-extra-1", "prod-extra-2"]
PRODUCTS = [product_id_for(sku) for sku in SKUS] + EXTRA_PRODUCTS
SKU_OF = {product_id_for(sku): sku for sku in SKUS} | {p: f"SKU-{p}" for p in EXTRA_PRODUCTS}


@st.composite
def listings(draw: st.DrawFn) -> list[Listing]:
    keys = draw(
        st.sets(
            st.tuples(
                st.sampled_from(MARKETPLACES), st.sampled_from(SalesChannel), st.sampled_from(SKUS)
            ),
            max_size=10,
        )
    )
    return [
        Listing(
            listing_id=listing_id_for("c", marketplace, channel, sku),
            connection_id="c",
            marketplace_id=marketplace,
            channel=channel,
            sku=sku,
            warehouse_id=listing_warehouse("c", marketplace, channel),
            product_id=draw(st.sampled_from(PRODUCTS)),
        )
        for marketplace, channel, sku in sorted(keys)
    ]


def rows_by_product(all_listings: list[Listing]) -> dict[str, ProductRows]:
    by_sku: dict[str, list[Listing]] = {}
    for listing in all_listings:
        by_sku.setdefault(listing.sku, []).append(listing)
    return {
        product: ProductRows(
            product_id=product,
            sku=SKU_OF[product],
            listings=tuple(listing for listing in all_listings if listing.product_id == product),
            listings_of_sku=by_sku,
        )
        for product in PRODUCTS
    }


def owners(products: dict[str, ProductRows], warehouse_id: str, sku: str) -> list[str]:
    return [product for product, rows in products.items() if rows.includes(warehouse_id, sku)]


@given(listings())
def test_every_row_has_at_most_one_product_and_a_listings_row_exactly_its_own(
    all_listings: list[Listing],
) -> None:
    products = rows_by_product(all_listings)

    for listing in all_listings:
        sharing = [
            other
            for other in all_listings
            if (other.warehouse_id, other.sku) == (listing.warehouse_id, listing.sku)
        ]
        assert owners(products, listing.warehouse_id, listing.sku) == [owner(listing.sku, sharing)]
        if listing.channel is SalesChannel.FBA:  # one listing per FBA row: its product's
            assert owners(products, listing.warehouse_id, listing.sku) == [listing.product_id]
    for sku in SKUS:
        of_sku = [listing for listing in all_listings if listing.sku == sku]
        assert owners(products, OWN, sku) == [owner(sku, of_sku)]


@given(listings(), st.data())
def test_a_remap_moves_a_listings_rows_whole_and_nothing_else(
    all_listings: list[Listing], data: st.DataObject
) -> None:
    if not all_listings:
        return
    moved = data.draw(st.sampled_from(all_listings))
    target = data.draw(st.sampled_from(PRODUCTS))
    before = rows_by_product(all_listings)
    after = rows_by_product(
        [
            listing.model_copy(update={"product_id": target}) if listing == moved else listing
            for listing in all_listings
        ]
    )

    if moved.channel is SalesChannel.FBA:
        assert owners(after, moved.warehouse_id, moved.sku) == [target]
    for listing in all_listings:
        assert len(owners(after, listing.warehouse_id, listing.sku)) == 1
        if listing.sku != moved.sku:  # rows of other SKUs stay where they were
            assert owners(after, listing.warehouse_id, listing.sku) == owners(
                before, listing.warehouse_id, listing.sku
            )
