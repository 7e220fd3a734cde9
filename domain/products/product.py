"""Product: one thing the seller plans (a variant), known by its own SKU.

A product's id is derived from its SKU, so that two requests (or a request and a listing's
discovery) can never make two products of one SKU: the second append finds the stream taken.
"""

import hashlib
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from domain.errors import AlreadyExists
from domain.messages import Command, DomainEvent

MAX_SKU = 100
MAX_NAME = 500
MAX_BARCODE = 64


class CreatedBy(StrEnum):
    USER = "user"  # POST /products
    LISTING = "listing"  # a listing was discovered and no product had its SKU


def product_id_for(sku: str) -> str:
    """The id of the product with this SKU (the same SKU always gives the same id)."""
    return "prod-" + hashlib.sha256(sku.encode()).hexdigest()[:24]


class ProductCreated(DomainEvent):
    type: Literal["ProductCreated"] = "ProductCreated"
    product_id: str
    sku: str
    name: str
    barcode: str | None = None
    created_by: CreatedBy


class CreateProduct(Command):
    sku: str = Field(min_length=1, max_length=MAX_SKU)
    name: str = Field(min_length=1, max_length=MAX_NAME)
    barcode: str | None = Field(default=None, min_length=1, max_length=MAX_BARCODE)
    created_by: CreatedBy = CreatedBy.USER

    @property
    def product_id(self) -> str:
        return product_id_for(self.sku)


class Product(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)

    product_id: str
    sku: str
    name: str
    barcode: str | None = None
    created_by: CreatedBy


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


def evolve(state: Product | None, event: DomainEvent) -> Product | None:
    if isinstance(event, ProductCreated):
        return Product(**event.model_dump(exclude={"type", "schema_version"}))
    return state
