"""FBA inventory figures derived from the simulated inbound shipments, sales and adjustments.

The simulator has no separate stock ledger: fulfillable stock is what it has received, less the
units its FBA orders shipped, plus sellable FBA returns, plus what Amazon itself booked (units
lost, damaged or found: `StockMovements`, which the seller never sees as a shipment); the
inbound figures come from open shipments. Deriving them keeps the views consistent.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from .models import CLOSED, IN_TRANSIT_STATUSES, NOT_YET_SHIPPED_STATUSES, RECEIVING, Shipment

if TYPE_CHECKING:
    from .sales_orders import Order

# The order status whose units left Amazon's fulfillable stock.
SHIPPED = "Shipped"


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


@dataclass
class SkuMovement:
    """Units of one SKU Amazon moved outside its inbound shipments."""

    fulfillable: int = 0
    unfulfillable: int = 0
    last_at: datetime | None = None

    def add(self, fulfillable: int, unfulfillable: int, at: datetime) -> None:
        self.fulfillable += fulfillable
        self.unfulfillable += unfulfillable
        self.last_at = _later(self.last_at, at)


@dataclass
class StockMovements:
    """What Amazon's own books move besides shipments: the seller's FBA orders (read from the
    attached order source: shipped units out, sellable returns back in) and adjustments
    (lost, damaged or found units) made through the control API."""

    _adjusted: dict[tuple[str, str], dict[str, SkuMovement]] = field(default_factory=dict)
    _orders: Callable[[str], list[Order]] | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def attach_orders(self, orders_of: Callable[[str], list[Order]]) -> None:
        """The seller's orders (`SalesBook.orders_of`): their FBA units count from then on."""
        self._orders = orders_of

    def adjust(
        self,
        seller_id: str,
        marketplace_id: str,
        sku: str,
        fulfillable: int,
        unfulfillable: int,
        at: datetime,
    ) -> None:
        with self._lock:
            by_sku = self._adjusted.setdefault((seller_id, marketplace_id), {})
            by_sku.setdefault(sku, SkuMovement()).add(fulfillable, unfulfillable, at)

    def clear(self) -> None:
        with self._lock:
            self._adjusted.clear()

    def of(self, seller_id: str, marketplace_id: str) -> dict[str, SkuMovement]:
        """Per SKU, every movement of the seller's stock in the marketplace."""
        with self._lock:
            adjusted = self._adjusted.get((seller_id, marketplace_id), {})
            moved = {
                sku: SkuMovement(m.fulfillable, m.unfulfillable, m.last_at)
                for sku, m in adjusted.items()
            }
        orders = self._orders(seller_id) if self._orders is not None else []
        for order in orders:
            if order.marketplace_id != marketplace_id or order.fulfillment_channel != "AFN":
                continue
            if order.order_status == SHIPPED:
                for line in order.lines:
                    moved.setdefault(line.sku, SkuMovement()).add(
                        -line.quantity, 0, order.last_updated_date
                    )
            for returned in order.returns:  # every simulated FBA return is SELLABLE
                moved.setdefault(returned.sku, SkuMovement()).add(
                    returned.quantity, 0, returned.return_date
                )
        return moved


def inventory_by_sku(
    shipments: Iterable[Shipment], movements: dict[str, SkuMovement] | None = None
) -> dict[str, InventoryLevels]:
    """Inventory for every SKU found on the given shipments (one seller, one marketplace),
    moved by `movements` (of SKUs on a shipment: Amazon holds no other)."""
    levels = _from_shipments(shipments)
    for sku, moved in (movements or {}).items():
        if sku in levels:
            _move(levels[sku], moved)
    for level in levels.values():
        # Negative corrections can exceed receipts from one shipment; stock is never negative.
        level.fulfillable = max(level.fulfillable, 0)
    return levels


def _from_shipments(shipments: Iterable[Shipment]) -> dict[str, InventoryLevels]:
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
    return levels


def _move(level: InventoryLevels, moved: SkuMovement) -> None:
    level.fulfillable += moved.fulfillable
    level.unfulfillable = max(level.unfulfillable + moved.unfulfillable, 0)
    if moved.last_at is not None:
        level.last_updated_at = _later(level.last_updated_at, moved.last_at)


def _later(current: datetime | None, candidate: datetime) -> datetime:
    return candidate if current is None or candidate > current else current
