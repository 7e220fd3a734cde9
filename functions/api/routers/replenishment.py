"""/replenishment: what to order of each product at a warehouse, and draft purchase orders
from it (one per vendor). The arithmetic is the domain's (`domain.replenishment.order`); the
figures are the views' (`functions.shared.views.replenishment_queries`)."""

from http import HTTPStatus
from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Query

from domain.errors import InvalidCommand, NotFound
from domain.orders.purchase_order import PurchaseLine
from functions.api import contract
from functions.api.auth import Caller
from functions.api.commands.replenishment import place_per_vendor
from functions.api.dependencies import CallerDep, OnceDep, ServicesDep
from functions.api.errors import ApiError
from functions.api.models.common import ID_PATTERN, MAX_PAGE
from functions.api.models.replenishment import (
    MAX_PRODUCTS,
    ReplenishmentOrder,
    ReplenishmentOrderRequest,
    ReplenishmentOrders,
)
from functions.api.routers import resource_router
from functions.api.routers.params import Cursor, IdempotencyKey, Limit
from functions.api.wiring import Services
from functions.shared.views.product_models import Product
from functions.shared.views.replenishment_models import Replenishment, ReplenishmentPage

router = resource_router()
TAGS = ["planning"]
UNPROCESSABLE = HTTPStatus.UNPROCESSABLE_ENTITY
WarehouseParam = Annotated[str, Query(pattern=ID_PATTERN, description="Warehouse id")]
VendorParam = Annotated[
    str | None, Query(pattern=ID_PATTERN, description="Only the products of this vendor")
]
NeedsOrder = Annotated[
    bool | None, Query(description="true: only products to order; false: only the others")
]
ARITHMETIC = (
    "Planning period = lead time (the product's, else its vendor's) + days of stock. "
    "Replenishment = max(0, forecast over the planning period - (available + on order + in "
    "transit, less what `ignore_unreceived` leaves out)); `to_order` rounds it up to the "
    "vendor's MOQ and case pack for the SKU. A product with no sales needs nothing. "
)


@router.get(
    "/replenishment",
    tags=TAGS,
    summary="What to order of each product at a warehouse, by page",
    description=ARITHMETIC + "A page reads `limit` products (by SKU) and keeps those that pass "
    "`vendor_id` and `needs_order`: it can hold fewer items than `limit` and still have a "
    "`next_cursor`. A combined warehouse counts the stock and sales of its members. 404 for an "
    "unknown warehouse or vendor. " + contract.EVENTUALLY_CONSISTENT,
    responses=contract.responses(200, "A page of recommendations", contract.ITEM_ERRORS),
)
def list_replenishment(
    warehouse_id: WarehouseParam,
    caller: CallerDep,
    services: ServicesDep,
    vendor_id: VendorParam = None,
    needs_order: NeedsOrder = None,
    limit: Limit = MAX_PAGE // 2,
    cursor: Cursor = None,
) -> ReplenishmentPage:
    tenant = caller.tenant_id
    views = services.views
    _require_warehouse(services, tenant, warehouse_id, "query.warehouse_id")
    if vendor_id is not None and views.get_vendor(tenant, vendor_id) is None:
        raise NotFound(f"vendor {vendor_id} not found", field="query.vendor_id")
    now = services.aggregates.clock.now()
    return views.replenishment.page(
        tenant, warehouse_id, now, vendor_id, needs_order, limit, cursor
    )


@router.post(
    "/replenishment/purchase-orders",
    status_code=201,
    tags=TAGS,
    summary="Draft purchase orders from the recommendations, one per vendor",
    description="Each product to order (`to_order` > 0 at the warehouse) becomes a line of "
    "`to_order` units at the vendor's unit cost, on one open purchase order per vendor (only "
    "`vendor_id`'s when given; only `product_ids` when given). Products without a vendor, and "
    "assemblies (`kind: assembly`: made by assembly orders), are left out. "
    f"Without `product_ids`, at most {MAX_PRODUCTS} products are read: past that, "
    "name them. Nothing to order: 422 `nothing_to_order`, nothing appended. "
    + ARITHMETIC
    + contract.APPENDED,
    responses=contract.responses(
        201,
        "Purchase orders created",
        contract.COMMAND_ERRORS,
        {
            "GetPurchaseOrder": contract.link(
                "GET /purchase-orders/{purchase_order_id}",
                "The first order",
                purchase_order_id=contract.returned("purchase_orders/0/purchase_order_id"),
            )
        },
    ),
)
def create_purchase_orders(
    body: ReplenishmentOrderRequest,
    caller: CallerDep,
    services: ServicesDep,
    once: OnceDep,
    idempotency_key: IdempotencyKey = None,
) -> ReplenishmentOrders:
    def execute() -> ReplenishmentOrders:
        return _order(services, caller, body)

    return once(idempotency_key, body.model_dump(mode="json"), execute, ReplenishmentOrders)


def _order(
    services: Services, caller: Caller, body: ReplenishmentOrderRequest
) -> ReplenishmentOrders:
    tenant = caller.tenant_id
    views = services.views
    _require_warehouse(services, tenant, body.warehouse_id, "warehouse_id")
    if body.vendor_id is not None and views.get_vendor(tenant, body.vendor_id) is None:
        raise NotFound(f"vendor {body.vendor_id} not found", field="vendor_id")
    now = services.aggregates.clock.now()
    lines: dict[str, list[Replenishment]] = {}
    plan = views.replenishment.plan(tenant, body.warehouse_id, now)  # the bills, read once
    for product in _products(services, tenant, body):
        vendor_id = product.planning.vendor_id
        if vendor_id is None or body.vendor_id not in (None, vendor_id):
            continue
        advice = views.replenishment.of(tenant, product, body.warehouse_id, now, plan=plan)
        if advice.kind == "purchase" and advice.to_order > 0:  # assemblies are made, not bought
            lines.setdefault(vendor_id, []).append(advice)
    if not lines:
        raise ApiError(
            UNPROCESSABLE,
            "nothing_to_order",
            f"nothing to order into warehouse {body.warehouse_id}: no product of "
            f"{'vendor ' + body.vendor_id if body.vendor_id else 'a vendor'} has a `to_order` "
            "above 0 there (see GET /replenishment)",
        )
    wanted = {
        vendor_id: [PurchaseLine(sku=advice.sku, quantity=advice.to_order) for advice in advices]
        for vendor_id, advices in lines.items()
    }
    placed = place_per_vendor(services.aggregates, caller, body.warehouse_id, wanted)
    return ReplenishmentOrders(
        purchase_orders=[
            ReplenishmentOrder(
                purchase_order_id=made.command.purchase_order_id,
                vendor_id=made.command.vendor_id,
                lines=len(made.command.lines),
                units=sum(line.quantity for line in made.command.lines),
                version=made.version,
            )
            for made in placed
        ]
    )


def _products(services: Services, tenant: str, body: ReplenishmentOrderRequest) -> list[Product]:
    """The products named, or the catalogue's (at most MAX_PRODUCTS), read before anything
    is computed."""
    products = services.views.products
    if body.product_ids is not None:
        named = []
        for product_id in body.product_ids:
            product = products.get_product(tenant, product_id)
            if product is None:
                raise NotFound(f"product {product_id} not found", field="product_ids")
            named.append(product)
        return named
    found: list[Product] = []
    cursor = None
    while True:
        wanted = min(MAX_PAGE, MAX_PRODUCTS + 1 - len(found))
        page = products.list_products(tenant, wanted, cursor)
        found += page.items
        if len(found) > MAX_PRODUCTS:
            raise InvalidCommand(
                f"you have more than {MAX_PRODUCTS} products: name the products to order "
                f"(`product_ids`, at most {MAX_PRODUCTS} a request)",
                field="product_ids",
            )
        cursor = page.next_cursor
        if cursor is None:
            return found


def _require_warehouse(services: Services, tenant: str, warehouse_id: str, field: str) -> str:
    """The warehouse's kind, or NotFound naming `field` (another tenant's is not found)."""
    warehouse = services.views.get_warehouse(tenant, warehouse_id)
    if warehouse is None:
        raise NotFound(f"warehouse {warehouse_id} not found", field=field)
    return warehouse.kind
