"""Events of the InboundShipment aggregate: what we observed Amazon do, and what users decided."""

from datetime import date
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict

from domain.inbound_shipment.amazon import Address
from domain.messages import DomainEvent


class ShipmentLine(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)

    sku: str
    fnsku: str
    quantity_shipped: int
    quantity_in_case: int


class ReceiptChange(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)

    sku: str
    quantity_received: int  # Amazon's cumulative total after the change
    delta: int  # may be negative: Amazon corrects its counts


class ShipmentDiscrepancy(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)

    sku: str
    quantity_shipped: int
    quantity_received: int
    discrepancy: int  # shipped - received; negative when Amazon received more


class InboundShipmentDiscovered(DomainEvent):
    type: Literal["InboundShipmentDiscovered"] = "InboundShipmentDiscovered"
    shipment_id: str
    connection_id: str
    marketplace_id: str
    name: str
    destination_fc: str
    ship_from: Address
    status: str
    observed_at: AwareDatetime
    confirmed_need_by_date: date | None = None


class InboundShipmentDetailsChanged(DomainEvent):
    type: Literal["InboundShipmentDetailsChanged"] = "InboundShipmentDetailsChanged"
    shipment_id: str
    name: str
    destination_fc: str
    ship_from: Address
    observed_at: AwareDatetime
    confirmed_need_by_date: date | None = None


class InboundShipmentStatusChanged(DomainEvent):
    type: Literal["InboundShipmentStatusChanged"] = "InboundShipmentStatusChanged"
    shipment_id: str
    from_status: str
    to_status: str
    observed_at: AwareDatetime


class InboundShipmentLinesAdded(DomainEvent):
    type: Literal["InboundShipmentLinesAdded"] = "InboundShipmentLinesAdded"
    shipment_id: str
    lines: tuple[ShipmentLine, ...]
    observed_at: AwareDatetime


class InboundShipmentLinesChanged(DomainEvent):
    type: Literal["InboundShipmentLinesChanged"] = "InboundShipmentLinesChanged"
    shipment_id: str
    lines: tuple[ShipmentLine, ...]  # the new values of the changed lines
    observed_at: AwareDatetime


class InboundShipmentLinesRemoved(DomainEvent):
    type: Literal["InboundShipmentLinesRemoved"] = "InboundShipmentLinesRemoved"
    shipment_id: str
    skus: tuple[str, ...]
    observed_at: AwareDatetime


class InboundShipmentReceiptsChanged(DomainEvent):
    type: Literal["InboundShipmentReceiptsChanged"] = "InboundShipmentReceiptsChanged"
    shipment_id: str
    receipts: tuple[ReceiptChange, ...]
    observed_at: AwareDatetime


class InboundShipmentClosed(DomainEvent):
    type: Literal["InboundShipmentClosed"] = "InboundShipmentClosed"
    shipment_id: str
    lines: tuple[ShipmentDiscrepancy, ...]
    observed_at: AwareDatetime


class InboundShipmentCancelled(DomainEvent):
    type: Literal["InboundShipmentCancelled"] = "InboundShipmentCancelled"
    shipment_id: str
    status: str  # CANCELLED (after it was sent), DELETED (before) or ERROR
    observed_at: AwareDatetime


class InboundShipmentReconciled(DomainEvent):
    """Bound to its orders: a transfer's (sales order out of the source, purchase order into
    FBA), or a purchase order alone (from a vendor, straight to FBA)."""

    type: Literal["InboundShipmentReconciled"] = "InboundShipmentReconciled"
    shipment_id: str
    transfer_order_id: str | None = None
    sales_order_id: str | None = None
    purchase_order_id: str
    source_warehouse_id: str | None = None
    destination_warehouse_id: str
    vendor_id: str | None = None


class InboundShipmentSourceSet(DomainEvent):
    """Its unknown-source purchase order became a transfer from this warehouse: the transfer
    and its sales order now follow the shipment too."""

    type: Literal["InboundShipmentSourceSet"] = "InboundShipmentSourceSet"
    shipment_id: str
    transfer_order_id: str
    sales_order_id: str
    source_warehouse_id: str


InboundShipmentEvent = (
    InboundShipmentDiscovered
    | InboundShipmentDetailsChanged
    | InboundShipmentStatusChanged
    | InboundShipmentLinesAdded
    | InboundShipmentLinesChanged
    | InboundShipmentLinesRemoved
    | InboundShipmentReceiptsChanged
    | InboundShipmentClosed
    | InboundShipmentCancelled
    | InboundShipmentReconciled
    | InboundShipmentSourceSet
)
