"""Order lines shared by the order aggregates, and the changes Amazon makes to them."""

from collections.abc import Callable, Mapping
from typing import TypeVar

from pydantic import BaseModel, ConfigDict, Field


class OrderLine(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)

    sku: str = Field(min_length=1)
    quantity: int = Field(ge=0)


class LineChange(BaseModel):
    """One SKU's figure changed from -> to (an amendment says which figure)."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    sku: str
    from_quantity: int
    to_quantity: int


L = TypeVar("L", bound=BaseModel)


def changes_towards(
    current: Mapping[str, int], target: Mapping[str, int]
) -> tuple[LineChange, ...]:
    """The changes that take `current` to `target` per SKU (a SKU missing on a side is 0)."""
    return tuple(
        LineChange(sku=sku, from_quantity=current.get(sku, 0), to_quantity=target.get(sku, 0))
        for sku in sorted({*current, *target})
        if current.get(sku, 0) != target.get(sku, 0)
    )


def apply_changes(
    lines: Mapping[str, L], changes: tuple[LineChange, ...], field: str, new: Callable[[str], L]
) -> dict[str, L]:
    """`lines` with `field` of each changed SKU set to its new value (new lines as needed)."""
    updated = dict(lines)
    for change in changes:
        line = updated.get(change.sku) or new(change.sku)
        updated[change.sku] = line.model_copy(update={field: change.to_quantity})
    return updated


MAX_LINES = 1_000
MAX_UNITS = 1_000_000_000  # per line and per receipt line


Ordered = TypeVar("Ordered", bound=OrderLine)


def distinct_ordered(lines: tuple[Ordered, ...]) -> tuple[Ordered, ...]:
    """Lines a user orders: each SKU once, each for 1 to MAX_UNITS units."""
    seen: set[str] = set()
    for line in lines:
        sku, quantity = line.sku, line.quantity
        if sku in seen:
            raise ValueError(f"SKU {sku!r} is on more than one line: put it on one")
        if not 1 <= quantity <= MAX_UNITS:
            raise ValueError(f"SKU {sku!r}: a quantity is 1 to {MAX_UNITS:,}")
        seen.add(sku)
    return lines


def counted_units(units: dict[str, int]) -> dict[str, int]:
    """Units per SKU a user counts in: 1 to MAX_UNITS each, at most MAX_LINES SKUs."""
    if not units:
        raise ValueError("a receipt needs at least one line")
    if len(units) > MAX_LINES:
        raise ValueError(f"a receipt has at most {MAX_LINES:,} lines")
    for sku, quantity in units.items():
        if not 1 <= quantity <= MAX_UNITS:
            raise ValueError(f"SKU {sku!r}: a quantity is 1 to {MAX_UNITS:,}")
    return units
