"""Products, listings, and the figures of a product: the sums over its listings, resolved when
read (which rows are a product's: `domain.products.ownership`), so that a remap re-derives
every figure, past ones included, at once."""

import base64
import binascii
import json
from datetime import date
from typing import Final

from pydantic import AwareDatetime

from domain.errors import NotFound
from domain.products.listing import Listing as DomainListing
from domain.products.ownership import ProductRows
from domain.sales import SalesChannel
from domain.sales.series import Granularity
from domain.stock.figures import StockFigures
from domain.streams import StreamKind
from functions.shared.projections.products import listing_view
from functions.shared.tables import VIEWS_GSI1, VIEWS_GSI2
from functions.shared.views import keys
from functions.shared.views.cursor import InvalidCursor
from functions.shared.views.doc_reads import DocReads, stream_of
from functions.shared.views.docs.listing import ListingDoc
from functions.shared.views.docs.product import ProductDoc
from functions.shared.views.errors import TooMuchToRead
from functions.shared.views.models import Page
from functions.shared.views.product_models import (
    Listing,
    ListingStock,
    Product,
    ProductLedgerEntry,
    ProductSales,
    ProductStock,
    SalesListing,
    SalesPeriod,
)
from functions.shared.views.sales_queries import SalesQueries
from functions.shared.views.stock_models import StockRow
from functions.shared.views.stock_queries import StockQueries
from functions.shared.views.table import Partition, ViewTable

# A product's listings are read whole for its figures: past this many, a clear error.
MAX_LISTINGS: Final = 500
ROWS_PER_SKU: Final = 100  # stock rows of one SKU across warehouses, read per page


class TooManyListings(TooMuchToRead):
    code = "too_many_listings"

    def __init__(self, whose: str) -> None:
        super().__init__(
            f"{whose} has more than {MAX_LISTINGS} listings: remap some of them to other "
            "products before reading its figures"
        )


class ProductQueries:
    def __init__(self, table: ViewTable, stock: StockQueries, reads: DocReads) -> None:
        self._table = table
        self._stock = stock
        self._reads = reads
        self._sales = SalesQueries(table)

    def list_products(
        self, tenant_id: str, limit: int = 50, cursor: str | None = None
    ) -> Page[Product]:
        """By SKU."""
        path = Partition(keys.products(tenant_id), VIEWS_GSI1)
        items, next_cursor = self._table.page(path, limit, cursor, descending=False)
        views = (_product_view(ProductDoc.model_validate_json(item.data)) for item in items)
        return Page[Product](items=[v for v in views if v is not None], next_cursor=next_cursor)

    def get_product(self, tenant_id: str, product_id: str) -> Product | None:
        doc = self._reads.doc(stream_of(tenant_id, StreamKind.PRODUCT, product_id), ProductDoc)
        return _product_view(doc) if isinstance(doc, ProductDoc) else None

    def require(self, tenant_id: str, product_id: str) -> Product:
        """The product, or NotFound (another tenant's is not found either)."""
        product = self.get_product(tenant_id, product_id)
        if product is None:
            raise NotFound(f"product {product_id} not found")
        return product

    def list_listings(
        self,
        tenant_id: str,
        connection_id: str | None = None,
        marketplace_id: str | None = None,
        channel: SalesChannel | None = None,
        mapped_by: str | None = None,
        limit: int = 50,
        cursor: str | None = None,
    ) -> Page[Listing]:
        """By connection, marketplace, channel and seller SKU."""
        wanted = {
            "connection_id": connection_id,
            "marketplace_id": marketplace_id,
            "channel": channel.value if channel else None,
            "mapped_by": mapped_by,
        }
        filters = {name: value for name, value in wanted.items() if value is not None}
        path = Partition(keys.listings(tenant_id))
        items, next_cursor = self._table.page(path, limit, cursor, filters, descending=False)
        return Page[Listing](items=[item.parse(Listing) for item in items], next_cursor=next_cursor)

    def get_listing(self, tenant_id: str, listing_id: str) -> Listing | None:
        doc = self._reads.doc(stream_of(tenant_id, StreamKind.LISTING, listing_id), ListingDoc)
        if not isinstance(doc, ListingDoc) or doc.listing is None:
            return None
        return listing_view(doc.listing, doc.version)

    def listings_of(self, tenant_id: str, product_id: str) -> list[Listing]:
        path = Partition(keys.product_listings(tenant_id, product_id), VIEWS_GSI1)
        found = []
        for item in self._table.all(path):
            found.append(item.parse(Listing))
            if len(found) > MAX_LISTINGS:
                raise TooManyListings(f"product {product_id}")
        return found

    def rows_of(self, tenant_id: str, product: Product) -> ProductRows:
        listings = self.listings_of(tenant_id, product.product_id)
        skus = {product.sku, *(listing.sku for listing in listings)}
        return ProductRows(
            product_id=product.product_id,
            sku=product.sku,
            listings=tuple(_domain(listing) for listing in listings),
            listings_of_sku={sku: self._listings_of_sku(tenant_id, sku) for sku in sorted(skus)},
        )

    def stock(
        self,
        tenant_id: str,
        product: Product,
        warehouse_id: str | None = None,
        as_of: AwareDatetime | None = None,
    ) -> list[ProductStock]:
        """Per warehouse (one, or every one with a row of the product), by warehouse id; a
        combined warehouse sums the product's rows at its members that include stock."""
        skus = self.rows_of(tenant_id, product)
        members = self._stock.members.stock(tenant_id, warehouse_id) if warehouse_id else None
        if warehouse_id is not None and members is not None:
            found = [
                row
                for member in members
                for sku in skus.skus()
                for row in self._rows_of(tenant_id, sku, member, as_of)
                if skus.includes(member, sku)
            ]
            return [_summed(product.product_id, warehouse_id, found, skus, as_of)] if found else []
        rows: dict[str, list[StockRow]] = {}
        for sku in skus.skus():
            for row in self._rows_of(tenant_id, sku, warehouse_id, as_of):
                if skus.includes(row.warehouse_id, row.sku):
                    rows.setdefault(row.warehouse_id, []).append(row)
        return [
            _summed(product.product_id, warehouse, rows[warehouse], skus, as_of)
            for warehouse in sorted(rows)
        ]

    def sales(
        self,
        tenant_id: str,
        product: Product,
        warehouse_ids: tuple[str, ...] | None,
        start: date,
        end: date,
        granularity: Granularity,
    ) -> ProductSales:
        """Summed over the product's listings at `warehouse_ids` (None: wherever it sells).
        Raises `InvalidCommand` naming `from`/`to` for a range over the bounds."""
        pairs = {
            warehouse: skus
            for warehouse, skus in self.rows_of(tenant_id, product).amazon_pairs().items()
            if warehouse_ids is None or warehouse in warehouse_ids
        }
        periods = self._sales.series(tenant_id, pairs, start, end, granularity)
        return ProductSales(
            product_id=product.product_id,
            warehouse_id=None,
            granularity=granularity.value,
            summed=[
                SalesListing(warehouse_id=warehouse, sku=sku)
                for warehouse, skus in pairs.items()
                for sku in skus
            ],
            periods=[SalesPeriod(**period.model_dump()) for period in periods],
        )

    def ledger(
        self,
        tenant_id: str,
        product: Product,
        warehouse_id: str,
        limit: int,
        cursor: str | None = None,
    ) -> Page[ProductLedgerEntry]:
        """The ledgers of the product's rows at the warehouse, one SKU after the other (each in
        time order, with that SKU's running on hand), every entry naming its listing."""
        skus = self.rows_of(tenant_id, product)
        wanted = [sku for sku in skus.skus() if skus.includes(warehouse_id, sku)]
        index, inner = _split_cursor(cursor)
        entries: list[ProductLedgerEntry] = []
        while index < len(wanted) and len(entries) < limit:
            sku = wanted[index]
            page = self._stock.ledger(tenant_id, warehouse_id, sku, limit - len(entries), inner)
            listing = skus.listing_at(warehouse_id, sku)
            entries += [
                ProductLedgerEntry(listing_id=listing.listing_id if listing else None, entry=e)
                for e in page.items
            ]
            if page.next_cursor is not None:
                return Page(items=entries, next_cursor=_join_cursor(index, page.next_cursor))
            index, inner = index + 1, None
        more = index < len(wanted)
        return Page(items=entries, next_cursor=_join_cursor(index, None) if more else None)

    def _listings_of_sku(self, tenant_id: str, sku: str) -> list[DomainListing]:
        path = Partition(keys.listings_by_sku(tenant_id, sku), VIEWS_GSI2)
        found = []
        for item in self._table.all(path):
            found.append(_domain(item.parse(Listing)))
            if len(found) > MAX_LISTINGS:
                raise TooManyListings(f"seller SKU {sku}")
        return found

    def _rows_of(
        self,
        tenant_id: str,
        sku: str,
        warehouse_id: str | None,
        as_of: AwareDatetime | None,
    ) -> list[StockRow]:
        rows: list[StockRow] = []
        cursor = None
        while True:
            page = self._stock.stock(tenant_id, warehouse_id, sku, as_of, ROWS_PER_SKU, cursor)
            rows += page.items
            cursor = page.next_cursor
            if cursor is None:
                return rows


def _summed(
    product_id: str,
    warehouse_id: str,
    rows: list[StockRow],
    skus: ProductRows,
    as_of: AwareDatetime | None,
) -> ProductStock:
    total = StockFigures()
    for row in rows:
        total = total + StockFigures(**row.model_dump(include=set(StockFigures.model_fields)))
    listed = []
    for row in sorted(rows, key=lambda r: (r.warehouse_id, r.sku)):
        listing = skus.listing_at(row.warehouse_id, row.sku)
        listed.append(ListingStock(listing_id=listing.listing_id if listing else None, stock=row))
    return ProductStock(
        product_id=product_id,
        warehouse_id=warehouse_id,
        **total.model_dump(),
        listings=listed,
        as_of=as_of,
    )


def _domain(listing: Listing) -> DomainListing:
    return DomainListing(**listing.model_dump(exclude={"version"}))


def _product_view(doc: ProductDoc | None) -> Product | None:
    if doc is None or doc.product is None:
        return None
    return Product(**doc.product.model_dump(), version=doc.version)


def _split_cursor(cursor: str | None) -> tuple[int, str | None]:
    if cursor is None:
        return 0, None
    try:
        raw = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        index, inner = int(raw["i"]), raw.get("c")
    except (ValueError, KeyError, TypeError, binascii.Error) as bad:
        raise InvalidCursor("the cursor is not one this list returned") from bad
    if index < 0 or not (inner is None or isinstance(inner, str)):
        raise InvalidCursor("the cursor is not one this list returned")
    return index, inner


def _join_cursor(index: int, inner: str | None) -> str:
    raw = json.dumps({"i": index, "c": inner}).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")  # the characters `Cursor` allows
