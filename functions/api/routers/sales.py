"""/sales: a product's units sold, cancelled and returned, by day or month, summed over its
listings at a warehouse (a combined warehouse: over its members that include sales)."""

from datetime import timedelta
from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Query

from domain.errors import InvalidCommand, NotFound
from domain.sales.series import Granularity
from functions.api import contract
from functions.api.dependencies import CallerDep, ServicesDep
from functions.api.models.common import ID_PATTERN, IsoDate
from functions.api.routers import resource_router
from functions.shared.views.product_models import ProductSales

router = resource_router()
TAGS = ["sales"]
DEFAULT_DAYS = 30


@router.get(
    "/sales",
    tags=TAGS,
    summary="A product's sales by day or month",
    description="Units sold (on the purchase day, cancelled units left out), cancelled (on the "
    "day Amazon cancelled them), returned (on the return day) and net, per UTC day or calendar "
    "month from `from` to `to` (inclusive; default: the last 30 days), summed over the product's "
    "listings: at `warehouse_id` (an FBA or FBM warehouse, or a combined warehouse's members "
    "that include sales), or wherever it sells. At most two years by day, three by month. "
    + contract.EVENTUALLY_CONSISTENT,
    responses=contract.responses(200, "The product's sales", contract.ITEM_ERRORS),
)
def get_sales(
    product_id: Annotated[str, Query(pattern=ID_PATTERN, description="Product id")],
    caller: CallerDep,
    services: ServicesDep,
    warehouse_id: Annotated[str | None, Query(pattern=ID_PATTERN)] = None,
    start: Annotated[IsoDate | None, Query(alias="from", description="First day")] = None,
    end: Annotated[IsoDate | None, Query(alias="to", description="Last day")] = None,
    granularity: Annotated[Granularity, Query()] = Granularity.DAY,
) -> ProductSales:
    tenant = caller.tenant_id
    product = services.views.products.require(tenant, product_id)
    warehouses = None
    if warehouse_id is not None:
        if services.views.get_warehouse(tenant, warehouse_id) is None:
            raise NotFound(f"warehouse {warehouse_id} not found")
        warehouses = services.views.sales_warehouses(tenant, warehouse_id)
    last = end or services.aggregates.clock.now().date()
    first = start or last - timedelta(days=DEFAULT_DAYS - 1)
    try:
        sales = services.views.products.sales(tenant, product, warehouses, first, last, granularity)
    except InvalidCommand as refused:
        raise InvalidCommand(str(refused), field=f"query.{refused.field}") from None
    return sales.model_copy(update={"warehouse_id": warehouse_id})
