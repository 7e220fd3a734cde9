"""Rendering of state in Amazon's exact field names (PascalCase for Fulfillment Inbound v0,
camelCase for FBA Inventory v1). Optional fields Amazon omits when empty are omitted here."""

from __future__ import annotations

from typing import Any

from .inventory import InventoryLevels
from .models import Address, Shipment, ShipmentItem


def address_to_wire(address: Address) -> dict[str, Any]:
    wire = {
        "Name": address.name,
        "AddressLine1": address.address_line1,
        "AddressLine2": address.address_line2,
        "DistrictOrCounty": address.district_or_county,
        "City": address.city,
        "StateOrProvinceCode": address.state_or_province_code,
        "CountryCode": address.country_code,
        "PostalCode": address.postal_code,
    }
    return {key: value for key, value in wire.items() if value is not None}


def shipment_to_wire(shipment: Shipment) -> dict[str, Any]:
    # No created/updated timestamps: Amazon does not return them either.
    wire: dict[str, Any] = {
        "ShipmentId": shipment.shipment_id,
        "ShipmentName": shipment.name,
        "ShipFromAddress": address_to_wire(shipment.ship_from),
        "DestinationFulfillmentCenterId": shipment.destination_fc,
        "ShipmentStatus": shipment.status,
        "LabelPrepType": shipment.label_prep_type,
        "AreCasesRequired": shipment.are_cases_required,
        "BoxContentsSource": shipment.box_contents_source,
    }
    if shipment.confirmed_need_by_date is not None:
        wire["ConfirmedNeedByDate"] = shipment.confirmed_need_by_date.isoformat()
    return wire


def item_to_wire(shipment_id: str, item: ShipmentItem) -> dict[str, Any]:
    wire: dict[str, Any] = {
        "ShipmentId": shipment_id,
        "SellerSKU": item.sku,
        "FulfillmentNetworkSKU": item.fnsku,
        "QuantityShipped": item.quantity_shipped,
        "QuantityReceived": item.quantity_received,
        "QuantityInCase": item.quantity_in_case,
        "PrepDetailsList": [
            {"PrepInstruction": instruction, "PrepOwner": "SELLER"}
            for instruction in item.prep_instructions
        ],
    }
    if item.release_date is not None:
        wire["ReleaseDate"] = item.release_date.isoformat()
    return wire


def inventory_summary_to_wire(
    levels: InventoryLevels, *, with_details: bool, last_updated: str
) -> dict[str, Any]:
    summary: dict[str, Any] = {
        "asin": levels.asin,
        "fnSku": levels.fnsku,
        "sellerSku": levels.sku,
        "condition": "NewItem",
        "lastUpdatedTime": last_updated,
        "productName": f"Simulated product {levels.sku}",
        "totalQuantity": levels.total,
    }
    if with_details:
        summary["inventoryDetails"] = {
            "fulfillableQuantity": levels.fulfillable,
            "inboundWorkingQuantity": levels.inbound_working,
            "inboundShippedQuantity": levels.inbound_shipped,
            "inboundReceivingQuantity": levels.inbound_receiving,
            "reservedQuantity": {
                "totalReservedQuantity": levels.reserved,
                "pendingCustomerOrderQuantity": 0,
                "pendingTransshipmentQuantity": 0,
                "fcProcessingQuantity": 0,
            },
            "researchingQuantity": {
                "totalResearchingQuantity": levels.researching,
                "researchingQuantityBreakdown": [],
            },
            "unfulfillableQuantity": {
                "totalUnfulfillableQuantity": levels.unfulfillable,
                "customerDamagedQuantity": 0,
                "warehouseDamagedQuantity": 0,
                "distributorDamagedQuantity": 0,
                "carrierDamagedQuantity": 0,
                "defectiveQuantity": 0,
                "expiredQuantity": 0,
            },
        }
    return summary
