"""Product: one thing the seller plans (a variant), known by its own SKU, with its planning
settings (forecast method, lead time, days of stock, vendor) and forecast edits.

A product's id is derived from its SKU, so that two requests (or a request and a listing's
discovery) can never make two products of one SKU: the second append finds the stream taken.
"""

import hashlib
from collections.abc import Callable
from datetime import date
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from domain.errors import AlreadyExists, InvalidCommand, NotFound
from domain.messages import Command, DomainEvent
from domain.replenishment.assembly import MAX_COMPONENTS, Bom, Component, check_components
from domain.replenishment.forecast import DEFAULT_DAYS, Method, month_start
from domain.replenishment.order import (
    DEFAULT_DAYS_OF_STOCK,
    MAX_DAYS_OF_STOCK,
    MAX_LEAD_TIME_DAYS,
)

MAX_SKU = 100
MAX_NAME = 500
MAX_BARCODE = 64


class CreatedBy(StrEnum):
    USER = "user"  # POST /products
    LISTING = "listing"  # a listing was discovered and no product had its SKU


def product_id_for(sku: str) -> str:
    """The id of the product with this SKU (the same SKU always gives the same id)."""
    return "prod-" + hashlib.sha256(sku.encode()).hexdigest()[:24]


MAX_FORECAST_UNITS = 1_000_000_000
MAX_EDITS = 36  # months with an edit, at most


class Planning(BaseModel):
    """How the product is planned; `lead_time_days` None: the vendor's."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    forecast_method: Method = Method.LAST_DAYS
    forecast_days: int = Field(default=DEFAULT_DAYS, ge=7, le=365)
    lead_time_days: int | None = Field(default=None, ge=0, le=MAX_LEAD_TIME_DAYS)
    days_of_stock: int = Field(default=DEFAULT_DAYS_OF_STOCK, ge=1, le=MAX_DAYS_OF_STOCK)
    vendor_id: str | None = None


class ProductCreated(DomainEvent):
    type: Literal["ProductCreated"] = "ProductCreated"
    product_id: str
    sku: str
    name: str
    barcode: str | None = None
    created_by: CreatedBy


class ProductChanged(DomainEvent):
    """The fields that changed, with their new values."""

    type: Literal["ProductChanged"] = "ProductChanged"
    product_id: str
    name: str | None = None
    barcode: str | None = None
    planning: Planning | None = None


class ForecastEdited(DomainEvent):
    """A month's forecast units set by a person (`units` None: the edit is removed)."""

    type: Literal["ForecastEdited"] = "ForecastEdited"
    product_id: str
    month: date  # the first of the month
    units: int | None


class ProductComponent(BaseModel):
    """One line of a bill of materials: units of another product per unit of the assembly."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    product_id: str
    quantity: int


class ProductComponentsSet(DomainEvent):
    """The product's bill of materials, replaced whole (empty: no longer an assembly)."""

    type: Literal["ProductComponentsSet"] = "ProductComponentsSet"
    product_id: str
    components: tuple[ProductComponent, ...]


BILLS_OF_MATERIALS = "bills-of-materials"  # the tenant's settings topic of bill changes


class BillOfMaterialsChanged(DomainEvent):
    """Appended to the tenant's `bills-of-materials` settings stream with every bill change,
    at the version read before the bills were: bill changes of a tenant are serialised, so two
    at once can never close a cycle unseen (the later one is decided again, on both)."""

    type: Literal["BillOfMaterialsChanged"] = "BillOfMaterialsChanged"
    product_id: str


class CreateProduct(Command):
    sku: str = Field(min_length=1, max_length=MAX_SKU)
    name: str = Field(min_length=1, max_length=MAX_NAME)
    barcode: str | None = Field(default=None, min_length=1, max_length=MAX_BARCODE)
    created_by: CreatedBy = CreatedBy.USER

    @property
    def product_id(self) -> str:
        return product_id_for(self.sku)


class ChangeProduct(Command):
    product_id: str
    name: str | None = Field(default=None, min_length=1, max_length=MAX_NAME)
    barcode: str | None = Field(default=None, min_length=1, max_length=MAX_BARCODE)
    planning: Planning | None = None


class EditForecast(Command):
    product_id: str
    month: date
    units: int | None = Field(ge=0, le=MAX_FORECAST_UNITS)
    today: date


class SetComponents(Command):
    product_id: str
    components: tuple[ProductComponent, ...]


class Product(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)

    product_id: str
    sku: str
    name: str
    barcode: str | None = None
    created_by: CreatedBy
    planning: Planning = Planning()
    forecast_edits: dict[date, int] = Field(default_factory=dict)
    components: tuple[ProductComponent, ...] = ()  # its bill of materials: empty, no assembly


def decide(command: CreateProduct, state: Product | None) -> list[DomainEvent]:
    if state is not None:
        raise AlreadyExists(
            f"product {state.product_id} already has SKU {state.sku!r}", field="sku"
        )
    return [
        ProductCreated(
            product_id=command.product_id,
            sku=command.sku,
            name=command.name,
            barcode=command.barcode,
            created_by=command.created_by,
        )
    ]


def decide_change(command: ChangeProduct, state: Product | None) -> list[DomainEvent]:
    if state is None:
        raise NotFound(f"product {command.product_id} not found")
    changes = {
        name: value
        for name in ("name", "barcode", "planning")
        if (value := getattr(command, name)) is not None and value != getattr(state, name)
    }
    return [ProductChanged(product_id=state.product_id, **changes)] if changes else []


def decide_edit(command: EditForecast, state: Product | None) -> list[DomainEvent]:
    if state is None:
        raise NotFound(f"product {command.product_id} not found")
    if command.month != month_start(command.month):
        raise InvalidCommand("a month is given by its first day, e.g. 2027-01-01", field="month")
    if command.month < month_start(command.today):
        raise InvalidCommand(
            f"{command.month:%Y-%m} is past: only this month and later can be edited",
            field="month",
        )
    if state.forecast_edits.get(command.month) == command.units:
        return []
    edits = {**state.forecast_edits, command.month: command.units}
    if sum(units is not None for units in edits.values()) > MAX_EDITS:
        raise InvalidCommand(f"at most {MAX_EDITS} months can be edited", field="month")
    return [ForecastEdited(product_id=state.product_id, month=command.month, units=command.units)]


def decide_components(
    command: SetComponents, state: Product | None, found: Callable[[str], bool], bom: Bom
) -> list[DomainEvent]:
    """Replace the product's bill of materials. `found(product_id)`: the tenant has that
    product; `bom(product_id)`: its components as stored (read from the products' streams).
    Refused (422): the product itself, an unknown product, a quantity <= 0 or a product twice
    (each naming `components.<i>.<field>`), and a cycle at any depth (`components`)."""
    if state is None:
        raise NotFound(f"product {command.product_id} not found")
    if len(command.components) > MAX_COMPONENTS:
        raise InvalidCommand(f"at most {MAX_COMPONENTS} components", field="components")
    seen: set[str] = set()
    for i, component in enumerate(command.components):
        at = f"components.{i}"
        if component.quantity <= 0:
            raise InvalidCommand("a component's quantity must be positive", field=f"{at}.quantity")
        if component.product_id == state.product_id:
            raise InvalidCommand(
                "a product cannot be a component of itself", field=f"{at}.product_id"
            )
        if component.product_id in seen:
            raise InvalidCommand(
                f"{component.product_id} is listed twice: give it once with its total",
                field=f"{at}.product_id",
            )
        seen.add(component.product_id)
        if not found(component.product_id):
            raise InvalidCommand(
                f"product {component.product_id} not found", field=f"{at}.product_id"
            )
    check_components(
        state.product_id,
        [Component(product_id=c.product_id, quantity=c.quantity) for c in command.components],
        bom,
    )
    if command.components == state.components:
        return []
    return [ProductComponentsSet(product_id=state.product_id, components=command.components)]


def evolve(state: Product | None, event: DomainEvent) -> Product | None:
    if isinstance(event, ProductCreated):
        return Product(**event.model_dump(exclude={"type", "schema_version"}))
    if state is None:
        return None
    if isinstance(event, ProductChanged):
        changed = event.model_dump(
            include={"name", "barcode", "planning"}, exclude_none=True, by_alias=False
        )
        if event.planning is not None:
            changed["planning"] = event.planning
        return state.model_copy(update=changed)
    if isinstance(event, ForecastEdited):
        edits = {**state.forecast_edits, event.month: event.units}
        return state.model_copy(
            update={"forecast_edits": {m: u for m, u in sorted(edits.items()) if u is not None}}
        )
    if isinstance(event, ProductComponentsSet):
        return state.model_copy(update={"components": event.components})
    return state
