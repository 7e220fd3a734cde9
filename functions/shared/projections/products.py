"""Products (listed per tenant by SKU) and listings (listed per tenant, and per product).

A listing's row carries its product in an index key, so a remap moves the row from one
product's listings to the other's; the figures per product are summed from its listings when
read (`functions/shared/views/product_queries.py`), never stored per product.
"""

from typing import Any

from domain.event_store import RecordedEvent
from domain.products import listing, product
from domain.stock.ledger import AmazonReport, LedgerFact
from domain.streams import StreamId
from functions.shared.projections.changes import IndexKeys
from functions.shared.views import keys
from functions.shared.views.docs.listing import ListingDoc
from functions.shared.views.docs.product import ProductDoc
from functions.shared.views.items import ViewItem
from functions.shared.views.product_models import Listing

LISTING_KIND = "listing"


class ProductProjection:
    rendered: tuple[str, ...] = ()  # the doc only

    def initial(self, stream_id: StreamId) -> ProductDoc:
        return ProductDoc(stream_id=str(stream_id))

    def evolve(self, doc: ProductDoc, recorded: RecordedEvent) -> dict[str, Any]:
        return {"product": product.evolve(doc.product, recorded.event)}

    def rows(self, doc: ProductDoc) -> list[ViewItem]:
        return []

    def doc_index(self, doc: ProductDoc) -> IndexKeys:
        if doc.product is None:
            return IndexKeys()
        return IndexKeys(gsi1pk=keys.products(doc.tenant_id), gsi1sk=keys.part(doc.product.sku))

    def facts(
        self, before: ProductDoc, after: ProductDoc, recorded: RecordedEvent
    ) -> list[LedgerFact]:
        return []

    def reports(self, recorded: RecordedEvent) -> list[AmazonReport]:
        return []


class ListingProjection:
    rendered: tuple[str, ...] = ("listing",)

    def initial(self, stream_id: StreamId) -> ListingDoc:
        return ListingDoc(stream_id=str(stream_id))

    def evolve(self, doc: ListingDoc, recorded: RecordedEvent) -> dict[str, Any]:
        return {"listing": listing.evolve(doc.listing, recorded.event)}

    def rows(self, doc: ListingDoc) -> list[ViewItem]:
        held = doc.listing
        if held is None:
            return []
        tenant = doc.tenant_id
        view = listing_view(held, doc.version)
        by_product = (
            {
                "gsi1pk": keys.product_listings(tenant, held.product_id),
                "gsi1sk": keys.join(held.warehouse_id, held.sku, held.listing_id),
            }
            if held.product_id
            else {}
        )
        return [
            ViewItem.of(
                keys.listings(tenant),
                keys.join(held.connection_id, held.marketplace_id, held.channel.value, held.sku),
                LISTING_KIND,
                view,
                filters={
                    "connection_id": held.connection_id,
                    "marketplace_id": held.marketplace_id,
                    "channel": held.channel.value,
                    "mapped_by": held.mapped_by.value if held.mapped_by else "none",
                },
                rev=doc.version,
                gsi2pk=keys.listings_by_sku(tenant, held.sku),
                gsi2sk=keys.part(held.listing_id),
                **by_product,
            )
        ]

    def doc_index(self, doc: ListingDoc) -> IndexKeys:
        return IndexKeys()

    def facts(
        self, before: ListingDoc, after: ListingDoc, recorded: RecordedEvent
    ) -> list[LedgerFact]:
        return []

    def reports(self, recorded: RecordedEvent) -> list[AmazonReport]:
        return []


def listing_view(held: listing.Listing, version: int) -> Listing:
    return Listing(**held.model_dump(), version=version)
