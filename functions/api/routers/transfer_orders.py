"""/transfer-orders: a reconciled shipment's sales order out and purchase order in."""

from domain.errors import NotFound
from functions.api import contract
from functions.api.dependencies import CallerDep, ServicesDep
from functions.api.models.common import MAX_PAGE
from functions.api.models.orders import TransferOrderPage
from functions.api.routers import resource_router
from functions.api.routers.params import Cursor, EntityId, Limit
from functions.shared.views.models import TransferOrderDetail

router = resource_router()
TAGS = ["transfer orders"]


@router.get(
    "/transfer-orders",
    tags=TAGS,
    summary="Transfer orders, newest first",
    description=contract.EVENTUALLY_CONSISTENT,
    responses=contract.responses(
        200,
        "A page of transfer orders",
        contract.READ_ERRORS,
        {
            "GetTransferOrder": contract.link(
                "GET /transfer-orders/{transfer_order_id}",
                "The first transfer order",
                transfer_order_id=contract.returned("items/0/transfer_order_id"),
            )
        },
    ),
)
def list_transfer_orders(
    caller: CallerDep, services: ServicesDep, limit: Limit = MAX_PAGE // 2, cursor: Cursor = None
) -> TransferOrderPage:
    page = services.views.list_transfer_orders(caller.tenant_id, limit=limit, cursor=cursor)
    return TransferOrderPage(items=page.items, next_cursor=page.next_cursor)


@router.get(
    "/transfer-orders/<transfer_order_id>",
    tags=TAGS,
    summary="One transfer order with its sales order, purchase order and shipment",
    description=contract.READ_YOUR_WRITES,
    responses=contract.responses(
        200,
        "The transfer order",
        contract.READ_ONE_ERRORS,
        {
            "GetSalesOrder": contract.link(
                "GET /sales-orders/{sales_order_id}",
                "Its sales order",
                sales_order_id=contract.returned("sales_order_id"),
            ),
            "GetPurchaseOrder": contract.link(
                "GET /purchase-orders/{purchase_order_id}",
                "Its purchase order",
                purchase_order_id=contract.returned("purchase_order_id"),
            ),
            "AcknowledgeDiscrepancy": contract.link(
                "POST /purchase-orders/{purchase_order_id}/acknowledge-discrepancy",
                "Write off its purchase order's discrepancy, once closed",
                purchase_order_id=contract.returned("purchase_order_id"),
            ),
        },
    ),
)
def get_transfer_order(
    transfer_order_id: EntityId, caller: CallerDep, services: ServicesDep
) -> TransferOrderDetail:
    view = services.views.get_transfer_order(caller.tenant_id, transfer_order_id)
    if view is None:
        raise NotFound(f"transfer order {transfer_order_id} not found")
    return view
