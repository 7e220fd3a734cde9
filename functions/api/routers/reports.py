"""/reports: compare warehouses — how a product stands at each of a few warehouses, the
transfers that move surplus where it is needed, and transfer orders from them."""

from http import HTTPStatus
from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Query

from domain.errors import InvalidCommand, NotFound
from functions.api import contract
from functions.api.auth import Caller
from functions.api.commands.replenishment import Transfer, create_transfers
from functions.api.dependencies import CallerDep, OnceDep, ServicesDep
from functions.api.models.common import ID_PATTERN
from functions.api.models.replenishment import (
    CompareTransferOrders,
    CompareTransferOrdersRequest,
    TransferCreated,
)
from functions.api.routers import resource_router
from functions.api.routers.params import IdempotencyKey
from functions.api.wiring import Services
from functions.shared.views.replenishment_models import WarehouseComparisonReport

router = resource_router()
TAGS = ["planning"]
MIN_WAREHOUSES, MAX_WAREHOUSES = 2, 10
UNPROCESSABLE = HTTPStatus.UNPROCESSABLE_ENTITY
WAREHOUSE_IDS = r"^[A-Za-z0-9_.:-]{1,128}(,[A-Za-z0-9_.:-]{1,128}){1,9}$"
ProductParam = Annotated[str, Query(pattern=ID_PATTERN, description="Product id")]
WarehouseIds = Annotated[
    str,
    Query(
        pattern=WAREHOUSE_IDS,
        max_length=1300,
        description=f"{MIN_WAREHOUSES}-{MAX_WAREHOUSES} warehouse ids, comma separated, each once",
    ),
]


@router.get(
    "/reports/compare-warehouses",
    tags=TAGS,
    summary="A product at 2-10 warehouses, and the transfers that balance them",
    description="Per warehouse (in the order asked for): available (on hand - committed), "
    "incoming (for planning), the forecast over its planning period (lead time + days of "
    "stock), days of stock left, replenishment and `to_order`; `spare` (what it holds beyond "
    "its own need) and `short`. Transfers move spare units to the largest shortfall first, "
    "from own and FBM warehouses only (where a transfer can start); a source never goes below "
    "its own planning-period need and incoming units are never moved. 404 for an unknown "
    "product or warehouse; a warehouse named twice is 422 (`query.warehouse_ids`). "
    + contract.EVENTUALLY_CONSISTENT,
    responses=contract.responses(200, "The comparison", contract.ITEM_ERRORS),
)
def compare_warehouses(
    product_id: ProductParam, warehouse_ids: WarehouseIds, caller: CallerDep, services: ServicesDep
) -> WarehouseComparisonReport:
    tenant = caller.tenant_id
    views = services.views
    wanted = warehouse_ids.split(",")
    if len(set(wanted)) != len(wanted):
        raise InvalidCommand("name each warehouse once", field="query.warehouse_ids")
    product = views.products.get_product(tenant, product_id)
    if product is None:
        raise NotFound(f"product {product_id} not found", field="query.product_id")
    warehouses = []
    for warehouse_id in wanted:
        warehouse = views.get_warehouse(tenant, warehouse_id)
        if warehouse is None:
            raise NotFound(f"warehouse {warehouse_id} not found", field="query.warehouse_ids")
        warehouses.append((warehouse_id, warehouse.kind))
    now = services.aggregates.clock.now()
    return views.replenishment.compare(tenant, product, warehouses, now)


@router.post(
    "/reports/compare-warehouses/transfer-orders",
    status_code=201,
    tags=TAGS,
    summary="Transfer orders from chosen compare-warehouses recommendations",
    description="One transfer order of the product's SKU per transfer, by the rules of POST "
    "/transfer-orders (the source one of your own warehouses, not the destination; 422 "
    "naming `transfers.N.source_warehouse_id` or `...destination_warehouse_id` otherwise, 404 "
    "for an unknown one). All are created together, or none. " + contract.APPENDED,
    responses=contract.responses(
        201,
        "Transfer orders created",
        contract.COMMAND_ERRORS,
        {
            "GetTransferOrder": contract.link(
                "GET /transfer-orders/{transfer_order_id}",
                "The first transfer order",
                transfer_order_id=contract.returned("transfer_orders/0/transfer_order_id"),
            )
        },
    ),
)
def create_transfer_orders(
    body: CompareTransferOrdersRequest,
    caller: CallerDep,
    services: ServicesDep,
    once: OnceDep,
    idempotency_key: IdempotencyKey = None,
) -> CompareTransferOrders:
    def execute() -> CompareTransferOrders:
        return _transfer(services, caller, body)

    return once(idempotency_key, body.model_dump(mode="json"), execute, CompareTransferOrders)


def _transfer(
    services: Services, caller: Caller, body: CompareTransferOrdersRequest
) -> CompareTransferOrders:
    product = services.views.products.get_product(caller.tenant_id, body.product_id)
    if product is None:
        raise NotFound(f"product {body.product_id} not found", field="product_id")
    wanted = [
        Transfer(t.source_warehouse_id, t.destination_warehouse_id, t.quantity)
        for t in body.transfers
    ]
    created = create_transfers(services.aggregates, caller, product.sku, wanted)
    return CompareTransferOrders(
        transfer_orders=[
            TransferCreated(
                transfer_order_id=made.command.transfer_order_id,
                sales_order_id=made.command.sales_order_id,
                purchase_order_id=made.command.purchase_order_id,
                source_warehouse_id=made.command.source_warehouse_id,
                destination_warehouse_id=made.command.destination_warehouse_id,
                quantity=made.command.lines[0].quantity,
                version=made.version,
            )
            for made in created
        ]
    )
