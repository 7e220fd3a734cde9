"""The read models the API serves: what a query returns, separate from domain messages."""

from typing import Generic, TypeVar

from pydantic import AwareDatetime, BaseModel, ConfigDict

T = TypeVar("T")


class View(BaseModel):
    model_config = ConfigDict(frozen=True)


class Page(View, Generic[T]):
    items: list[T]
    next_cursor: str | None = None  # opaque; None on the last page


class AddressView(View):
    name: str = ""
    address_line_1: str = ""
    address_line_2: str = ""
    district_or_county: str = ""
    city: str = ""
    state_or_province_code: str = ""
    country_code: str = ""
    postal_code: str = ""


class ShipmentLineView(View):
    sku: str
    fnsku: str
    quantity_shipped: int
    quantity_received: int
    quantity_in_case: int
    discrepancy: int  # shipped - received; negative when Amazon received more


class StatusObservationView(View):
    status: str
    observed_at: AwareDatetime


class ShipmentSummary(View):
    shipment_id: str
    name: str
    status: str
    connection_id: str
    marketplace_id: str
    destination_fc: str
    discovered_at: AwareDatetime
    last_observed_at: AwareDatetime
    reconciled: bool
    transfer_order_ids: list[str]
    sku_count: int
    units_shipped: int
    units_received: int


class ShipmentDetail(ShipmentSummary):
    ship_from: AddressView
    lines: list[ShipmentLineView]
    status_history: list[StatusObservationView]
    closed_at: AwareDatetime | None
    version: int


class OrderLineView(View):
    sku: str
    quantity: int


class SalesOrderLineView(OrderLineView):
    shipped_over_plan: int  # units Amazon received beyond the plan: they left the source too


class SalesOrderView(View):
    sales_order_id: str
    transfer_order_id: str
    warehouse_id: str
    status: str  # open | shipped | cancelled
    shipped_at: AwareDatetime | None
    lines: list[SalesOrderLineView]
    version: int


class PurchaseOrderLineView(View):
    sku: str
    quantity_ordered: int
    quantity_received: int
    discrepancy: int  # after close: still missing and not written off
    written_off: int


class PurchaseOrderView(View):
    purchase_order_id: str
    transfer_order_id: str
    shipment_id: str
    warehouse_id: str
    status: str  # open | partially_received | received | closed_short | cancelled
    shipped: bool
    lines: list[PurchaseOrderLineView]
    version: int


class TransferOrderSummary(View):
    transfer_order_id: str
    shipment_id: str
    sales_order_id: str
    purchase_order_id: str
    source_warehouse_id: str
    destination_warehouse_id: str
    created_at: AwareDatetime
    units: int
    sales_order_status: str | None  # None until the sales order is projected
    purchase_order_status: str | None


class TransferOrderDetail(TransferOrderSummary):
    lines: list[OrderLineView]
    sales_order: SalesOrderView | None
    purchase_order: PurchaseOrderView | None
    shipment: ShipmentSummary | None


class WarehouseView(View):
    warehouse_id: str
    name: str
    kind: str  # fba | fbm | own
    connection_id: str | None
    marketplace_id: str | None
    enabled: bool


class ConnectionView(View):
    connection_id: str
    seller_id: str
    region: str
    marketplace_ids: list[str]
    watch_window_days: int


class AmazonStockView(View):
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


class StockRow(View):
    warehouse_id: str
    sku: str
    on_hand: int
    committed: int
    in_transit: int
    on_order: int
    receiving: int
    discrepancy: int
    written_off: int
    amazon: AmazonStockView | None  # None for non-FBA warehouses and for as-of figures
    as_of: AwareDatetime | None = None


class LedgerEntry(View):
    """One movement of a warehouse x SKU and its cause. A count sets on hand: its on-hand
    change is the count minus what on hand was just before it."""

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
    on_hand: int  # the change of on hand this entry made
    committed: int
    in_transit: int
    on_order: int
    receiving: int
    discrepancy: int
    written_off: int
    on_hand_after: int
