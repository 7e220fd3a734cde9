"""/transfer-orders: units moving from one of the seller's warehouses to another or to FBA,
as a sales order out of the source and a purchase order into the destination. Created by the
user, or by reconciling an FBA shipment."""

from domain.errors import NotFound
from domain.orders.placing import CreateTransferOrder
from functions.api import contract
from functions.api.commands import save_to_amazon, stock_orders
from functions.api.dependencies import CallerDep, OnceDep, ServicesDep
from functions.api.models.amazon_jobs import SaveToAmazonAccepted, SaveToAmazonRequest
from functions.api.models.common import MAX_PAGE
from functions.api.models.orders import TransferOrderPage
from functions.api.models.stock_orders import (
    CreateTransferOrderRequest,
    ReceiptRequest,
    TransferOrderChanged,
    TransferOrderCreated,
)
from functions.api.routers import resource_router
from functions.api.routers.amazon_jobs import SAVE_DESCRIPTION, SAVE_RESPONSES
from functions.api.routers.params import Cursor, EntityId, IdempotencyKey, Limit
from functions.shared.views.order_models import TransferOrderDetail

router = resource_router()
TAGS = ["transfer orders"]


def _links_of(transfer_order_id: str) -> dict[str, contract.Link]:
    """Where a transfer order id returned by a command leads."""
    return {
        "GetTransferOrder": contract.link(
            "GET /transfer-orders/{transfer_order_id}",
            "The transfer order with its sales and purchase orders",
            transfer_order_id=transfer_order_id,
        ),
        "ShipTransferOrder": contract.link(
            "POST /transfer-orders/{transfer_order_id}/ship",
            "Mark it shipped: the goods left the source",
            transfer_order_id=transfer_order_id,
        ),
        "ReceiveTransferOrder": contract.link(
            "POST /transfer-orders/{transfer_order_id}/receipts",
            "Count units in at the destination (your own warehouses)",
            transfer_order_id=transfer_order_id,
        ),
    }


@router.post(
    "/transfer-orders",
    status_code=201,
    tags=TAGS,
    summary="Move stock from one of your warehouses to another, or to an FBA warehouse",
    description="Committed at the source and on order at the destination until shipped; in "
    "transit after. An FBA source, or a source equal to the destination, is 422; an unknown "
    "warehouse 404; a disabled one 409. Into an FBA warehouse the order stays open and unbound "
    "until a shipment is bound to it, and only Amazon receives it. " + contract.APPENDED,
    responses=contract.responses(
        201,
        "Transfer order created",
        contract.COMMAND_ERRORS,
        _links_of(contract.returned("transfer_order_id")),
    ),
)
def create(
    body: CreateTransferOrderRequest,
    caller: CallerDep,
    services: ServicesDep,
    once: OnceDep,
    idempotency_key: IdempotencyKey = None,
) -> TransferOrderCreated:
    def execute() -> TransferOrderCreated:
        new_id = services.aggregates.ids.new_id
        command = CreateTransferOrder(
            transfer_order_id=f"to-{new_id()}",
            sales_order_id=f"so-{new_id()}",
            purchase_order_id=f"po-{new_id()}",
            source_warehouse_id=body.source_warehouse_id,
            destination_warehouse_id=body.destination_warehouse_id,
            lines=tuple(line.to_domain() for line in body.lines),
        )
        created = stock_orders.create_transfer(services.aggregates, caller, command)
        return TransferOrderCreated(**created.__dict__)

    return once(idempotency_key, body.model_dump(mode="json"), execute, TransferOrderCreated)


@router.post(
    "/transfer-orders/<transfer_order_id>/ship",
    tags=TAGS,
    summary="Mark a transfer order shipped: the goods left the source",
    description="On hand drops at the source; the units go in transit to the destination. "
    "Shipping twice is a 409. " + contract.APPENDED,
    responses=contract.responses(
        200,
        "Shipped",
        contract.COMMAND_ERRORS,
        _links_of(contract.returned("transfer_order_id")),
    ),
)
def ship(
    transfer_order_id: EntityId,
    caller: CallerDep,
    services: ServicesDep,
    once: OnceDep,
    idempotency_key: IdempotencyKey = None,
) -> TransferOrderChanged:
    def execute() -> TransferOrderChanged:
        version = stock_orders.ship_transfer(services.aggregates, caller, transfer_order_id)
        return _changed(services, caller, transfer_order_id, version)

    return once(idempotency_key, {}, execute, TransferOrderChanged)


@router.post(
    "/transfer-orders/<transfer_order_id>/receipts",
    tags=TAGS,
    summary="Count a transfer's units in at your own destination warehouse",
    description="On hand rises at the destination (a ledger entry per SKU); units received "
    "beyond the plan left the source too. Into an FBA warehouse it is 409 "
    "`received_by_amazon`; before the transfer is shipped, 409. " + contract.APPENDED,
    responses=contract.responses(
        200,
        "Received",
        contract.COMMAND_ERRORS,
        _links_of(contract.returned("transfer_order_id")),
    ),
)
def receive(
    transfer_order_id: EntityId,
    body: ReceiptRequest,
    caller: CallerDep,
    services: ServicesDep,
    once: OnceDep,
    idempotency_key: IdempotencyKey = None,
) -> TransferOrderChanged:
    def execute() -> TransferOrderChanged:
        version = stock_orders.receive_transfer(
            services.aggregates, caller, transfer_order_id, body.units()
        )
        return _changed(services, caller, transfer_order_id, version)

    return once(idempotency_key, body.model_dump(mode="json"), execute, TransferOrderChanged)


def _changed(
    services: ServicesDep, caller: CallerDep, transfer_order_id: str, version: int
) -> TransferOrderChanged:
    transfer = stock_orders.transfer_of(services.aggregates, caller, transfer_order_id)
    return TransferOrderChanged(
        transfer_order_id=transfer_order_id,
        sales_order_id=transfer.sales_order_id,
        purchase_order_id=transfer.purchase_order_id,
        version=version,
    )


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
    page = services.views.orders.list_transfer_orders(caller.tenant_id, limit=limit, cursor=cursor)
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
    view = services.views.orders.get_transfer_order(caller.tenant_id, transfer_order_id)
    if view is None:
        raise NotFound(f"transfer order {transfer_order_id} not found")
    return view


@router.post(
    "/transfer-orders/<transfer_order_id>/save-to-amazon",
    status_code=202,
    tags=TAGS,
    summary="Save a transfer order into FBA to Amazon",
    description="Saves the transfer's inbound purchase order; `ship_from` defaults to the "
    "source warehouse's address (`PATCH /warehouses/{id}` sets it). " + SAVE_DESCRIPTION,
    responses=SAVE_RESPONSES,
)
def save_to_amazon_(
    transfer_order_id: EntityId,
    body: SaveToAmazonRequest,
    caller: CallerDep,
    services: ServicesDep,
    once: OnceDep,
    idempotency_key: IdempotencyKey = None,
) -> SaveToAmazonAccepted:
    def execute() -> SaveToAmazonAccepted:
        job = save_to_amazon.save_transfer_order(
            services.aggregates, services.amazon_jobs, caller, transfer_order_id, body
        )
        return SaveToAmazonAccepted.of(job)

    return once(idempotency_key, body.model_dump(mode="json"), execute, SaveToAmazonAccepted)
