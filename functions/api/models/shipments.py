"""Bodies of /inbound-shipments."""

from pydantic import Field

from functions.api.models.common import ID_PATTERN, ApiModel, ReadModel
from functions.shared.views.models import ShipmentSummary


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


class ShipmentPage(ReadModel):
    items: list[ShipmentSummary]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page")
