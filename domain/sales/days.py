"""A listing's sales on one day, summed over orders, and the facts that change it.

A sales fact is one order's change of one listing-day (the difference of its contributions
before and after one event, `domain/sales/figures.py`). The day row adds each fact once: like a
stock row (`domain/stock/ledger.py`) it records, per source stream, the last version it
applied, and a fact at or below it is a no-op, so replay and redelivery never double count.
"""

from datetime import date
from typing import Final

from pydantic import BaseModel, ConfigDict, Field

from domain.sales.figures import NO_SALES, SalesFigures

# The streams one listing-day row can record (the orders of that listing booking something on
# that day): about 60 bytes each keeps the row far below DynamoDB's 400 KB item limit.
MAX_SOURCES: Final = 5_000


class SalesDayFull(Exception):
    """A listing-day row holds MAX_SOURCES orders already: it cannot take another order's
    figures (the record fails and is parked, never silently dropped)."""


class SalesFact(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)

    tenant_id: str
    warehouse_id: str
    sku: str
    day: date
    stream_id: str
    version: int
    delta: SalesFigures


class SalesDay(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)

    tenant_id: str
    warehouse_id: str
    sku: str
    day: date
    figures: SalesFigures = NO_SALES
    sources: dict[str, int] = Field(default_factory=dict)  # stream id -> last version applied


def apply_sales_fact(state: SalesDay | None, fact: SalesFact) -> SalesDay | None:
    """The row after `fact`; None when the row already holds it."""
    current = state or SalesDay(
        tenant_id=fact.tenant_id, warehouse_id=fact.warehouse_id, sku=fact.sku, day=fact.day
    )
    if current.sources.get(fact.stream_id, 0) >= fact.version:
        return None
    if fact.stream_id not in current.sources and len(current.sources) >= MAX_SOURCES:
        raise SalesDayFull(
            f"{fact.warehouse_id} {fact.sku} {fact.day}: over {MAX_SOURCES} orders in one day"
        )
    sources = dict(sorted({**current.sources, fact.stream_id: fact.version}.items()))
    return current.model_copy(update={"figures": current.figures + fact.delta, "sources": sources})
