"""/sales-orders: the units leaving the source warehouse of a transfer."""

from domain.errors import NotFound
from functions.api import contract
from functions.api.commands.transfers import ship_sales_order
from functions.api.dependencies import CallerDep, OnceDep, ServicesDep
from functions.api.models.orders import SalesOrderStatusChanged, SalesOrderStatusRequest
from functions.api.routers import resource_router
from functions.api.routers.params import EntityId, IdempotencyKey
from functions.shared.views.order_models import SalesOrder

router = resource_router()
TAGS = ["transfer orders"]


@router.post(
    "/sales-orders/<sales_order_id>/status",
    tags=TAGS,
    summary="Mark the sales order shipped",
    description="The goods left: on hand drops at the source and the purchase order's units "
    "go in transit to Amazon. Shipping twice is a 409. " + contract.APPENDED,
    responses=contract.responses(
        200,
        "Status changed",
        contract.COMMAND_ERRORS,
        {
            "GetSalesOrder": contract.link(
                "GET /sales-orders/{sales_order_id}",
                "The sales order, shipped",
                sales_order_id=contract.returned("sales_order_id"),
            ),
            "GetPurchaseOrder": contract.link(
                "GET /purchase-orders/{purchase_order_id}",
                "Its purchase order, now in transit",
                purchase_order_id=contract.returned("purchase_order_id"),
            ),
            "GetHistory": contract.link(
                "GET /history/{kind}/{entity_id}",
                "Its audit trail",
                kind="sales-order",
                entity_id=contract.returned("sales_order_id"),
            ),
        },
    ),
)
def set_status(
    sales_order_id: EntityId,
    body: SalesOrderStatusRequest,
    caller: CallerDep,
    services: ServicesDep,
    once: OnceDep,
    idempotency_key: IdempotencyKey = None,
) -> SalesOrderStatusChanged:
    def execute() -> SalesOrderStatusChanged:
        shipped = ship_sales_order(services.aggregates, caller, sales_order_id)
        return SalesOrderStatusChanged(
            sales_order_id=sales_order_id,
            status="shipped",
            version=shipped.version,
            purchase_order_id=shipped.purchase_order_id,
        )

    return once(idempotency_key, body.model_dump(mode="json"), execute, SalesOrderStatusChanged)


@router.get(
    "/sales-orders/<sales_order_id>",
    tags=TAGS,
    summary="One sales order",
    description=contract.READ_YOUR_WRITES,
    responses=contract.responses(200, "The sales order", contract.READ_ONE_ERRORS),
)
def get_sales_order(
    sales_order_id: EntityId, caller: CallerDep, services: ServicesDep
) -> SalesOrder:
    view = services.views.orders.get_sales_order(caller.tenant_id, sales_order_id)
    if view is None:
        raise NotFound(f"sales order {sales_order_id} not found")
    return view
