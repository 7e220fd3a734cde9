"""/forecasts: a product's expected sales at a warehouse, month by month."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Query

from domain.errors import NotFound
from functions.api import contract
from functions.api.dependencies import CallerDep, ServicesDep
from functions.api.models.common import ID_PATTERN
from functions.api.routers import resource_router
from functions.shared.views.planning_models import ProductForecast

router = resource_router()
TAGS = ["planning"]
Id = Annotated[str, Query(pattern=ID_PATTERN)]


@router.get(
    "/forecasts",
    tags=TAGS,
    summary="A product's forecast at a warehouse, for the next 12 months",
    description="By the product's forecast method (`PATCH /products/{id}`: `last_days`, "
    "`trend`, `seasonal`) from its sales there over the last two years, days out of stock left "
    "out of the velocity; months with a forecast edit show the edit (`edited`). "
    + contract.EVENTUALLY_CONSISTENT,
    responses=contract.responses(200, "The forecast", contract.ITEM_ERRORS),
)
def get_forecast(
    product_id: Id, warehouse_id: Id, caller: CallerDep, services: ServicesDep
) -> ProductForecast:
    tenant = caller.tenant_id
    views = services.views
    product = views.products.require(tenant, product_id)
    if views.get_warehouse(tenant, warehouse_id) is None:
        raise NotFound(f"warehouse {warehouse_id} not found")
    today = services.aggregates.clock.now().date()
    return views.planning.forecast(tenant, product, warehouse_id, today)
