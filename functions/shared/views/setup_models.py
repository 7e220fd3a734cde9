"""The read models of a tenant's set-up: its warehouses, its connections to seller accounts and
its vendors (see `models.py`: what a query returns and the API serves, declared once). Apart
from the models of shipments, orders and stock, whose projections never load these."""

from decimal import Decimal

from pydantic import AwareDatetime, Field

from domain.warehouse import Member, WarehouseAddress
from functions.shared.views.models import View

# -- warehouses and connections ----------------------------------------------------------------


class Warehouse(View):
    warehouse_id: str
    name: str
    kind: str = Field(description="`fba`, `fbm`, `own`, `manual` or `combined`")
    connection_id: str | None
    marketplace_id: str | None
    enabled: bool
    address: WarehouseAddress | None = Field(
        default=None,
        description="Where your own warehouse ships from: a transfer saved to Amazon ships "
        "from it unless the request gives `ship_from`",
    )
    members: list[Member] = Field(
        default_factory=list, description="The warehouses a combined warehouse sums"
    )
    version: int = Field(
        description="Version of the resource this answer shows (how many events it applied); "
        "a list can lag a read of the resource itself"
    )


class OrderRule(View):
    default_order_type: str = Field(
        description="What a shipment the sync discovers becomes: `none` (it waits on the Inbound "
        "Shipments list for a reconcile), `purchase_order` (a purchase order with an unknown "
        "source, bound to the shipment) or `transfer_order` (a reconcile from "
        "`default_source_warehouse_id`)"
    )
    default_source_warehouse_id: str | None = Field(
        default=None, description="One of your own warehouses; required for `transfer_order`"
    )


class Connection(View):
    connection_id: str
    seller_id: str
    region: str
    marketplace_ids: list[str]
    watch_window_days: int
    default_order_type: str = Field(
        description="The rule for shipments discovered in every marketplace "
        "without an override: `none`, `purchase_order` or `transfer_order`",
    )
    default_source_warehouse_id: str | None = Field(
        default=None, description="The own warehouse a `transfer_order` starts from"
    )
    marketplace_overrides: dict[str, OrderRule] = Field(
        description="The rule of a marketplace that differs, by marketplace id"
    )
    status: str = Field(
        description="`active`; `authorization_lost` when Amazon no longer honours the "
        "connection's grant (its syncs stop until it is authorized again); `disconnected` when "
        "you disconnected it (its syncs stopped, its refresh token was deleted, its data stays)"
    )
    authorization_lost_at: AwareDatetime | None = None
    amazon_error: str | None = Field(
        default=None, description="Amazon's error code when the authorization was lost"
    )
    disconnected_at: AwareDatetime | None = None
    action: str | None = Field(default=None, description="What to do, when something is needed")
    version: int = Field(
        description="Version of the resource this answer shows (how many events it applied); "
        "a list can lag a read of the resource itself"
    )


# -- vendors -----------------------------------------------------------------------------------


class VendorProduct(View):
    sku: str
    unit_cost: Decimal = Field(description="In the vendor's currency")
    moq: int = Field(description="Minimum order quantity")
    case_pack: int = Field(description="Units per case")


class Vendor(View):
    vendor_id: str
    name: str
    lead_time_days: int
    currency: str = Field(description="ISO 4217")
    products: list[VendorProduct]
    version: int = Field(
        description="Version of the vendor this answer shows; a list can lag a read of the "
        "vendor itself"
    )
