"""Vendor: who the seller buys from, how long they take, in which currency, and the terms of
each product they supply (unit cost, minimum order quantity, case pack)."""

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from domain.currencies import ISO_4217
from domain.errors import AlreadyExists, InvalidCommand, NotFound
from domain.messages import Command, DomainEvent

MAX_PRODUCTS = 1_000
MAX_LEAD_TIME_DAYS = 365
COST_DECIMALS = 4


def _currency(code: str) -> str:
    if code not in ISO_4217:
        raise ValueError(f"{code!r} is not an ISO 4217 currency code (e.g. USD, EUR, GBP)")
    return code


def _cost(value: Decimal) -> Decimal:
    exponent = value.as_tuple().exponent
    if not isinstance(exponent, int) or -exponent > COST_DECIMALS:
        raise ValueError(f"a unit cost has at most {COST_DECIMALS} decimals")
    return value


Currency = Annotated[str, AfterValidator(_currency)]
UnitCost = Annotated[Decimal, Field(ge=0, le=Decimal("1e9")), AfterValidator(_cost)]


class VendorProduct(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)

    sku: str = Field(min_length=1, max_length=200)
    unit_cost: UnitCost
    moq: int = Field(default=1, ge=1, le=1_000_000_000, description="Minimum order quantity")
    case_pack: int = Field(default=1, ge=1, le=1_000_000, description="Units per case")


class VendorCreated(DomainEvent):
    type: Literal["VendorCreated"] = "VendorCreated"
    vendor_id: str
    name: str
    lead_time_days: int
    currency: str
    products: tuple[VendorProduct, ...]


class VendorChanged(DomainEvent):
    """The fields that changed, with their new values (products replace the whole list)."""

    type: Literal["VendorChanged"] = "VendorChanged"
    vendor_id: str
    name: str | None = None
    lead_time_days: int | None = None
    currency: str | None = None
    products: tuple[VendorProduct, ...] | None = None


class CreateVendor(Command):
    vendor_id: str
    name: str = Field(min_length=1, max_length=200)
    lead_time_days: int = Field(ge=0, le=MAX_LEAD_TIME_DAYS)
    currency: Currency
    products: tuple[VendorProduct, ...] = Field(default=(), max_length=MAX_PRODUCTS)


class ChangeVendor(Command):
    vendor_id: str
    name: str | None = Field(default=None, min_length=1, max_length=200)
    lead_time_days: int | None = Field(default=None, ge=0, le=MAX_LEAD_TIME_DAYS)
    currency: Currency | None = None
    products: tuple[VendorProduct, ...] | None = Field(default=None, max_length=MAX_PRODUCTS)


class Vendor(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)

    vendor_id: str
    name: str
    lead_time_days: int
    currency: str
    products: tuple[VendorProduct, ...] = ()

    def product(self, sku: str) -> VendorProduct | None:
        return next((product for product in self.products if product.sku == sku), None)


def decide(command: Command, state: Vendor | None) -> list[DomainEvent]:
    match command:
        case CreateVendor():
            if state is not None:
                raise AlreadyExists(f"vendor {command.vendor_id} already exists")
            _require_distinct_skus(command.products)
            return [VendorCreated(**command.model_dump())]
        case ChangeVendor():
            if state is None:
                raise NotFound("vendor not found")
            if command.products is not None:
                _require_distinct_skus(command.products)
            changed = {
                name: getattr(command, name)
                for name in ("name", "lead_time_days", "currency", "products")
                if getattr(command, name) is not None
                and getattr(command, name) != getattr(state, name)
            }
            return [VendorChanged(vendor_id=state.vendor_id, **changed)] if changed else []
    raise TypeError(f"not a vendor command: {type(command).__name__}")


def _require_distinct_skus(products: tuple[VendorProduct, ...]) -> None:
    skus = [product.sku for product in products]
    if len(set(skus)) != len(skus):
        raise InvalidCommand("each SKU may appear only once in a vendor's products")


def evolve(state: Vendor | None, event: DomainEvent) -> Vendor | None:
    match event:
        case VendorCreated():
            return Vendor(**event.model_dump(exclude={"type", "schema_version"}))
        case VendorChanged() if state is not None:
            update = {
                name: getattr(event, name)
                for name in ("name", "lead_time_days", "currency", "products")
                if getattr(event, name) is not None
            }
            return state.model_copy(update=update)
    return state
