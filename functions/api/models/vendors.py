"""Bodies of /vendors."""

from decimal import Decimal
from enum import StrEnum
from typing import Any

from pydantic import Field, field_validator

from domain.currencies import ISO_4217
from domain.vendor import MAX_LEAD_TIME_DAYS, MAX_PRODUCTS, VendorProduct
from functions.api.models.common import (
    MAX_QUANTITY,
    SKU_PATTERN,
    ApiModel,
    Integer,
    ReadModel,
    not_a_boolean,
)
from functions.shared.views.setup_models import Vendor

# The codes themselves, so that the document states exactly what is accepted.
CurrencyCode = StrEnum("CurrencyCode", {code: code for code in sorted(ISO_4217)})  # type: ignore[misc]
NAME = r"\S"  # not blank
UNIT_COST = r"^(0|[1-9][0-9]{0,9})(\.[0-9]{1,4})?$"


class ProductTerms(ApiModel):
    sku: str = Field(pattern=SKU_PATTERN, description="Seller SKU, 1-100 characters")
    unit_cost: str = Field(
        pattern=UNIT_COST,
        description='In the vendor\'s currency: a decimal string of at most 4 decimals, e.g. "2.5"',
    )
    moq: Integer = Field(default=1, ge=1, le=MAX_QUANTITY, description="Minimum order quantity")
    case_pack: Integer = Field(default=1, ge=1, le=1_000_000, description="Units per case")

    def to_domain(self) -> VendorProduct:
        return VendorProduct(**{**self.model_dump(), "unit_cost": Decimal(self.unit_cost)})


class CreateVendorRequest(ApiModel):
    name: str = Field(min_length=1, max_length=200, pattern=NAME)
    lead_time_days: Integer = Field(
        ge=0, le=MAX_LEAD_TIME_DAYS, description="Days from order to arrival"
    )
    currency: CurrencyCode = Field(description="ISO 4217 code, e.g. USD")
    products: list[ProductTerms] = Field(
        default_factory=list, max_length=MAX_PRODUCTS, description="Each SKU at most once"
    )


class ChangeVendorRequest(ApiModel):
    """The fields to change (absent or null: unchanged); `products` replaces the whole list."""

    name: str | None = Field(default=None, min_length=1, max_length=200, pattern=NAME)
    lead_time_days: int | None = Field(
        default=None, ge=0, le=MAX_LEAD_TIME_DAYS, description="Days from order to arrival"
    )
    currency: CurrencyCode | None = Field(default=None, description="ISO 4217 code, e.g. USD")
    products: list[ProductTerms] | None = Field(
        default=None, max_length=MAX_PRODUCTS, description="Each SKU at most once"
    )

    _whole_numbers = field_validator("lead_time_days", mode="before")(not_a_boolean)

    def changes(self) -> dict[str, Any]:
        """The fields sent, as the domain takes them."""
        sent = self.model_dump(mode="json", exclude_unset=True, exclude_none=True)
        if self.products is not None:
            sent["products"] = tuple(product.to_domain() for product in self.products)
        return sent


class VendorCreated(ApiModel):
    vendor_id: str
    version: int


class VendorChanged(ApiModel):
    vendor_id: str
    version: int = Field(description="Unchanged when the request changed nothing")


class VendorPage(ReadModel):
    items: list[Vendor]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page")
