"""The read models: what a query returns and the API serves, declared once.

This module holds what every read model shares. Each family has its own module, so that a
cold start loads only the families it serves: `shipment_models.py`, `order_models.py`,
`stock_models.py`, `setup_models.py` (warehouses, connections, vendors), `product_models.py`,
`assembly_models.py`, `planning_models.py`, `replenishment_models.py`.

They are rendered from the domain's own state (`*_render.py`, `stock.py`); the API returns them
as they are, so a field and its description live in one of these modules and nowhere else.
Separate from domain messages: a new field in them is a change of the API's contract (its
`openapi.json` drift test says so).
"""

from typing import Generic, TypeVar

from pydantic import BaseModel, ConfigDict

T = TypeVar("T")


class View(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)  # built when first rendered


class Page(View, Generic[T]):
    items: list[T]
    next_cursor: str | None = None  # opaque; None on the last page
