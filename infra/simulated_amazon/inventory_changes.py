"""Notify the SKUs a change moved: Amazon sends FBA_INVENTORY_AVAILABILITY_CHANGES on any
change of a SKU's figures (receipts, plan changes, status changes that move inbound units, new
shipments), and only then.

The figures are compared before and after the change, under the store's lock; nothing is
computed when no notification would go anywhere (benchmarks with thousands of shipments). Bulk
creation (a benchmark tool) notifies nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from .clock import SimulatedClock
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
