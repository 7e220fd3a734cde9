"""What Amazon does to a shipment's item lines when the seller changes its plan."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime

from .models import Shipment, ShipmentItem

# Builds the line of a SKU new to the shipment: (sku, quantity shipped) -> item.
NewItem = Callable[[str, int], ShipmentItem]


def replace_plan(
    shipment: Shipment, planned: Mapping[str, int], now: datetime, new_item: NewItem
) -> list[str]:
    """Make `planned` ({sku: QuantityShipped}) the shipment's plan; returns the SKUs changed.

    A SKU left out is taken off the plan, but a line with received units stays, shipped 0
    (how Amazon reports units received against a SKU no longer planned). New SKUs become new
    lines at the end. Each changed line's last-updated time moves, as with a receipt.
    """
    changed: list[str] = []
    for sku, item in list(shipment.items.items()):
        if sku in planned:
            continue
        if item.quantity_received > 0:
            if item.quantity_shipped != 0:
                item.quantity_shipped = 0
                item.last_updated_at = now
                changed.append(sku)
        else:
            del shipment.items[sku]
            changed.append(sku)
    for sku, quantity in planned.items():
        existing = shipment.items.get(sku)
        if existing is None:
            added = shipment.items[sku] = new_item(sku, quantity)
            added.last_updated_at = now
            changed.append(sku)
        elif existing.quantity_shipped != quantity:
            existing.quantity_shipped = quantity
            existing.last_updated_at = now
            changed.append(sku)
    return changed
