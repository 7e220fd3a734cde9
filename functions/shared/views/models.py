"""The read models: what a query returns and the API serves, declared once.

They are rendered from the domain's own state (`render.py`, `stock.py`); the API returns them
as they are, so a field and its description live here and nowhere else. Separate from domain
messages: a new field here is a change of the API's contract (its `openapi.json` drift test
says so).
"""

from datetime import date
from decimal import Decimal
from typing import Generic, Literal, TypeVar

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

T = TypeVar("T")


class View(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)  # built when first rendered


class Page(View, Generic[T]):
    items: list[T]
    next_cursor: str | None = None  # opaque; None on the last page


# -- inbound shipments -------------------------------------------------------------------------


class Address(View):
    name: str = ""
    address_line_1: str = ""
    address_line_2: str = ""
    district_or_county: str = ""
    city: str = ""
    state_or_province_code: str = ""
    country_code: str = ""
    postal_code: str = ""


class ShipmentLine(View):
    sku: str
    fnsku: str
    quantity_shipped: int
    quantity_received: int = Field(description="Amazon's cumulative received count")
    quantity_in_case: int
    discrepancy: int = Field(description="Shipped - received; negative when Amazon got more")


class StatusObservation(View):
    status: str
    observed_at: AwareDatetime


class ShipmentSummary(View):
    shipment_id: str
    name: str
    status: str = Field(description="Amazon's status, e.g. WORKING, SHIPPED, RECEIVING, CLOSED")
    connection_id: str
    marketplace_id: str
    destination_fc: str
    discovered_at: AwareDatetime
    last_observed_at: AwareDatetime
    reconciled: bool
    transfer_order_ids: list[str]
    purchase_order_ids: list[str] = Field(
        description="The purchase order it is bound to (also when no transfer order is)"
    )
    sku_count: int
    version: int = Field(
        description="Version of the shipment this answer shows; in a list, the version at "
        "which the row last changed (lists can lag a read of the shipment itself)"
    )
    units_shipped: int
    units_received: int


class ShipmentDetail(ShipmentSummary):
    ship_from: Address
    lines: list[ShipmentLine]
    status_history: list[StatusObservation]
    closed_at: AwareDatetime | None


# -- orders ------------------------------------------------------------------------------------


class OrderLine(View):
    sku: str
    quantity: int


class SalesOrderLine(OrderLine):
    quantity: int = Field(description="Amazon's plan (QuantityShipped) while the order is bound")
    shipped_over_plan: int = Field(
        description="Units Amazon received beyond the plan: they left the source too"
    )


class SalesOrder(View):
    sales_order_id: str
    transfer_order_id: str
    warehouse_id: str = Field(description="The source warehouse")
    status: str = Field(description="`open`, `shipped` or `cancelled`")
    shipped_at: AwareDatetime | None = Field(
        description="When the goods left: the user's time, or Amazon's first observation of it"
    )
    lines: list[SalesOrderLine]
    version: int


class PurchaseOrderLine(View):
    sku: str
    quantity_ordered: int
    quantity_received: int
    discrepancy: int = Field(
        description="Once closed (by Amazon with its shipment, or by you): units still "
        "missing, less written off"
    )
    written_off: int
    unit_cost: Decimal | None = Field(
        default=None, description="In the vendor's currency (purchase orders from a vendor)"
    )


class PurchaseOrderSummary(View):
    purchase_order_id: str
    type: Literal["purchase_order"] = "purchase_order"
    source_type: str = Field(
        description="`vendor` (bought from a vendor), `warehouse` (the inbound half of a "
        "transfer order) or `unknown`"
    )
    vendor_id: str | None = Field(description="The vendor, for `source_type` vendor")
    transfer_order_id: str | None = Field(
        description="Its transfer order, if it is the inbound half of one"
    )
    destination_warehouse_id: str
    warehouse_id: str = Field(description="Same as `destination_warehouse_id` (older name)")
    shipment_id: str | None = Field(description="The FBA shipment it is bound to, if any")
    shipment_ids: list[str] = Field(description="The FBA shipments bound to it (zero or more)")
    locked: bool = Field(
        description="True while Amazon owns it (bound to an FBA shipment): edit it in Seller "
        "Central; changes sync back"
    )
    received_by_amazon: bool = Field(description="Into an FBA warehouse: only Amazon receives it")
    reference: str | None
    expected_date: date | None
    status: str = Field(
        description="`open`, `partially_received`, `received` (also: closed in full), "
        "`closed_short` or `cancelled`"
    )
    shipped: bool = Field(description="The goods left their source (transfers and FBA orders)")
    created_at: AwareDatetime | None = Field(description="null for orders the views have not dated")
    units_ordered: int
    units_received: int
    version: int = Field(
        description="Version of the order this answer shows (lists can lag a read of the "
        "order itself)"
    )


class PlanDifference(View):
    sku: str
    ordered: int = Field(description="On the purchase order when it was bound")
    planned: int = Field(description="In Amazon's plan: the order follows it from now on")


class PurchaseOrder(PurchaseOrderSummary):
    lines: list[PurchaseOrderLine]
    plan_differences: list[PlanDifference] = Field(
        description="Reconciled to a shipment after it was placed: its lines that differed "
        "from Amazon's plan then"
    )


class TransferOrderSummary(View):
    transfer_order_id: str
    shipment_id: str | None = Field(
        description="The (first) FBA shipment it is bound to: reconciled from, or made by "
        "saving it to Amazon; null while bound to none"
    )
    shipment_ids: list[str] = Field(
        default_factory=list,
        description="Every FBA shipment it is bound to (several when Amazon split it)",
    )
    sales_order_id: str
    purchase_order_id: str
    source_warehouse_id: str
    destination_warehouse_id: str
    created_at: AwareDatetime
    units: int
    sales_order_status: str | None = Field(description="null until the view has the order")
    purchase_order_status: str | None = Field(description="null until the view has the order")
    version: int = Field(
        description="Version of the transfer order this answer shows (lists can lag a read "
        "of the order itself)"
    )


class TransferOrderDetail(TransferOrderSummary):
    lines: list[OrderLine]
    sales_order: SalesOrder | None
    purchase_order: PurchaseOrder | None
    shipment: ShipmentSummary | None


# -- stock -------------------------------------------------------------------------------------


class AmazonStock(View):
    """Amazon's own figures for an FBA warehouse x SKU, as last reported."""

    fulfillable: int
    inbound_working: int
    inbound_shipped: int
    inbound_receiving: int
    reserved: int
    unfulfillable: int
    researching: int
    reported_at: AwareDatetime
    source: str


class IgnoredShipment(View):
    purchase_order_id: str
    shipment_id: str | None
    units: int
    expected_date: date
    ignored_since: AwareDatetime = Field(
        description="Expected date + `days_after_expected`: nothing was received by then"
    )


class StockRow(View):
    warehouse_id: str
    sku: str
    on_hand: int
    committed: int = Field(description="Sold or allocated at this (source) warehouse, not shipped")
    in_transit: int
    on_order: int = Field(
        description="On order from a vendor, or on assembly (assemblies an open assembly order "
        "will make here)"
    )
    receiving: int
    discrepancy: int
    written_off: int
    amazon: AmazonStock | None = Field(
        description="Amazon's figures (FBA warehouses, current stock only)"
    )
    as_of: AwareDatetime | None = None
    incoming_for_planning: int | None = Field(
        default=None,
        description="What planning counts as incoming: on order + in transit + receiving, less "
        "the units of FBA shipments `ignore_unreceived` leaves out (current stock only)",
    )
    ignored_shipments: list[IgnoredShipment] = Field(
        default_factory=list,
        description="The FBA shipments whose units planning ignores here, and since when",
    )
    members: list[str] | None = Field(
        default=None,
        description="A combined warehouse's row (`warehouse_id` the combined warehouse): the "
        "member warehouses holding the SKU, whose figures it sums (Amazon's own figures are "
        "not summed)",
    )


class LedgerEntry(View):
    """One movement of a warehouse x SKU and its cause; a count sets on hand, so its on-hand
    change is the count minus what on hand was just before."""

    warehouse_id: str
    sku: str
    at: AwareDatetime
    event_id: str
    event_type: str
    stream_id: str
    version: int
    actor: str
    shipment_id: str | None
    order_id: str | None
    transfer_order_id: str | None
    count: int | None
    reason: str | None = Field(
        default=None,
        description="`amazon_adjustment`: on hand set to Amazon's figure, a difference our "
        "events could not explain (units Amazon lost, damaged or found); `assembly`: "
        "assemblies made (or still to make) by an assembly order; `assembly_consumed`: its "
        "components taken to make them",
    )
    ours: int | None = Field(default=None, description="An adjustment: our on hand before it")
    amazon: int | None = Field(
        default=None,
        description="An adjustment: Amazon's on hand (fulfillable + reserved + unfulfillable + "
        "researching)",
    )
    on_hand: int = Field(description="The change of on hand this entry made")
    committed: int
    in_transit: int
    on_order: int
    receiving: int
    discrepancy: int
    written_off: int
    on_hand_after: int


class StockDrift(View):
    """A figure of an FBA warehouse x SKU on which our ledger and Amazon's reports differ
    beyond the tolerance, in every report since `since`."""

    warehouse_id: str
    sku: str
    figure: Literal["on_hand", "inbound"] = Field(
        description="`on_hand`: ours vs Amazon's fulfillable + reserved + unfulfillable + "
        "researching; `inbound`: our in transit + receiving vs Amazon's inbound shipped + "
        "receiving"
    )
    ours: int = Field(description="Our figure as of the latest report")
    amazon: int = Field(description="Amazon's figure in the latest report")
    difference: int = Field(description="Amazon's - ours")
    since: AwareDatetime = Field(description="The first report of the run that differs")
    reads: int = Field(description="Reports in a row that differ (3 or more: it persisted)")
    last_ours: list[LedgerEntry] = Field(description="Our last ledger entries, oldest first")
    last_amazon: list[AmazonStock] = Field(description="Amazon's last reports, oldest first")
