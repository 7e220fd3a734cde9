"""Bodies of /inbound-shipments."""

from pydantic import AwareDatetime, Field

from functions.api.models.common import ID_PATTERN, ApiModel, ReadModel


class ReconcileRequest(ApiModel):
    source_warehouse_id: str = Field(
        pattern=ID_PATTERN, description="Your own or FBM warehouse the units leave from"
    )


class Reconciled(ApiModel):
    shipment_id: str
    transfer_order_id: str
    sales_order_id: str
    purchase_order_id: str
    shipment_version: int = Field(description="Version of the shipment stream after reconciling")


class Address(ReadModel):
    name: str = ""
    address_line_1: str = ""
    address_line_2: str = ""
    district_or_county: str = ""
    city: str = ""
    state_or_province_code: str = ""
    country_code: str = ""
    postal_code: str = ""


class ShipmentLine(ReadModel):
    sku: str
    fnsku: str
    quantity_shipped: int
    quantity_received: int = Field(description="Amazon's cumulative received count")
    quantity_in_case: int
    discrepancy: int = Field(description="Shipped - received; negative when Amazon got more")


class StatusObservation(ReadModel):
    status: str
    observed_at: AwareDatetime


class ShipmentSummary(ReadModel):
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
    sku_count: int
    units_shipped: int
    units_received: int


class ShipmentDetail(ShipmentSummary):
    ship_from: Address
    lines: list[ShipmentLine]
    status_history: list[StatusObservation]
    closed_at: AwareDatetime | None
    version: int = Field(description="Last event version of the shipment the view applied")


class ShipmentPage(ReadModel):
    items: list[ShipmentSummary]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page")
