"""FBA inventory figures derived from the simulated inbound shipments.

The simulator has no separate stock ledger: fulfillable stock is what it has received, and the
inbound figures come from open shipments. Deriving them keeps the two views consistent.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from .models import CLOSED, IN_TRANSIT_STATUSES, NOT_YET_SHIPPED_STATUSES, RECEIVING, Shipment


@dataclass
class InventoryLevels:
    sku: str
    fnsku: str
    asin: str
    fulfillable: int = 0
    inbound_working: int = 0
    inbound_shipped: int = 0
    inbound_receiving: int = 0
    unfulfillable: int = 0
    researching: int = 0
    reserved: int = 0
    last_updated_at: datetime | None = None
    # Last receipt only: Amazon's startDateTime filter misses inbound-quantity changes.
    last_received_at: datetime | None = None

    @property
    def total(self) -> int:
        return (
            self.fulfillable
            + self.inbound_working
            + self.inbound_shipped
            + self.inbound_receiving
            + self.unfulfillable
            + self.researching
            + self.reserved
        )


def inventory_by_sku(shipments: Iterable[Shipment]) -> dict[str, InventoryLevels]:
    """Inventory for every SKU found on the given shipments (one seller, one marketplace)."""
    levels: dict[str, InventoryLevels] = {}
    for shipment in shipments:
        for item in shipment.items.values():
            level = levels.get(item.sku)
            if level is None:
                level = levels[item.sku] = InventoryLevels(item.sku, item.fnsku, item.asin)
            level.last_updated_at = _later(level.last_updated_at, item.last_updated_at)
            if item.last_received_at is not None:
                level.last_received_at = _later(level.last_received_at, item.last_received_at)
            # Received units are in stock whatever the shipment's status (late finds included).
            level.fulfillable += item.quantity_received
            outstanding = max(item.quantity_shipped - item.quantity_received, 0)
            if shipment.status in NOT_YET_SHIPPED_STATUSES:
                level.inbound_working += item.quantity_shipped
            elif shipment.status in IN_TRANSIT_STATUSES:
                level.inbound_shipped += outstanding
            elif shipment.status == RECEIVING:
                # Amazon: units not yet received in a shipment of which some units were received.
                level.inbound_receiving += outstanding
            elif shipment.status == CLOSED:
                pass  # A closed shipment has no inbound units left, whatever it was short by.
    for level in levels.values():
        # Negative corrections can exceed receipts from one shipment; stock is never negative.
        level.fulfillable = max(level.fulfillable, 0)
    return levels


def _later(current: datetime | None, candidate: datetime) -> datetime:
    return candidate if current is None or candidate > current else current
