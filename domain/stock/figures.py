"""A warehouse x SKU's stock figures, and when the units an event moves moved.

Nothing here knows an order kind: the ledger, drift and every reader of figures import this
module alone, and an order kind's modules load only where its contributions are computed
(`contributions`).
"""

from datetime import datetime

from pydantic import BaseModel, ConfigDict

from domain.messages import DomainEvent


class StockFigures(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)

    on_hand: int = 0
    committed: int = 0
    on_order: int = 0  # on order from a vendor, or on assembly (an open assembly order's units)
    in_transit: int = 0
    receiving: int = 0
    discrepancy: int = 0
    written_off: int = 0

    def __add__(self, other: "StockFigures") -> "StockFigures":
        return StockFigures(
            **{name: getattr(self, name) + getattr(other, name) for name in type(self).model_fields}
        )

    def is_zero(self) -> bool:
        return self == ZERO


ZERO = StockFigures()

# (warehouse id, sku) -> figures
Contribution = dict[tuple[str, str], StockFigures]


def moved_at(event: DomainEvent, occurred_at: datetime) -> datetime:
    """When the units an event moves moved: the business time it names (a count, a shipment, a
    return), else when it occurred (a reaction occurs at the Amazon observation behind it)."""
    return event.units_moved_at() or occurred_at
