"""Replenishment over the views: a product's position at a warehouse (its rows there, or at a
combined warehouse's members that include stock), its forecast over the planning period (its
method, forecast edits included) and what to order, by the domain's arithmetic
(`domain.replenishment.order`, `domain.replenishment.compare`). An assembly is planned on its
assembly time and cycle, and what assemblies will take of a component is added to the
component's replenishment (`domain.replenishment.plan`)."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Final

from pydantic import AwareDatetime

from domain.replenishment.assembly import Component
from domain.replenishment.compare import WarehouseNeed, transfers
from domain.replenishment.plan import (
    Stock,
    Terms,
    advise,
    assembly_needs,
    users_of,
    with_assembly_need,
)
from functions.shared.views.models import Page
from functions.shared.views.planning_queries import HistoryTooLong, PlanningQueries
from functions.shared.views.product_models import Product
from functions.shared.views.product_queries import ProductQueries, TooManyListings
from functions.shared.views.replenishment_models import (
    Replenishment,
    ReplenishmentPage,
    Skipped,
    TransferRecommendation,
    WarehouseComparison,
    WarehouseComparisonReport,
)
from functions.shared.views.setup_models import Vendor
from functions.shared.views.stock_queries import StockQueries

VendorReader = Callable[[str, str], Vendor | None]
SHIPS: Final = ("own", "fbm")  # the kinds of warehouse a transfer may start at
MAX_CATALOGUE: Final = 200  # products read to find the assemblies that use a component
CATALOGUE_PAGE: Final = 100


@dataclass
class AssemblyPlan:
    """The tenant's bills of materials, read once from the catalogue (at most MAX_CATALOGUE
    products; `products` None: more than that, assembly needs unknown), and the assemblies'
    own replenishment at the warehouse, computed once each."""

    warehouse_id: str
    now: datetime
    products: dict[str, Product] | None
    own: dict[str, int] = field(default_factory=dict)

    @property
    def bills(self) -> dict[str, tuple[Component, ...]]:
        return {
            product_id: tuple(Component(c.product_id, c.quantity) for c in product.components)
            for product_id, product in (self.products or {}).items()
            if product.components
        }


class ReplenishmentQueries:
    def __init__(
        self,
        products: ProductQueries,
        stock: StockQueries,
        planning: PlanningQueries,
        vendor: VendorReader,
    ) -> None:
        self._products = products
        self._stock = stock
        self._planning = planning
        self._vendor = vendor

    def page(
        self,
        tenant_id: str,
        warehouse_id: str,
        now: AwareDatetime,
        vendor_id: str | None = None,
        needs_order: bool | None = None,
        limit: int = 50,
        cursor: str | None = None,
    ) -> ReplenishmentPage:
        """Reads `limit` products (by SKU) from the cursor and keeps those that pass the
        filters: a page is bounded by the products it reads, not by those it returns."""
        products: Page[Product] = self._products.list_products(tenant_id, limit, cursor)
        vendors: dict[str, Vendor | None] = {}
        plan = self.plan(tenant_id, warehouse_id, now)
        items: list[Replenishment] = []
        skipped: list[Skipped] = []
        for product in products.items:
            if vendor_id is not None and product.planning.vendor_id != vendor_id:
                continue
            try:
                item = self.of(tenant_id, product, warehouse_id, now, vendors, plan)
            except (TooManyListings, HistoryTooLong) as refused:
                skipped.append(Skipped(product_id=product.product_id, reason=str(refused)))
                continue
            if needs_order is None or item.needs_order is needs_order:
                items.append(item)
        return ReplenishmentPage(
            items=items,
            skipped=skipped,
            scanned=len(products.items),
            next_cursor=products.next_cursor,
        )

    def of(
        self,
        tenant_id: str,
        product: Product,
        warehouse_id: str,
        now: AwareDatetime,
        vendors: dict[str, Vendor | None] | None = None,
        plan: AssemblyPlan | None = None,
    ) -> Replenishment:
        """Raises TooManyListings or HistoryTooLong for a product whose figures (or those of
        an assembly that uses it) are too big to read here. `plan`: the tenant's bills read
        once (`plan`) for several products at the warehouse; without it, read here."""
        if plan is None or plan.warehouse_id != warehouse_id:
            plan = self.plan(tenant_id, warehouse_id, now)
        terms = self.terms(tenant_id, product, vendors)
        stock = self.stock(tenant_id, product, warehouse_id, now)
        today = now.date()
        history = self._planning.history(tenant_id, product, warehouse_id, today)
        advice, rate = advise(
            history, product.planning, product.forecast_edits, terms, stock, today
        )
        need = self.assembly_need(tenant_id, product, plan)
        if need:
            position = stock.available + stock.incoming
            advice = with_assembly_need(advice, need, position, terms.moq, terms.case_pack)
        return Replenishment(
            product_id=product.product_id,
            sku=product.sku,
            warehouse_id=warehouse_id,
            vendor_id=product.planning.vendor_id,
            method=product.planning.forecast_method,
            lead_time_days=terms.lead_time_days,
            days_of_stock=product.planning.days_of_stock,
            planning_period_days=terms.lead_time_days + product.planning.days_of_stock,
            daily_rate=f"{float(rate):.4f}",
            on_hand=stock.on_hand,
            committed=stock.committed,
            available=stock.available,
            on_order=stock.on_order,
            in_transit=stock.in_transit,
            ignored_incoming=stock.on_order + stock.in_transit - stock.incoming,
            incoming=stock.incoming,
            forecast=advice.need,
            replenishment=advice.replenishment,
            moq=terms.moq,
            case_pack=terms.case_pack,
            to_order=advice.to_order,
            replenishment_date=advice.replenishment_date,
            days_of_stock_left=advice.days_of_stock_left,
            needs_order=advice.to_order > 0,
            kind="assembly" if product.components else "purchase",
            assembly_need=need,
        )

    def plan(self, tenant_id: str, warehouse_id: str, now: datetime) -> AssemblyPlan:
        """The catalogue read for its bills, at most MAX_CATALOGUE products (past that, no
        assembly need is computed: `products` None)."""
        found: dict[str, Product] = {}
        cursor = None
        while True:
            wanted = min(CATALOGUE_PAGE, MAX_CATALOGUE + 1 - len(found))
            page = self._products.list_products(tenant_id, wanted, cursor)
            found.update((product.product_id, product) for product in page.items)
            if len(found) > MAX_CATALOGUE:
                return AssemblyPlan(warehouse_id, now, None)
            cursor = page.next_cursor
            if cursor is None:
                return AssemblyPlan(warehouse_id, now, found)

    def assembly_need(self, tenant_id: str, product: Product, plan: AssemblyPlan) -> int | None:
        """What the assemblies that use the product (at any depth) will take of it at the
        plan's warehouse: their own replenishment there exploded through their bills; None when
        the catalogue is too big to tell which assemblies use it."""
        if plan.products is None:
            return None
        bills = plan.bills
        users = users_of(product.product_id, bills)
        if not users:
            return 0
        today = plan.now.date()
        for user in sorted(users - plan.own.keys()):
            assembly = plan.products[user]
            terms = self.terms(tenant_id, assembly)
            stock = self.stock(tenant_id, assembly, plan.warehouse_id, plan.now)
            history = self._planning.history(tenant_id, assembly, plan.warehouse_id, today)
            plan.own[user] = advise(
                history, assembly.planning, assembly.forecast_edits, terms, stock, today
            )[0].replenishment
        needs = assembly_needs({user: plan.own[user] for user in users}, bills)
        return needs.get(product.product_id, 0)

    def compare(
        self, tenant_id: str, product: Product, warehouses: Sequence[tuple[str, str]], now: datetime
    ) -> WarehouseComparisonReport:
        """`warehouses`: (id, kind) of each, in the order shown. Only a warehouse a transfer can
        start at (own or FBM) offers its surplus."""
        terms = self.terms(tenant_id, product)
        today = now.date()
        shown: list[WarehouseComparison] = []
        needs: list[WarehouseNeed] = []
        for warehouse_id, kind in warehouses:
            stock = self.stock(tenant_id, product, warehouse_id, now)
            history = self._planning.history(tenant_id, product, warehouse_id, today)
            advice, _ = advise(
                history, product.planning, product.forecast_edits, terms, stock, today
            )
            available = stock.available if kind in SHIPS else 0
            counted = WarehouseNeed(
                warehouse_id=warehouse_id,
                available=available,
                incoming=stock.incoming + stock.available - available,  # the short stays
                need=advice.need,
            )
            needs.append(counted)
            shown.append(
                WarehouseComparison(
                    warehouse_id=warehouse_id,
                    kind=kind,
                    available=stock.available,
                    incoming=stock.incoming,
                    forecast=advice.need,
                    days_of_stock_left=advice.days_of_stock_left,
                    replenishment=advice.replenishment,
                    to_order=advice.to_order,
                    spare=counted.spare,
                    short=counted.short,
                )
            )
        return WarehouseComparisonReport(
            product_id=product.product_id,
            sku=product.sku,
            lead_time_days=terms.lead_time_days,
            days_of_stock=product.planning.days_of_stock,
            warehouses=shown,
            transfers=[
                TransferRecommendation(
                    source_warehouse_id=move.source_warehouse_id,
                    destination_warehouse_id=move.destination_warehouse_id,
                    quantity=move.units,
                )
                for move in transfers(needs)
            ],
        )

    def terms(
        self, tenant_id: str, product: Product, vendors: dict[str, Vendor | None] | None = None
    ) -> Terms:
        """Lead time: the product's, else its vendor's, else 0; MOQ and case pack: the vendor's
        for the product's SKU, else 1. An assembly is made, not bought: its lead time is its
        assembly time (the product's, else 0), MOQ and case pack 1."""
        planning = product.planning
        if product.components:
            return Terms(lead_time_days=planning.lead_time_days or 0)
        vendor = None
        if planning.vendor_id is not None:
            known = vendors if vendors is not None else {}
            if planning.vendor_id not in known:
                known[planning.vendor_id] = self._vendor(tenant_id, planning.vendor_id)
            vendor = known[planning.vendor_id]
        lead_time = planning.lead_time_days
        if lead_time is None:
            lead_time = vendor.lead_time_days if vendor is not None else 0
        supplied = (
            next((p for p in vendor.products if p.sku == product.sku), None) if vendor else None
        )
        if supplied is None:
            return Terms(lead_time_days=lead_time)
        return Terms(lead_time_days=lead_time, moq=supplied.moq, case_pack=supplied.case_pack)

    def stock(self, tenant_id: str, product: Product, warehouse_id: str, now: datetime) -> Stock:
        """The product's rows at the warehouse (a combined one's members that include stock),
        summed, with what planning counts as incoming now."""
        rows = self._products.rows_of(tenant_id, product)
        members = self._stock.members.stock(tenant_id, warehouse_id) or (warehouse_id,)
        total = Stock()
        for member in members:
            for sku in rows.skus():
                if not rows.includes(member, sku):
                    continue
                page = self._stock.stock(tenant_id, member, sku, None, 1, None, now)
                for row in page.items:
                    moving = row.in_transit + row.receiving
                    total = Stock(
                        on_hand=total.on_hand + row.on_hand,
                        committed=total.committed + row.committed,
                        on_order=total.on_order + row.on_order,
                        in_transit=total.in_transit + moving,
                        incoming=total.incoming
                        + (
                            row.incoming_for_planning
                            if row.incoming_for_planning is not None
                            else row.on_order + moving
                        ),
                    )
        return total
