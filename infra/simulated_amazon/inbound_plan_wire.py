"""Fulfillment Inbound v2024-03-20 objects in Amazon's camelCase, not wrapped in `payload`.

Lists Amazon returns empty are rendered empty (its sandbox answers carry `packingOptions: []`
and the like); optional fields without a value are left out.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from .clock import format_timestamp
from .inbound_plan_state import (
    InboundOperation,
    InboundPlan,
    PackingOption,
    PlacementOption,
    PlanItem,
    PlannedShipment,
)

PLACEMENT_SERVICES = "Placement Services"

# Box requirements and shipping configurations every packing option offers.
SUPPORTED_CONFIGURATIONS = [
    {
        "boxPackingMethods": ["BOX_CONTENT_PROVIDED"],
        "boxRequirements": {"weight": {"maximum": 50, "minimum": 0, "unit": "LB"}},
        "shippingRequirements": [
            {"modes": ["GROUND_SMALL_PARCEL"], "solution": "AMAZON_PARTNERED_CARRIER"},
            {"modes": ["FREIGHT_LTL", "GROUND_SMALL_PARCEL"], "solution": "USE_YOUR_OWN_CARRIER"},
        ],
    },
    {
        "boxPackingMethods": ["MANUAL_PROCESS", "BARCODE_2D"],
        "boxRequirements": {"weight": {"maximum": 50, "minimum": 0, "unit": "LB"}},
        "shippingRequirements": [
            {"modes": ["FREIGHT_LTL", "GROUND_SMALL_PARCEL"], "solution": "USE_YOUR_OWN_CARRIER"}
        ],
    },
]
SUPPORTED_SHIPPING_CONFIGURATIONS = [
    {"shippingMode": "GROUND_SMALL_PARCEL", "shippingSolution": "AMAZON_PARTNERED_CARRIER"},
    {"shippingMode": "GROUND_SMALL_PARCEL", "shippingSolution": "USE_YOUR_OWN_CARRIER"},
    {"shippingMode": "FREIGHT_LTL", "shippingSolution": "USE_YOUR_OWN_CARRIER"},
]


def plan_time(moment: datetime) -> str:
    """Inbound plans' times: `yyyy-MM-ddTHH:mm:ssZ`, as the model documents them."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def plan_summary(plan: InboundPlan, status: str) -> dict[str, Any]:
    return {
        "createdAt": plan_time(plan.created_at),
        "inboundPlanId": plan.inbound_plan_id,
        "lastUpdatedAt": plan_time(plan.last_updated_at),
        "marketplaceIds": [plan.marketplace_id],
        "name": plan.name,
        "sourceAddress": dict(plan.source_address),
        "status": status,
    }


def plan_document(
    plan: InboundPlan, status: str, shipment_statuses: dict[str, str]
) -> dict[str, Any]:
    """getInboundPlan: once an option is confirmed only it is listed, and the shipments are
    those of the confirmed placement option (`shipment_statuses`: their current statuses)."""
    chosen_packing = plan.confirmed_packing_option()
    packing = [chosen_packing] if chosen_packing else plan.packing_options
    chosen_placement = plan.confirmed_placement_option()
    placement = [chosen_placement] if chosen_placement else plan.placement_options
    return {
        **plan_summary(plan, status),
        "packingOptions": [
            {"packingOptionId": option.packing_option_id, "status": option.status}
            for option in packing
        ],
        "placementOptions": [
            {"placementOptionId": option.placement_option_id, "status": option.status}
            for option in placement
        ],
        "shipments": [
            {"shipmentId": shipment_id, "status": shipment_status}
            for shipment_id, shipment_status in shipment_statuses.items()
        ],
    }


def item_document(item: PlanItem, quantity: int) -> dict[str, Any]:
    document: dict[str, Any] = {
        "asin": item.asin,
        "fnsku": item.fnsku,
        "labelOwner": item.label_owner,
        "msku": item.msku,
        "prepInstructions": [
            {
                "prepOwner": item.prep_owner,
                "prepType": "ITEM_NO_PREP" if item.prep_owner == "NONE" else "ITEM_POLYBAGGING",
            }
        ],
        "quantity": quantity,
    }
    if item.expiration is not None:
        document["expiration"] = item.expiration
    if item.manufacturing_lot_code is not None:
        document["manufacturingLotCode"] = item.manufacturing_lot_code
    return document


def packing_option_document(option: PackingOption) -> dict[str, Any]:
    return {
        "discounts": [],
        "expiration": format_timestamp(option.expiration),
        "fees": [],
        "packingGroups": list(option.packing_group_ids),
        "packingOptionId": option.packing_option_id,
        "status": option.status,
        "supportedConfigurations": SUPPORTED_CONFIGURATIONS,
        "supportedShippingConfigurations": SUPPORTED_SHIPPING_CONFIGURATIONS,
    }


def _incentive(kind: str, description: str, amount: float, currency: str) -> dict[str, Any]:
    return {
        "description": description,
        "target": PLACEMENT_SERVICES,
        "type": kind,
        "value": {"amount": round(amount, 2), "code": currency},
    }


def placement_option_document(option: PlacementOption) -> dict[str, Any]:
    discounts = (
        [_incentive("DISCOUNT", "Placement service discount", option.discount, option.currency)]
        if option.discount
        else []
    )
    return {
        "discounts": discounts,
        "expiration": format_timestamp(option.expiration),
        "fees": [_incentive("FEE", "Placement service fee", option.fee, option.currency)],
        "placementOptionId": option.placement_option_id,
        "shipmentIds": list(option.shipment_ids),
        "status": option.status,
    }


def shipment_document(plan: InboundPlan, shipment: PlannedShipment, status: str) -> dict[str, Any]:
    document: dict[str, Any] = {
        "destination": {
            "destinationType": "AMAZON_WAREHOUSE",
            "warehouseId": shipment.warehouse_id,
        },
        "name": shipment.name,
        "placementOptionId": shipment.placement_option_id,
        "shipmentId": shipment.shipment_id,
        "source": {"address": dict(plan.source_address), "sourceType": "SELLER_FACILITY"},
        "status": status,
    }
    if shipment.confirmation_id is not None:
        document["shipmentConfirmationId"] = shipment.confirmation_id
    return document


def operation_document(operation: InboundOperation) -> dict[str, Any]:
    problems = operation.problems if operation.status != "IN_PROGRESS" else []
    return {
        "operation": operation.operation,
        "operationId": operation.operation_id,
        "operationProblems": [dict(problem) for problem in problems],
        "operationStatus": operation.status,
    }
