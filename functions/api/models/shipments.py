"""Bodies of /inbound-shipments."""

from pydantic import Field, model_validator

from functions.api.models.common import ID_PATTERN, ApiModel, ReadModel
from functions.shared.views.order_models import PlanDifference
from functions.shared.views.shipment_models import ShipmentSummary


class ReconcileRequest(ApiModel):
    """Exactly one of the three: where the shipment's units come from."""

    source_warehouse_id: str | None = Field(
        default=None,
        pattern=ID_PATTERN,
        description="Your own or FBM warehouse the units leave from: a new transfer order",
    )
    purchase_order_id: str | None = Field(
        default=None,
        pattern=ID_PATTERN,
        description="An open purchase order into this marketplace's FBA warehouse: the "
        "shipment is bound to it (lines matched by SKU; differences listed)",
    )
    vendor_id: str | None = Field(
        default=None,
        pattern=ID_PATTERN,
        description="A vendor shipping straight to FBA: a new purchase order from it",
    )

    @model_validator(mode="after")
    def _exactly_one(self) -> "ReconcileRequest":
        given = [name for name in type(self).model_fields if getattr(self, name) is not None]
        if len(given) != 1:
            raise ValueError(
                "give exactly one of source_warehouse_id, purchase_order_id and vendor_id"
                + (f" (got {', '.join(given)})" if given else "")
            )
        return self


class Reconciled(ApiModel):
    shipment_id: str
    transfer_order_id: str | None = Field(description="null: a vendor's units, no transfer")
    sales_order_id: str | None = Field(description="null: nothing leaves a warehouse of yours")
    purchase_order_id: str
    shipment_version: int = Field(description="Version of the shipment stream after reconciling")
    differences: list[PlanDifference] = Field(
        default_factory=list,
        description="Reconciled to an existing purchase order: its lines that differ from "
        "Amazon's plan (also shown on the order)",
    )


class ShipmentPage(ReadModel):
    items: list[ShipmentSummary]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page")
