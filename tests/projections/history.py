"""Random histories through the real deciders: shipments discovered, reconciled, shipped,
received (short, over, unplanned, corrected), closed or cancelled; counts dated in the past,
adjustments, Amazon's inventory reports; the reactor following every shipment."""

import contextlib
import random
from collections.abc import Callable

from domain.errors import DomainError
from domain.warehouse import fba_warehouse_id
from tests.projections.world import CA, US, World

SKUS = tuple(f"SKU-{n}" for n in range(6))
PROGRESS = ("READY_TO_SHIP", "SHIPPED", "IN_TRANSIT", "CHECKED_IN", "RECEIVING", "CLOSED")
ENDINGS = ("CANCELLED", "DELETED")


class RandomSeller:
    def __init__(self, world: World, rng: random.Random, max_open: int = 10) -> None:
        self.world = world
        self.rng = rng
        self.max_open = max_open
        self.open: list[str] = []
        world.connect((US, CA))
        self.own = [world.own_warehouse("Main"), world.own_warehouse("Overflow")]
        self.fba = [fba_warehouse_id(world.connection_id, m) for m in (US, CA)]
        for warehouse_id in self.own:
            world.count(warehouse_id, {sku: rng.randint(50, 300) for sku in SKUS})

    def run(self, steps: int) -> None:
        actions: list[tuple[Callable[[], None], int]] = [
            (self.discover, 3),
            (self.receive, 8),
            (self.change_status, 4),
            (self.reconcile, 3),
            (self.ship, 3),
            (self.acknowledge, 1),
            (self.count, 2),
            (self.adjust, 1),
            (self.report, 2),
        ]
        functions, weights = zip(*actions, strict=True)
        for _ in range(steps):
            self.world.clock.advance(self.rng.randint(1, 90))
            with contextlib.suppress(DomainError):  # a refused command changes nothing
                self.rng.choices(functions, weights)[0]()

    def _pick(self) -> str | None:
        return self.rng.choice(self.open) if self.open else None

    def discover(self) -> None:
        if len(self.open) >= self.max_open:
            return
        skus = self.rng.sample(SKUS, self.rng.randint(1, 4))
        lines = {sku: self.rng.randint(1, 30) for sku in skus}
        self.open.append(self.world.discover(lines, self.rng.choice((US, CA))))

    def receive(self) -> None:
        shipment_id = self._pick()
        if shipment_id is None:
            return
        planned = list(self.world.amazon[shipment_id].shipped)
        sku = "SKU-UNPLANNED" if self.rng.random() < 0.05 else self.rng.choice(planned)
        self.world.amazon_receives(shipment_id, sku, self.rng.randint(-2, 12))

    def change_status(self) -> None:
        shipment_id = self._pick()
        if shipment_id is None:
            return
        ending = self.rng.random() < 0.15
        status = self.rng.choice(ENDINGS if ending else PROGRESS)
        self.world.amazon_status(shipment_id, status)
        if status in ENDINGS or (status == "CLOSED" and self.rng.random() < 0.5):
            self.open.remove(shipment_id)  # closed ones stay watched for a while, or not

    def reconcile(self) -> None:
        waiting = [s for s in self.open if s not in self.world.reconciled]
        if waiting:
            self.world.reconcile(self.rng.choice(waiting), self.rng.choice(self.own))

    def ship(self) -> None:
        reconciled = [s for s in self.open if s in self.world.reconciled]
        if reconciled:
            self.world.mark_shipped(self.rng.choice(reconciled))

    def acknowledge(self) -> None:
        if self.world.reconciled:
            self.world.acknowledge(self.rng.choice(sorted(self.world.reconciled)))

    def count(self) -> None:
        skus = self.rng.sample(SKUS, self.rng.randint(1, 3))
        self.world.count(
            self.rng.choice(self.own),
            {sku: self.rng.randint(0, 300) for sku in skus},
            minutes_ago=self.rng.randint(0, 240),  # counted earlier than it was recorded
        )

    def adjust(self) -> None:
        delta = self.rng.choice((-3, -1, 1, 2, 5))
        self.world.adjust(self.rng.choice(self.own), {self.rng.choice(SKUS): delta})

    def report(self) -> None:
        self.world.amazon_reports(
            self.rng.choice(self.fba), self.rng.choice(SKUS), self.rng.randint(0, 200)
        )
