"""/stock: figures per warehouse x SKU, now or as of any past instant, their ledger, and where
they drift from Amazon's own."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Query

from domain.errors import InvalidCommand, NotFound
from domain.planning import MAX_DRIFT_TOLERANCE
from domain.warehouse import WarehouseKind
from functions.api import contract
from functions.api.commands.settings import planning_settings
from functions.api.dependencies import CallerDep, ServicesDep
from functions.api.models.common import ID_PATTERN, MAX_PAGE, SKU_PATTERN
from functions.api.models.stock import DriftList, Ledger, StockList
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


@router.get(
    "/stock/drift",
    tags=TAGS,
    summary="Where our stock and Amazon's own figures differ, per SKU of an FBA warehouse",
    description="Each SKU whose on hand (ours vs Amazon's fulfillable + reserved + "
    "unfulfillable + researching) or inbound (our in transit + receiving vs Amazon's inbound "
    "shipped + receiving) differs beyond the tolerance in Amazon's latest reports, each "
    "compared with our ledger as of the report: since when, in how many reports in a row, and "
    "the last entries on each side. An on-hand difference that stays the same past two reads "
    "is booked as an `amazon_adjustment` ledger entry (and no longer drifts); inbound never "
    "is. The tolerance is the planning setting `drift_tolerance_units` unless `tolerance` is "
    "given. SKUs come in order, a page of stock rows at a time (a page may list fewer: follow "
    "`next_cursor`). 404: unknown warehouse; 422: not an FBA warehouse. "
    + contract.EVENTUALLY_CONSISTENT,
    responses=contract.responses(200, "The drifting figures", contract.READ_ONE_ERRORS),
)
def get_drift(
    warehouse_id: WarehouseFilter,
    caller: CallerDep,
    services: ServicesDep,
    tolerance: Annotated[
        int | None,
        Query(ge=0, le=MAX_DRIFT_TOLERANCE, description="Units of difference tolerated"),
    ] = None,
    limit: Limit = MAX_PAGE,
    cursor: Cursor = None,
) -> DriftList:
    warehouse = services.views.get_warehouse(caller.tenant_id, warehouse_id)
    if warehouse is None:
        raise NotFound(f"warehouse {warehouse_id} not found")
    if warehouse.kind != WarehouseKind.FBA.value:
        raise InvalidCommand(
            f"warehouse {warehouse_id} is not an FBA warehouse: only Amazon reports its stock",
            field="query.warehouse_id",
        )
    if tolerance is None:
        tolerance = planning_settings(services.aggregates, caller)[0].drift_tolerance_units
    page = services.views.get_drift(caller.tenant_id, warehouse_id, tolerance, limit, cursor)
    return DriftList(
        warehouse_id=warehouse_id,
        tolerance=tolerance,
        items=page.items,
        next_cursor=page.next_cursor,
    )
