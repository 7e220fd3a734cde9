"""An Amazon customer order as we last saw it, and its returns.

`observe_order` and `observe_return` decide what a read from Amazon appends: nothing when it
shows what the stream already holds, so a report read twice (or two overlapping windows) books
each sale, cancellation and return once.
"""

from datetime import datetime
from enum import StrEnum
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from domain.messages import DomainEvent


class SalesChannel(StrEnum):
    FBA = "fba"  # fulfilled by Amazon (AFN): units leave the marketplace's FBA warehouse
    FBM = "fbm"  # fulfilled by the seller (MFN): units leave the region's FBM warehouse


class LineStatus(StrEnum):
    PENDING = "pending"  # ordered, not yet shipped
    SHIPPED = "shipped"
    CANCELLED = "cancelled"


class AmazonOrderLine(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)

    sku: str = Field(min_length=1)
    asin: str | None = None
    quantity: int = Field(ge=0)
    status: LineStatus


class AmazonOrderObserved(DomainEvent):
    """The order as Amazon showed it, appended when it differs from what the stream holds."""

    type: Literal["AmazonOrderObserved"] = "AmazonOrderObserved"
    amazon_order_id: str
    connection_id: str
    marketplace_id: str
    channel: SalesChannel
    warehouse_id: str
    purchased_at: AwareDatetime
    updated_at: AwareDatetime  # Amazon's last-updated-date of the order
    lines: tuple[AmazonOrderLine, ...]

    def units_moved_at(self) -> datetime:
        return self.updated_at  # the first observation showing a line shipped: when it left


class AmazonReturn(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)

    return_id: str = Field(min_length=1)  # Amazon's key of the return (e.g. license plate)
    sku: str = Field(min_length=1)
    quantity: int = Field(gt=0)
    returned_at: AwareDatetime
    disposition: str | None = None


class AmazonReturnObserved(DomainEvent):
    type: Literal["AmazonReturnObserved"] = "AmazonReturnObserved"
    amazon_order_id: str
    connection_id: str
    marketplace_id: str
    channel: SalesChannel
    warehouse_id: str  # where the units come back to
    item: AmazonReturn

    def units_moved_at(self) -> datetime:
        return self.item.returned_at


class Cancellation(BaseModel):
    """Units of a SKU first shown cancelled by the observation Amazon last updated at `at`:
    the day the sales figures book them cancelled (`domain/sales/figures.py`)."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    sku: str
    units: int = Field(gt=0)
    at: AwareDatetime


class AmazonOrder(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)

    order: AmazonOrderObserved | None = None  # None: a return of an order older than our reads
    returns: tuple[AmazonReturnObserved, ...] = ()  # with the warehouse each came back to
    cancellations: tuple[Cancellation, ...] = ()  # oldest first


def observe_order(state: AmazonOrder | None, seen: AmazonOrderObserved) -> list[DomainEvent]:
    """Nothing when Amazon shows the order as we hold it, or an older version of it."""
    held = state.order if state is not None else None
    if held is not None:
        if seen.updated_at < held.updated_at:
            return []
        if (seen.lines, seen.channel, seen.warehouse_id) == (
            held.lines,
            held.channel,
            held.warehouse_id,
        ):
            return []
    return [seen]


def observe_return(state: AmazonOrder | None, seen: AmazonReturnObserved) -> list[DomainEvent]:
    """Nothing when the return is already booked (by Amazon's return key)."""
    if state is not None and any(r.item.return_id == seen.item.return_id for r in state.returns):
        return []
    return [seen]


def evolve(state: AmazonOrder | None, event: DomainEvent) -> AmazonOrder | None:
    if isinstance(event, AmazonOrderObserved):
        state = state or AmazonOrder()
        cancellations = _cancellations(state.cancellations, event)
        return state.model_copy(update={"order": event, "cancellations": cancellations})
    if isinstance(event, AmazonReturnObserved):
        state = state or AmazonOrder()
        return state.model_copy(update={"returns": (*state.returns, event)})
    return state


def _cancelled_units(lines: tuple[AmazonOrderLine, ...]) -> dict[str, int]:
    """Per SKU, the units of the lines Amazon shows cancelled."""
    units: dict[str, int] = {}
    for line in lines:
        if line.status is LineStatus.CANCELLED and line.quantity:
            units[line.sku] = units.get(line.sku, 0) + line.quantity
    return units


def _cancellations(
    held: tuple[Cancellation, ...], seen: AmazonOrderObserved
) -> tuple[Cancellation, ...]:
    """What was cancelled when: units newly shown cancelled are dated at this observation;
    units Amazon no longer shows cancelled come off the latest dates first, so the date of a
    unit still cancelled never moves."""
    now = _cancelled_units(seen.lines)
    booked: dict[str, int] = {}
    for cancellation in held:
        booked[cancellation.sku] = booked.get(cancellation.sku, 0) + cancellation.units
    result = list(held)
    for sku in sorted({*now, *booked}):
        change = now.get(sku, 0) - booked.get(sku, 0)
        if change > 0:
            result.append(Cancellation(sku=sku, units=change, at=seen.updated_at))
        elif change < 0:
            result = _uncancel(result, sku, -change)
    return tuple(result)


def _uncancel(held: list[Cancellation], sku: str, units: int) -> list[Cancellation]:
    kept: list[Cancellation] = []
    for cancellation in reversed(held):
        if cancellation.sku == sku and units:
            taken = min(units, cancellation.units)
            units -= taken
            if taken < cancellation.units:
                kept.append(cancellation.model_copy(update={"units": cancellation.units - taken}))
            continue
        kept.append(cancellation)
    return kept[::-1]
