"""Notify the SKUs a change moved: Amazon sends FBA_INVENTORY_AVAILABILITY_CHANGES on any
change of a SKU's figures (receipts, plan changes, status changes that move inbound units, new
shipments, units Amazon itself adjusts), and only then.

The figures are compared before and after the change, under the store's lock; nothing is
computed when no notification would go anywhere (benchmarks with thousands of shipments). Bulk
creation (a benchmark tool) notifies nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .clock import SimulatedClock
from .errors import InvalidRequest, NotFound
from .inventory import InventoryLevels
from .notifications import InventoryNotifier
from .store import SimulatorStore, SkuInventorySnapshot

Result = TypeVar("Result")
View = TypeVar("View")

Figures = tuple[int, int, int, int, int, int, int]
_ZERO: Figures = (0, 0, 0, 0, 0, 0, 0)


def _figures(levels: InventoryLevels) -> Figures:
    return (
        levels.fulfillable,
        levels.inbound_working,
        levels.inbound_shipped,
        levels.inbound_receiving,
        levels.unfulfillable,
        levels.researching,
        levels.reserved,
    )


def _by_marketplace(snapshot: SkuInventorySnapshot | None) -> dict[str, Figures]:
    if snapshot is None:
        return {}
    return {m: _figures(levels) for m, levels in snapshot.by_marketplace.items()}


def changed_snapshots(
    before: list[SkuInventorySnapshot], after: list[SkuInventorySnapshot]
) -> list[SkuInventorySnapshot]:
    """The `after` snapshots whose figures differ from `before` in some marketplace (a
    marketplace where the SKU is unknown counts as all zeros), in `after`'s order."""
    earlier = {snapshot.sku: _by_marketplace(snapshot) for snapshot in before}
    moved = []
    for snapshot in after:
        old, new = earlier.get(snapshot.sku, {}), _by_marketplace(snapshot)
        if any(old.get(m, _ZERO) != new.get(m, _ZERO) for m in old.keys() | new.keys()):
            moved.append(snapshot)
    return moved


@dataclass(frozen=True)
class Watch:
    """What a change may move: the seller's `skus`; `zero_in`: the marketplace where a SKU
    taken off its last shipment reports zeros."""

    seller_id: str
    skus: list[str]
    zero_in: str | None = None


class FigureChanges:
    def __init__(
        self, store: SimulatorStore, notifier: InventoryNotifier, clock: SimulatedClock
    ) -> None:
        self._store = store
        self._notifier = notifier
        self._clock = clock

    def apply(
        self,
        watch: Callable[[], Watch],
        change: Callable[[], Result],
        render: Callable[[Result], View],
    ) -> tuple[View, int]:
        """Run `change` under the store's lock and render its result there; then notify each
        watched SKU whose figures moved. Returns the view and how many messages were sent."""
        with self._store.locked():
            watched = watch()
            notify = self._notifier.delivers_for(watched.seller_id)
            before = self._snapshots(watched) if notify else []
            result = change()
            moved = changed_snapshots(before, self._snapshots(watched)) if notify else []
            view = render(result)
        # Sent outside the lock: SQS calls are slow and must not block SP-API reads.
        sent = self._notifier.publish(moved, self._clock.now()) if moved else 0
        return view, sent

    def _snapshots(self, watched: Watch) -> list[SkuInventorySnapshot]:
        return self._store.sku_snapshots(watched.seller_id, watched.skus, watched.zero_in)


MAX_ADJUSTMENT = 1_000_000


class InventoryAdjustmentRequest(BaseModel):
    """Amazon books units the seller never sees as a shipment: lost, damaged or found."""

    model_config = ConfigDict(extra="forbid")

    marketplace_id: str = Field(min_length=1)
    sku: str = Field(min_length=1)
    fulfillable_delta: int = Field(default=0, ge=-MAX_ADJUSTMENT, le=MAX_ADJUSTMENT)
    unfulfillable_delta: int = Field(default=0, ge=-MAX_ADJUSTMENT, le=MAX_ADJUSTMENT)
    reason: str = Field(min_length=1, max_length=100)  # e.g. lost, damaged, found

    @model_validator(mode="after")
    def _moves_something(self) -> InventoryAdjustmentRequest:
        if not self.fulfillable_delta and not self.unfulfillable_delta:
            raise ValueError("give a non-zero fulfillable_delta or unfulfillable_delta")
        return self


def adjust_inventory(
    store: SimulatorStore,
    changes: FigureChanges,
    seller_id: str,
    body: InventoryAdjustmentRequest,
) -> tuple[dict[str, Any], int]:
    """Apply the adjustment (a SKU Amazon holds in that marketplace) and notify its figures;
    the SKU's levels after it, and how many notifications went out."""

    def adjust() -> InventoryLevels:
        if body.marketplace_id not in store.seller(seller_id).marketplace_ids:
            raise InvalidRequest(f"seller {seller_id} does not sell in {body.marketplace_id}")
        if body.sku not in store.inventory(seller_id, body.marketplace_id):
            raise NotFound(f"Amazon holds no {body.sku!r} of seller {seller_id} there")
        store.stock_movements.adjust(
            seller_id,
            body.marketplace_id,
            body.sku,
            body.fulfillable_delta,
            body.unfulfillable_delta,
            store.clock.now(),
        )
        return store.inventory(seller_id, body.marketplace_id)[body.sku]

    def render(levels: InventoryLevels) -> dict[str, Any]:
        return {
            "seller_id": seller_id,
            "marketplace_id": body.marketplace_id,
            "sku": body.sku,
            "reason": body.reason,
            "fulfillable": levels.fulfillable,
            "unfulfillable": levels.unfulfillable,
        }

    return changes.apply(lambda: Watch(seller_id, [body.sku]), adjust, render)
