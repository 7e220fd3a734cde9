"""/stock: figures per warehouse x SKU, now or as of any past instant, and their ledger."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Query

from functions.api import contract
from functions.api.dependencies import CallerDep, ServicesDep
from functions.api.models.common import ID_PATTERN, MAX_PAGE, SKU_PATTERN
from functions.api.models.stock import Ledger, StockList
from functions.api.routers import resource_router
from functions.api.routers.params import Cursor, Instant, Limit

router = resource_router()
TAGS = ["stock"]
WarehouseFilter = Annotated[str, Query(pattern=ID_PATTERN, description="Warehouse id")]
SkuFilter = Annotated[str, Query(pattern=SKU_PATTERN, description="Seller SKU")]


@router.get(
    "/stock",
    tags=TAGS,
    summary="Stock per warehouse x SKU, now or as of an instant",
    description="On hand, committed, in transit, on order, receiving and discrepancy, plus "
    "Amazon's own figures for FBA warehouses. With `as_of` (ISO 8601 with offset), the figures "
    "as they stood then, folded from the ledger. Rows come in (warehouse, SKU) order, a page at "
    "a time: follow `next_cursor`. " + contract.EVENTUALLY_CONSISTENT,
    responses=contract.responses(200, "Stock rows", contract.READ_ERRORS),
)
def get_stock(
    caller: CallerDep,
    services: ServicesDep,
    warehouse_id: Annotated[str | None, Query(pattern=ID_PATTERN)] = None,
    sku: Annotated[str | None, Query(pattern=SKU_PATTERN)] = None,
    as_of: Annotated[Instant | None, Query(description="ISO 8601 instant with offset")] = None,
    limit: Limit = MAX_PAGE,
    cursor: Cursor = None,
) -> StockList:
    now = services.aggregates.clock.now()
    page = services.views.get_stock(
        caller.tenant_id, warehouse_id, sku, as_of, limit, cursor, now=now
    )
    return StockList(items=page.items, next_cursor=page.next_cursor)


@router.get(
    "/stock/ledger",
    tags=TAGS,
    summary="Every movement of one warehouse x SKU, and its cause",
    description="Which shipment, order, count or Amazon report moved which figure, when, and "
    "who did it; oldest first, a page at a time (follow `next_cursor`; each page's running "
    "`on_hand_after` continues the previous page's). " + contract.EVENTUALLY_CONSISTENT,
    responses=contract.responses(200, "Ledger entries, oldest first", contract.READ_ERRORS),
)
def get_ledger(
    warehouse_id: WarehouseFilter,
    sku: SkuFilter,
    caller: CallerDep,
    services: ServicesDep,
    limit: Limit = MAX_PAGE,
    cursor: Cursor = None,
) -> Ledger:
    page = services.views.get_ledger(caller.tenant_id, warehouse_id, sku, limit, cursor)
    return Ledger(
        warehouse_id=warehouse_id, sku=sku, entries=page.items, next_cursor=page.next_cursor
    )
