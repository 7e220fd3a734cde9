"""/purchase-orders: units going into a warehouse, from a vendor or as the inbound half of a
transfer; received by the user into their own warehouses, by Amazon into FBA."""

from enum import StrEnum
from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Query

from domain.errors import NotFound
from domain.messages import Command
from domain.orders import purchase_order as po
from domain.orders.placing import PlacePurchaseOrder
from functions.api import contract
from functions.api.commands import save_to_amazon, stock_orders
from functions.api.commands.transfers import acknowledge_discrepancy
from functions.api.dependencies import CallerDep, OnceDep, ServicesDep
from functions.api.models.amazon_jobs import SaveToAmazonAccepted, SaveToAmazonRequest
from functions.api.models.common import MAX_PAGE, SKU_PATTERN, IsoDate
from functions.api.models.orders import DiscrepancyAcknowledged, WrittenOffLine
from functions.api.models.stock_orders import (
    ChangePurchaseOrderRequest,
    CreatePurchaseOrderRequest,
    PurchaseOrderPage,
    PurchaseOrderResult,
    ReceiptRequest,
    SetSourceRequest,
    SetSourceResult,
    SetSourceResults,
)
from functions.api.routers import resource_router
from functions.api.routers.amazon_jobs import SAVE_DESCRIPTION, SAVE_RESPONSES
from functions.api.routers.params import Cursor, EntityId, IdempotencyKey, Limit
from functions.shared.views.order_models import PurchaseOrder
from functions.shared.views.order_queries import PurchaseOrderFilters

router = resource_router()
TAGS = ["purchase orders"]

Status = StrEnum("Status", {s.value: s.value for s in po.PurchaseOrderStatus})  # type: ignore[misc]
SourceType = StrEnum("SourceType", {s.value: s.value for s in po.SourceType})  # type: ignore[misc]
FilterId = Annotated[str | None, Query(pattern=r"^[A-Za-z0-9_.:-]{1,128}$")]
FilterDate = Annotated[IsoDate | None, Query(description="ISO date, e.g. 2026-12-24")]


def _links_of(purchase_order_id: str) -> dict[str, contract.Link]:
    """Where a purchase order id returned by a command leads."""
    return {
        "GetPurchaseOrder": contract.link(
            "GET /purchase-orders/{purchase_order_id}",
            "The purchase order",
            purchase_order_id=purchase_order_id,
        ),
        "ReceivePurchaseOrder": contract.link(
            "POST /purchase-orders/{purchase_order_id}/receipts",
            "Count units in (your own warehouses)",
            purchase_order_id=purchase_order_id,
        ),
        "GetHistory": contract.link(
            "GET /history/{kind}/{entity_id}",
            "Its audit trail",
            kind="purchase-order",
            entity_id=purchase_order_id,
        ),
    }


COMMAND_RESPONSES = contract.responses(
    200,
    "Done",
    contract.COMMAND_ERRORS,
    _links_of(contract.returned("purchase_order_id")),
)


@router.post(
    "/purchase-orders",
    status_code=201,
    tags=TAGS,
    summary="Order from a vendor into one of your warehouses or an FBA warehouse",
    description="On order at the destination until received. Into an FBA warehouse the order "
    "stays open and unbound until a shipment is bound to it (reconcile, or Save to Amazon): "
    "only Amazon receives it. 404 for an unknown vendor or warehouse, 409 for a disabled "
    "destination. " + contract.APPENDED,
    responses=contract.responses(
        201,
        "Purchase order created",
        contract.COMMAND_ERRORS,
        _links_of(contract.returned("purchase_order_id")),
    ),
)
def create(
    body: CreatePurchaseOrderRequest,
    caller: CallerDep,
    services: ServicesDep,
    once: OnceDep,
    idempotency_key: IdempotencyKey = None,
) -> PurchaseOrderResult:
    def execute() -> PurchaseOrderResult:
        command = PlacePurchaseOrder(
            purchase_order_id=f"po-{services.aggregates.ids.new_id()}",
            vendor_id=body.vendor_id,
            destination_warehouse_id=body.destination_warehouse_id,
            lines=tuple(line.to_domain() for line in body.lines),
            reference=body.reference,
            expected_date=body.expected_date,
        )
        after = stock_orders.place(services.aggregates, caller, command)
        return _result(command.purchase_order_id, after)

    return once(idempotency_key, body.model_dump(mode="json"), execute, PurchaseOrderResult)


@router.post(
    "/purchase-orders/set-source",
    tags=TAGS,
    summary="Name the source warehouse of imported purchase orders (up to 500 at once)",
    description="Each unknown-source purchase order bound to an FBA shipment becomes the "
    "inbound half of a transfer from that warehouse, with the ledger a reconcile from there "
    "would have made: committed at the source until Amazon shows the goods left, then leaving "
    "it as of that observation. Every id gets its own result (`ok`, or an error `code` and "
    "`message`); one refused holds no other back. Setting the same source again is `ok` and "
    "changes nothing. Start from `GET /purchase-orders?source_type=unknown`. " + contract.APPENDED,
    responses=contract.responses(
        200,
        "One result per id",
        contract.COMMAND_ERRORS,
        {
            "GetTransferOrder": contract.link(
                "GET /transfer-orders/{transfer_order_id}",
                "The transfer the first order became (when ok)",
                transfer_order_id=contract.returned("results/0/transfer_order_id"),
            ),
            "GetPurchaseOrder": contract.link(
                "GET /purchase-orders/{purchase_order_id}",
                "The first order",
                purchase_order_id=contract.returned("results/0/purchase_order_id"),
            ),
        },
    ),
)
def set_source(
    body: SetSourceRequest,
    caller: CallerDep,
    services: ServicesDep,
    once: OnceDep,
    idempotency_key: IdempotencyKey = None,
) -> SetSourceResults:
    def execute() -> SetSourceResults:
        done = stock_orders.set_sources(
            services.aggregates, caller, body.purchase_order_ids, body.source_warehouse_id
        )
        return SetSourceResults(
            results=[
                SetSourceResult(
                    purchase_order_id=d.purchase_order_id,
                    result="ok",
                    transfer_order_id=d.transfer_order_id,
                )
                if d.error is None
                else SetSourceResult(
                    purchase_order_id=d.purchase_order_id,
                    result="error",
                    code=d.error.code,
                    message=str(d.error),
                )
                for d in done
            ]
        )

    return once(idempotency_key, body.model_dump(mode="json"), execute, SetSourceResults)


@router.get(
    "/purchase-orders",
    tags=TAGS,
    summary="Purchase orders, newest first, filtered",
    description="Every filter given must match. `expected_before`/`expected_after` are "
    "exclusive and leave out orders with no expected date. " + contract.EVENTUALLY_CONSISTENT,
    responses=contract.responses(
        200,
        "A page of purchase orders",
        contract.READ_ERRORS,
        {
            "GetPurchaseOrder": contract.link(
                "GET /purchase-orders/{purchase_order_id}",
                "The first purchase order",
                purchase_order_id=contract.returned("items/0/purchase_order_id"),
            )
        },
    ),
)
def list_purchase_orders(
    caller: CallerDep,
    services: ServicesDep,
    status: Annotated[Status | None, Query()] = None,
    vendor_id: FilterId = None,
    destination_warehouse_id: FilterId = None,
    source_type: Annotated[SourceType | None, Query()] = None,
    sku: Annotated[str | None, Query(pattern=SKU_PATTERN)] = None,
    expected_before: FilterDate = None,
    expected_after: FilterDate = None,
    limit: Limit = MAX_PAGE // 2,
    cursor: Cursor = None,
) -> PurchaseOrderPage:
    filters = PurchaseOrderFilters(
        status=status.value if status else None,
        vendor_id=vendor_id,
        destination_warehouse_id=destination_warehouse_id,
        source_type=source_type.value if source_type else None,
        sku=sku,
        expected_before=expected_before,
        expected_after=expected_after,
    )
    page = services.views.orders.list_purchase_orders(caller.tenant_id, filters, limit, cursor)
    return PurchaseOrderPage(items=page.items, next_cursor=page.next_cursor)


@router.patch(
    "/purchase-orders/<purchase_order_id>",
    tags=TAGS,
    summary="Change an open purchase order's lines, expected date or reference",
    description="Only the fields sent change; `lines` replaces them all. Only while the order "
    "is open with nothing received and not locked: an order bound to an FBA shipment is 409 "
    "`order_locked` (edit it in Seller Central; changes sync back). Two edits of one order at "
    "once: one wins, the other is 409 `concurrency_conflict` (read it again, then retry). "
    + contract.APPENDED,
    responses=COMMAND_RESPONSES,
)
def change(
    purchase_order_id: EntityId,
    body: ChangePurchaseOrderRequest,
    caller: CallerDep,
    services: ServicesDep,
    once: OnceDep,
    idempotency_key: IdempotencyKey = None,
) -> PurchaseOrderResult:
    def execute() -> PurchaseOrderResult:
        command = po.EditPurchaseOrder(
            purchase_order_id=purchase_order_id,
            lines=None if body.lines is None else tuple(line.to_domain() for line in body.lines),
            reference=body.reference,
            expected_date=body.expected_date,
        )
        return _result(purchase_order_id, stock_orders.edit(services.aggregates, caller, command))

    return once(idempotency_key, body.model_dump(mode="json"), execute, PurchaseOrderResult)


@router.post(
    "/purchase-orders/<purchase_order_id>/receipts",
    tags=TAGS,
    summary="Count units in at your own warehouse",
    description="On hand rises at the destination (a ledger entry per SKU) and on order falls. "
    "Partial, over and unplanned receipts are accepted. An order into an FBA warehouse is 409 "
    "`received_by_amazon`; a closed or cancelled one 409. " + contract.APPENDED,
    responses=COMMAND_RESPONSES,
)
def receive(
    purchase_order_id: EntityId,
    body: ReceiptRequest,
    caller: CallerDep,
    services: ServicesDep,
    once: OnceDep,
    idempotency_key: IdempotencyKey = None,
) -> PurchaseOrderResult:
    def execute() -> PurchaseOrderResult:
        after = stock_orders.receive(services.aggregates, caller, purchase_order_id, body.units())
        return _result(purchase_order_id, after)

    return once(idempotency_key, body.model_dump(mode="json"), execute, PurchaseOrderResult)


@router.post(
    "/purchase-orders/<purchase_order_id>/close",
    tags=TAGS,
    summary="Close a purchase order: nothing more will come",
    description="What is still missing becomes the discrepancy (acknowledge it to write it "
    "off). An order into an FBA warehouse is 409 `received_by_amazon` (Amazon closes it with "
    "its shipment). " + contract.APPENDED,
    responses=COMMAND_RESPONSES,
)
def close(
    purchase_order_id: EntityId,
    caller: CallerDep,
    services: ServicesDep,
    once: OnceDep,
    idempotency_key: IdempotencyKey = None,
) -> PurchaseOrderResult:
    command = po.CloseReceiving(
        purchase_order_id=purchase_order_id, closed_at=services.aggregates.clock.now()
    )
    return _act(purchase_order_id, command, caller, services, once, idempotency_key)


@router.post(
    "/purchase-orders/<purchase_order_id>/cancel",
    tags=TAGS,
    summary="Cancel a purchase order nothing was received on",
    description="Its units are no longer on order. 409 once anything was received (close it "
    "instead), for a locked order (`order_locked`) and for the inbound half of a transfer. "
    + contract.APPENDED,
    responses=COMMAND_RESPONSES,
)
def cancel(
    purchase_order_id: EntityId,
    caller: CallerDep,
    services: ServicesDep,
    once: OnceDep,
    idempotency_key: IdempotencyKey = None,
) -> PurchaseOrderResult:
    command = po.WithdrawPurchaseOrder(
        purchase_order_id=purchase_order_id, reason=f"cancelled by {caller.actor}"
    )
    return _act(purchase_order_id, command, caller, services, once, idempotency_key)


def _act(
    purchase_order_id: str,
    command: Command,
    caller: CallerDep,
    services: ServicesDep,
    once: OnceDep,
    idempotency_key: str | None,
) -> PurchaseOrderResult:
    """Close or cancel, at most once per Idempotency-Key."""

    def execute() -> PurchaseOrderResult:
        after = stock_orders.act_on_order(services.aggregates, caller, purchase_order_id, command)
        return _result(purchase_order_id, after)

    return once(idempotency_key, {}, execute, PurchaseOrderResult)


def _result(purchase_order_id: str, after: stock_orders.OrderAfter) -> PurchaseOrderResult:
    return PurchaseOrderResult(
        purchase_order_id=purchase_order_id, status=after.status.value, version=after.version
    )


@router.post(
    "/purchase-orders/<purchase_order_id>/acknowledge-discrepancy",
    tags=TAGS,
    summary="Acknowledge a closed purchase order's discrepancy",
    description="Writes off what Amazon received short (or over) at close, so it no longer "
    "shows as a discrepancy. 409 when the order is not closed or has none. " + contract.APPENDED,
    responses=contract.responses(
        200,
        "Discrepancy written off",
        contract.COMMAND_ERRORS,
        {
            "GetPurchaseOrder": contract.link(
                "GET /purchase-orders/{purchase_order_id}",
                "The purchase order, its discrepancy written off",
                purchase_order_id=contract.returned("purchase_order_id"),
            ),
            "GetHistory": contract.link(
                "GET /history/{kind}/{entity_id}",
                "Its audit trail",
                kind="purchase-order",
                entity_id=contract.returned("purchase_order_id"),
            ),
        },
    ),
)
def acknowledge(
    purchase_order_id: EntityId,
    caller: CallerDep,
    services: ServicesDep,
    once: OnceDep,
    idempotency_key: IdempotencyKey = None,
) -> DiscrepancyAcknowledged:
    def execute() -> DiscrepancyAcknowledged:
        written, version = acknowledge_discrepancy(services.aggregates, caller, purchase_order_id)
        return DiscrepancyAcknowledged(
            purchase_order_id=purchase_order_id,
            version=version,
            written_off=[WrittenOffLine(sku=line.sku, quantity=line.quantity) for line in written],
        )

    return once(idempotency_key, {}, execute, DiscrepancyAcknowledged)


@router.get(
    "/purchase-orders/<purchase_order_id>",
    tags=TAGS,
    summary="One purchase order, with what was received and any discrepancy",
    description=contract.READ_YOUR_WRITES,
    responses=contract.responses(200, "The purchase order", contract.READ_ONE_ERRORS),
)
def get_purchase_order(
    purchase_order_id: EntityId, caller: CallerDep, services: ServicesDep
) -> PurchaseOrder:
    view = services.views.orders.get_purchase_order(caller.tenant_id, purchase_order_id)
    if view is None:
        raise NotFound(f"purchase order {purchase_order_id} not found")
    return view


@router.post(
    "/purchase-orders/<purchase_order_id>/save-to-amazon",
    status_code=202,
    tags=TAGS,
    summary="Save a purchase order into FBA to Amazon",
    description=SAVE_DESCRIPTION,
    responses=SAVE_RESPONSES,
)
def save_to_amazon_(
    purchase_order_id: EntityId,
    body: SaveToAmazonRequest,
    caller: CallerDep,
    services: ServicesDep,
    once: OnceDep,
    idempotency_key: IdempotencyKey = None,
) -> SaveToAmazonAccepted:
    def execute() -> SaveToAmazonAccepted:
        job = save_to_amazon.save_purchase_order(
            services.aggregates, services.amazon_jobs, caller, purchase_order_id, body
        )
        return SaveToAmazonAccepted.of(job)

    return once(idempotency_key, body.model_dump(mode="json"), execute, SaveToAmazonAccepted)
