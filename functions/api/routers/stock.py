"""/stock: figures per warehouse x SKU, now or as of any past instant, and their ledger."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Query

from functions.api import contract
from functions.api.dependencies import CallerDep, ServicesDep
from functions.api.models.common import ID_PATTERN, SKU_PATTERN
from functions.api.models.stock import Ledger, StockList
from functions.api.routers import resource_router
from functions.api.routers.params import Instant

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
    "as they stood then, folded from the ledger. " + contract.EVENTUALLY_CONSISTENT,
    responses=contract.responses(200, "Stock rows", contract.READ_ERRORS),
)
def get_stock(
    caller: CallerDep,
    services: ServicesDep,
    warehouse_id: Annotated[str | None, Query(pattern=ID_PATTERN)] = None,
    sku: Annotated[str | None, Query(pattern=SKU_PATTERN)] = None,
    as_of: Annotated[Instant | None, Query(description="ISO 8601 instant with offset")] = None,
) -> StockList:
    rows = services.views.get_stock(caller.tenant_id, warehouse_id, sku, as_of)
    return StockList(items=rows)


@router.get(
    "/stock/ledger",
    tags=TAGS,
    summary="Every movement of one warehouse x SKU, and its cause",
    description="Which shipment, order, count or Amazon report moved which figure, when, and "
    "who did it. " + contract.EVENTUALLY_CONSISTENT,
    responses=contract.responses(200, "Ledger entries, oldest first", contract.READ_ERRORS),
)
def get_ledger(
    warehouse_id: WarehouseFilter, sku: SkuFilter, caller: CallerDep, services: ServicesDep
) -> Ledger:
    entries = services.views.get_ledger(caller.tenant_id, warehouse_id, sku)
    return Ledger(
        warehouse_id=warehouse_id,
        sku=sku,
        entries=entries,
    )
