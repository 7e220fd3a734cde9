"""Compare warehouses: who has more than its planning period needs, who has less, and the
transfers that move the surplus where it is needed.

A source gives only what it holds now (available) and only what it can spare: it keeps at
least its own planning-period need (counting what is coming to it). Transfers go from the
largest surplus to the largest shortfall; ties by warehouse id, so the same figures always give
the same recommendations.
"""

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class WarehouseNeed:
    warehouse_id: str
    available: int
    incoming: int
    need: int  # forecast units over its planning period

    @property
    def spare(self) -> int:
        return max(0, min(self.available, self.available + self.incoming - self.need))

    @property
    def short(self) -> int:
        return max(0, self.need - self.available - self.incoming)


@dataclass(frozen=True)
class Transfer:
    source_warehouse_id: str
    destination_warehouse_id: str
    units: int


def transfers(warehouses: Sequence[WarehouseNeed]) -> list[Transfer]:
    spare = {w.warehouse_id: w.spare for w in warehouses if w.spare > 0}
    short = {w.warehouse_id: w.short for w in warehouses if w.short > 0}
    moves: list[Transfer] = []
    while spare and short:
        source = min(spare, key=lambda w: (-spare[w], w))
        destination = min(short, key=lambda w: (-short[w], w))
        units = min(spare[source], short[destination])
        moves.append(Transfer(source, destination, units))
        for pool, key in ((spare, source), (short, destination)):
            pool[key] -= units
            if pool[key] == 0:
                del pool[key]
    return moves
