"""The read models of replenishment: what to order of a product at a warehouse, and how a
product stands across warehouses (compare warehouses)."""

from datetime import date
from typing import Literal

from pydantic import Field

from domain.replenishment.forecast import Method
from functions.shared.views.models import View


class Replenishment(View):
    """A product at a warehouse: its position, its forecast over the planning period, and what
    to order (see `domain.replenishment.order`)."""

    product_id: str
    sku: str
    warehouse_id: str
    vendor_id: str | None = Field(description="The product's vendor (`planning.vendor_id`)")
    method: Method = Field(description="The product's forecast method")
    lead_time_days: int = Field(
        description="The product's `planning.lead_time_days`, else its vendor's, else 0"
    )
    days_of_stock: int
    planning_period_days: int = Field(description="lead_time_days + days_of_stock")
    daily_rate: str = Field(
        description="Forecast units per day over the planning period (forecast / planning "
        "period), as a decimal string"
    )
    on_hand: int
    committed: int
    available: int = Field(description="on_hand - committed")
    on_order: int
    in_transit: int = Field(description="In transit and receiving")
    ignored_incoming: int = Field(
        description="Units on order or in transit that the tenant's `ignore_unreceived` "
        "setting leaves out"
    )
    incoming: int = Field(description="on_order + in_transit - ignored_incoming")
    forecast: int = Field(
        description="Forecast units over the planning period, forecast edits included, rounded up"
    )
    replenishment: int = Field(
        description="max(0, forecast + assembly_need - (available + incoming))"
    )
    moq: int = Field(description="The vendor's minimum order quantity for the SKU (1: none)")
    case_pack: int = Field(description="The vendor's units per case for the SKU (1: none)")
    to_order: int = Field(description="replenishment rounded up to the MOQ and whole cases")
    replenishment_date: date | None = Field(
        description="The last day to order before the stock runs below what the lead time "
        "needs (null: nothing sells)"
    )
    days_of_stock_left: int | None = Field(
        description="How many days the available units last (null: nothing sells)"
    )
    needs_order: bool = Field(description="to_order > 0")
    kind: Literal["purchase", "assembly"] = Field(
        description="`assembly`: the product has components, so `to_order` is made by an "
        "assembly order (its lead time is its assembly time, no MOQ or case pack); `purchase`: "
        "bought from its vendor by a purchase order",
    )
    assembly_need: int | None = Field(
        description="Units the assemblies that use the product (directly or at any depth) will "
        "take of it at the warehouse: their replenishment x the bills' quantities; included in "
        "`replenishment` and `to_order`. null: the catalogue has more than 200 products, so "
        "which assemblies use it is not read (and nothing is added)",
    )


class Skipped(View):
    product_id: str
    reason: str


class ReplenishmentPage(View):
    items: list[Replenishment]
    skipped: list[Skipped] = Field(
        description="Products of this page whose figures could not be read (too many listings "
        "or too much history), with why"
    )
    scanned: int = Field(description="Products this page read (at most `limit`)")
    next_cursor: str | None = Field(
        description="Pass as `cursor` for the next page. Filters apply within the products a "
        "page reads, so a page can hold fewer items than `limit` (even none) and still have one"
    )


class WarehouseComparison(View):
    warehouse_id: str
    kind: str = Field(description="The warehouse's kind")
    available: int = Field(description="on hand - committed")
    incoming: int = Field(description="On order, in transit and receiving, for planning")
    forecast: int = Field(description="Forecast units over its planning period")
    days_of_stock_left: int | None = Field(description="null: nothing sells there")
    replenishment: int
    to_order: int
    spare: int = Field(
        description="What it can give: available beyond its own planning-period need (0 for a "
        "warehouse no transfer can start at)"
    )
    short: int = Field(description="Its planning-period need beyond available + incoming")


class TransferRecommendation(View):
    source_warehouse_id: str
    destination_warehouse_id: str
    quantity: int


class WarehouseComparisonReport(View):
    product_id: str
    sku: str
    lead_time_days: int
    days_of_stock: int
    warehouses: list[WarehouseComparison] = Field(description="In the order asked for")
    transfers: list[TransferRecommendation] = Field(
        description="Surplus moved to the largest shortfall first; a source never goes below "
        "its own planning-period need, incoming stock is never moved"
    )
