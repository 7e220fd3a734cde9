"""Which stock rows (warehouse x SKU) are a product's: the rule that sums a product's figures.

A row belongs to the product its listings there agree on; when they disagree, or none is there,
to the product of its SKU:
- at an FBA warehouse a row has one listing (the marketplace's seller SKU), so it is that
  listing's product's;
- at an FBM warehouse the listings of one seller SKU in several marketplaces share a row;
- at a warehouse of the seller's own, a row's listings are every listing of its SKU (a seller
  SKU remapped as a whole moves there too).

So every row belongs to exactly one product id, and a remap moves rows whole: no unit is counted
for two products, none is lost.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from domain.products.listing import Listing, at_amazon
from domain.products.product import product_id_for


def owner(sku: str, listings_there: Iterable[Listing]) -> str:
    """The product a row of `sku` belongs to, given the listings that share that row."""
    products = {listing.product_id for listing in listings_there}
    only = products.pop() if len(products) == 1 else None
    return only or product_id_for(sku)


@dataclass(frozen=True)
class ProductRows:
    """The rows of one product, decided from its listings and every listing of their SKUs."""

    product_id: str
    sku: str
    listings: tuple[Listing, ...]  # the product's own
    listings_of_sku: Mapping[str, Sequence[Listing]]  # every listing of each of the SKUs

    def includes(self, warehouse_id: str, sku: str) -> bool:
        of_sku = self.listings_of_sku.get(sku, ())
        if at_amazon(warehouse_id):
            there = [listing for listing in of_sku if listing.warehouse_id == warehouse_id]
            return bool(there) and owner(sku, there) == self.product_id
        return owner(sku, of_sku) == self.product_id

    def listing_at(self, warehouse_id: str, sku: str) -> Listing | None:
        """The product's listing a row at an Amazon warehouse came from (the first, by id, of
        several marketplaces sharing an FBM row)."""
        mine = [
            listing
            for listing in self.listings
            if (listing.warehouse_id, listing.sku) == (warehouse_id, sku)
        ]
        return min(mine, key=lambda listing: listing.listing_id) if mine else None

    def skus(self) -> list[str]:
        """Every SKU a row of the product may have."""
        return sorted({self.sku, *(listing.sku for listing in self.listings)})

    def amazon_pairs(self) -> dict[str, list[str]]:
        """Where the product sells: {Amazon warehouse: [seller SKUs]} of the rows it owns."""
        pairs: dict[str, set[str]] = {}
        for listing in self.listings:
            if self.includes(listing.warehouse_id, listing.sku):
                pairs.setdefault(listing.warehouse_id, set()).add(listing.sku)
        return {warehouse: sorted(skus) for warehouse, skus in sorted(pairs.items())}
