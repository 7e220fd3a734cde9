"""Every event type by its stable name, and the upcasters that lift old stored payloads.

Stored events name their type with a stable string (never a module path); decoding looks the
class up here after upcasting the payload to the current schema version.
"""

from collections.abc import Callable, Mapping
from typing import Any, Final

from domain.connection import (
    ConnectionAuthorizationLost,
    ConnectionCreated,
    ConnectionDisconnected,
    ConnectionMarketplacesChanged,
    ConnectionReauthorized,
    ConnectionSettingsChanged,
)
from domain.inbound_shipment.events import (
    InboundShipmentCancelled,
    InboundShipmentClosed,
    InboundShipmentDetailsChanged,
    InboundShipmentDiscovered,
    InboundShipmentLinesAdded,
    InboundShipmentLinesChanged,
    InboundShipmentLinesRemoved,
    InboundShipmentReceiptsChanged,
    InboundShipmentReconciled,
    InboundShipmentSourceSet,
    InboundShipmentStatusChanged,
)
from domain.inventory import (
    AmazonInventoryReported,
    AmazonSalesReadThrough,
    AmazonStockAdjusted,
)
from domain.messages import DomainEvent
from domain.orders.assembly_order import (
    AssemblyOrderCancelled,
    AssemblyOrderCreated,
    AssemblyOrderReceived,
)
from domain.orders.purchase_order import (
    PurchaseOrderBound,
    PurchaseOrderCancelled,
    PurchaseOrderClosed,
    PurchaseOrderCreated,
    PurchaseOrderDiscrepancyAcknowledged,
    PurchaseOrderEdited,
    PurchaseOrderExpectedDateFollowed,
    PurchaseOrderFollowedShipment,
    PurchaseOrderLinesAdded,
    PurchaseOrderLinesAmended,
    PurchaseOrderReceived,
    PurchaseOrderReopened,
    PurchaseOrderSaveEnded,
    PurchaseOrderSaveStarted,
    PurchaseOrderShipped,
    PurchaseOrderSourceSet,
    PurchaseOrderWriteOffCorrected,
)
from domain.orders.sales_order import (
    SalesOrderCancelled,
    SalesOrderCreated,
    SalesOrderLinesAmended,
    SalesOrderReopened,
    SalesOrderShipped,
    SalesOrderShippedOverPlan,
)
from domain.orders.transfer_order import TransferOrderBound, TransferOrderCreated
from domain.planning import PlanningSettingsChanged
from domain.products.listing import ListingDiscovered, ListingIdentifiersFound, ListingMapped
from domain.products.product import (
    BillOfMaterialsChanged,
    ForecastEdited,
    ProductChanged,
    ProductComponentsSet,
    ProductCreated,
)
from domain.sales import AmazonOrderObserved, AmazonReturnObserved
from domain.save_to_amazon.job import AMAZON_JOB_EVENTS
from domain.vendor import VendorChanged, VendorCreated
from domain.warehouse import (
    StockAdjusted,
    StockCounted,
    WarehouseAddressSet,
    WarehouseCreated,
    WarehouseEnabledChanged,
    WarehouseMembersChanged,
    WarehouseRenamed,
)

_EVENT_CLASSES: Final[tuple[type[DomainEvent], ...]] = (
    ConnectionCreated,
    ConnectionSettingsChanged,
    ConnectionAuthorizationLost,
    ConnectionReauthorized,
    ConnectionMarketplacesChanged,
    ConnectionDisconnected,
    WarehouseCreated,
    WarehouseEnabledChanged,
    WarehouseRenamed,
    WarehouseAddressSet,
    WarehouseMembersChanged,
    StockCounted,
    StockAdjusted,
    InboundShipmentDiscovered,
    InboundShipmentDetailsChanged,
    InboundShipmentStatusChanged,
    InboundShipmentLinesAdded,
    InboundShipmentLinesChanged,
    InboundShipmentLinesRemoved,
    InboundShipmentReceiptsChanged,
    InboundShipmentClosed,
    InboundShipmentCancelled,
    InboundShipmentSourceSet,
    InboundShipmentReconciled,
    TransferOrderCreated,
    SalesOrderCreated,
    SalesOrderShipped,
    SalesOrderCancelled,
    SalesOrderLinesAmended,
    SalesOrderShippedOverPlan,
    SalesOrderReopened,
    PurchaseOrderCreated,
    PurchaseOrderShipped,
    PurchaseOrderLinesAdded,
    PurchaseOrderReceived,
    PurchaseOrderClosed,
    PurchaseOrderDiscrepancyAcknowledged,
    PurchaseOrderCancelled,
    PurchaseOrderLinesAmended,
    PurchaseOrderWriteOffCorrected,
    PurchaseOrderReopened,
    PurchaseOrderFollowedShipment,
    PurchaseOrderEdited,
    PurchaseOrderBound,
    PurchaseOrderSourceSet,
    PurchaseOrderExpectedDateFollowed,
    PurchaseOrderSaveStarted,
    PurchaseOrderSaveEnded,
    TransferOrderBound,
    AmazonInventoryReported,
    AmazonStockAdjusted,
    AmazonSalesReadThrough,
    VendorCreated,
    VendorChanged,
    PlanningSettingsChanged,
    *AMAZON_JOB_EVENTS,
    AmazonOrderObserved,
    AmazonReturnObserved,
    ProductCreated,
    ProductChanged,
    ForecastEdited,
    ListingDiscovered,
    ListingIdentifiersFound,
    ListingMapped,
    ProductComponentsSet,
    BillOfMaterialsChanged,
    AssemblyOrderCreated,
    AssemblyOrderReceived,
    AssemblyOrderCancelled,
)

EVENT_TYPES: Final[Mapping[str, type[DomainEvent]]] = {
    cls.model_fields["type"].default: cls for cls in _EVENT_CLASSES
}

Payload = dict[str, Any]
# (type, stored schema version) -> function lifting the payload to the next version.
UPCASTERS: Final[Mapping[tuple[str, int], Callable[[Payload], Payload]]] = {}


class UnknownEventType(Exception):
    pass


def decode_event(payload: Payload) -> DomainEvent:
    """A stored payload (with its `type` and `schema_version`) as the current event class."""
    type_name = payload.get("type")
    cls = EVENT_TYPES.get(type_name) if isinstance(type_name, str) else None
    if cls is None:
        raise UnknownEventType(f"unknown event type {type_name!r}")
    current = cls.model_fields["schema_version"].default
    version = int(payload.get("schema_version", 1))
    while version < current:
        payload = {**UPCASTERS[(str(type_name), version)](payload), "schema_version": version + 1}
        version += 1
    return cls.model_validate(payload)


def encode_event(event: DomainEvent) -> str:
    return event.model_dump_json()
