"""The read models of products and listings, and of the figures summed over a product's
listings (declared once, served by the API as they are)."""

from datetime import date

from pydantic import AwareDatetime, Field

from domain.products.listing import MappedBy
from domain.products.product import CreatedBy, Planning, ProductComponent
from domain.sales import SalesChannel
from functions.shared.views.models import View
from functions.shared.views.stock_models import LedgerEntry, StockRow


class Product(View):
    product_id: str
    sku: str
    name: str
    barcode: str | None
    created_by: CreatedBy = Field(
        description="`user`: created with POST /products; `listing`: created when a listing "
        "of its SKU was discovered and no product had that SKU"
    )
    planning: Planning = Field(
        description="Forecast method and days, lead time (null: the vendor's), days of stock, "
        "vendor"
    )
    forecast_edits: dict[date, int] = Field(
        description="Months (by their first day) whose forecast a person set, and the units"
    )
    components: list[ProductComponent] = Field(
        default_factory=list,
        description="Its bill of materials: the products (and units of each) one unit is "
        "assembled from; empty: not an assembly",
    )
    version: int


class Listing(View):
    """A seller SKU in one marketplace and channel of a connection, and its product."""

    listing_id: str
    connection_id: str
    marketplace_id: str
    channel: SalesChannel
    sku: str = Field(description="The seller SKU")
    warehouse_id: str = Field(description="Where its units are: the FBA or FBM warehouse")
    asin: str | None
    fnsku: str | None
    product_id: str | None
    mapped_by: MappedBy | None = Field(
        description="`sku`: mapped automatically to the product of its seller SKU; `user`: "
        "mapped by a person"
    )
    version: int


class ListingStock(View):
    listing_id: str | None = Field(
        description="None for a SKU of the product counted at a warehouse of your own"
    )
    stock: StockRow


class ProductStock(View):
    """A product's stock at one warehouse: the sum of its listings' rows there."""

    product_id: str
    warehouse_id: str
    on_hand: int
    committed: int
    in_transit: int
    on_order: int
    receiving: int
    discrepancy: int
    written_off: int
    listings: list[ListingStock] = Field(description="The rows summed, one per SKU")
    as_of: AwareDatetime | None = None


class ProductLedgerEntry(View):
    listing_id: str | None = Field(description="The listing the movement came from")
    entry: LedgerEntry


class SalesPeriod(View):
    start: date
    end: date = Field(description="Inclusive")
    sold: int = Field(description="Units ordered and not cancelled, on their purchase day")
    cancelled: int = Field(description="Units cancelled, on the day Amazon cancelled them")
    returned: int = Field(description="Units returned, on their return day")
    net: int = Field(description="sold - returned")


class SalesListing(View):
    warehouse_id: str
    sku: str


class ProductSales(View):
    """A product's sales: the sums over the listings it owns at the warehouses asked for."""

    product_id: str
    warehouse_id: str | None = Field(description="None: every warehouse the product sells from")
    granularity: str
    summed: list[SalesListing] = Field(description="The listings (warehouse x SKU) summed")
    periods: list[SalesPeriod]
