"""/inbound-shipments: what the sync found in Amazon, and reconciling it into orders."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Query

from domain.errors import NotFound
from functions.api import contract
from functions.api.commands.transfers import (
    reconcile_from_vendor,
    reconcile_shipment,
    reconcile_to_order,
)
from functions.api.dependencies import CallerDep, OnceDep, ServicesDep
from functions.api.models.common import ID_PATTERN, MAX_PAGE
from functions.api.models.shipments import (
    Reconciled,
    ReconcileRequest,
    ShipmentPage,
)
from functions.api.routers import resource_router
from functions.api.routers.params import Cursor, EntityId, IdempotencyKey, Limit
from functions.shared.views.order_models import PlanDifference
from functions.shared.views.shipment_models import ShipmentDetail

router = resource_router()
TAGS = ["inbound shipments"]
RECONCILED_LINKS = {
    "GetTransferOrder": contract.link(
        "GET /transfer-orders/{transfer_order_id}",
        "The transfer order created",
        transfer_order_id=contract.returned("transfer_order_id"),
    ),
    "GetSalesOrder": contract.link(
        "GET /sales-orders/{sales_order_id}",
        "Its sales order",
        sales_order_id=contract.returned("sales_order_id"),
    ),
    "ShipSalesOrder": contract.link(
        "POST /sales-orders/{sales_order_id}/status",
        "Mark its sales order shipped",
        sales_order_id=contract.returned("sales_order_id"),
    ),
    "GetPurchaseOrder": contract.link(
        "GET /purchase-orders/{purchase_order_id}",
        "Its purchase order",
        purchase_order_id=contract.returned("purchase_order_id"),
    ),
    "GetShipment": contract.link(
        "GET /inbound-shipments/{shipment_id}",
        "The shipment, now reconciled",
        shipment_id=contract.returned("shipment_id"),
    ),
    "GetHistory": contract.link(
        "GET /history/{kind}/{entity_id}",
        "The transfer order's audit trail",
        kind="transfer-order",
        entity_id=contract.returned("transfer_order_id"),
    ),
}


@router.post(
    "/inbound-shipments/<shipment_id>/reconcile",
    status_code=201,
    tags=TAGS,
    summary="Reconcile a shipment: from a source warehouse, onto a purchase order, or from a "
    "vendor",
    description="Exactly one of: `source_warehouse_id` creates, atomically, a transfer order, a "
    "sales order (units committed at the source warehouse) and a purchase order (units on order "
    "at the marketplace's FBA warehouse); `purchase_order_id` binds the shipment to that open "
    "purchase order into the marketplace's FBA warehouse (lines matched by SKU, the differences "
    "from Amazon's plan listed here and on the order, which follows the plan from now on; a "
    "transfer's order brings its transfer and sales order along); `vendor_id` creates a "
    "purchase order from that vendor straight to FBA (no sales order). None or several: 422. "
    "Reconciling twice is a 409. " + contract.APPENDED,
    responses=contract.responses(201, "Orders created", contract.COMMAND_ERRORS, RECONCILED_LINKS),
)
def reconcile(
    shipment_id: EntityId,
    body: ReconcileRequest,
    caller: CallerDep,
    services: ServicesDep,
    once: OnceDep,
    idempotency_key: IdempotencyKey = None,
) -> Reconciled:
    def execute() -> Reconciled:
        aggregates = services.aggregates
        if body.source_warehouse_id is not None:
            done = reconcile_shipment(aggregates, caller, shipment_id, body.source_warehouse_id)
        elif body.purchase_order_id is not None:
            done = reconcile_to_order(aggregates, caller, shipment_id, body.purchase_order_id)
        else:
            assert body.vendor_id is not None  # exactly one is given (the request model)
            done = reconcile_from_vendor(aggregates, caller, shipment_id, body.vendor_id)
        return Reconciled(
            shipment_id=shipment_id,
            transfer_order_id=done.transfer_order_id,
            sales_order_id=done.sales_order_id,
            purchase_order_id=done.purchase_order_id,
            shipment_version=done.shipment_version,
            differences=[
                PlanDifference(sku=c.sku, ordered=c.from_quantity, planned=c.to_quantity)
                for c in done.differences
            ],
        )

    return once(idempotency_key, body.model_dump(mode="json"), execute, Reconciled)


FilterId = Annotated[str | None, Query(pattern=ID_PATTERN)]


@router.get(
    "/inbound-shipments",
    tags=TAGS,
    summary="Inbound shipments found in Amazon, newest first",
    description="Filter by Amazon `status` (e.g. WORKING, SHIPPED, RECEIVING, CLOSED), by "
    "whether they are `reconciled`, by `connection_id` or `marketplace_id`. "
    + contract.EVENTUALLY_CONSISTENT,
    responses=contract.responses(
        200,
        "A page of shipments",
        contract.READ_ERRORS,
        {
            "GetShipment": contract.link(
                "GET /inbound-shipments/{shipment_id}",
                "The first shipment",
                shipment_id=contract.returned("items/0/shipment_id"),
            ),
            "Reconcile": contract.link(
                "POST /inbound-shipments/{shipment_id}/reconcile",
                "Reconcile the first shipment",
                shipment_id=contract.returned("items/0/shipment_id"),
            ),
        },
    ),
)
def list_shipments(
    caller: CallerDep,
    services: ServicesDep,
    status: Annotated[str | None, Query(pattern=r"^[A-Z_]{1,32}$")] = None,
    reconciled: Annotated[bool | None, Query()] = None,
    connection_id: FilterId = None,
    marketplace_id: FilterId = None,
    limit: Limit = MAX_PAGE // 2,
    cursor: Cursor = None,
) -> ShipmentPage:
    page = services.views.orders.list_shipments(
        caller.tenant_id,
        status=status,
        reconciled=reconciled,
        connection_id=connection_id,
        marketplace_id=marketplace_id,
        limit=limit,
        cursor=cursor,
    )
    return ShipmentPage(items=page.items, next_cursor=page.next_cursor)


@router.get(
    "/inbound-shipments/<shipment_id>",
    tags=TAGS,
    summary="One inbound shipment with its lines and status history",
    description=contract.READ_YOUR_WRITES,
    responses=contract.responses(200, "The shipment", contract.READ_ONE_ERRORS),
)
def get_shipment(shipment_id: EntityId, caller: CallerDep, services: ServicesDep) -> ShipmentDetail:
    view = services.views.orders.get_shipment(caller.tenant_id, shipment_id)
    if view is None:
        raise NotFound(f"inbound shipment {shipment_id} not found")
    return view
