"""/assembly-orders: assemblies made at one of your own (or manual) warehouses from the
components of their bill of materials."""

from enum import StrEnum
from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Query

from domain.errors import NotFound
from domain.orders import assembly_order as ao
from functions.api import contract
from functions.api.commands import assembly_orders
from functions.api.dependencies import CallerDep, OnceDep, ServicesDep
from functions.api.models.assemblies import (
    AssemblyOrder,
    AssemblyOrderPage,
    AssemblyOrderResult,
    AssemblyReceiptRequest,
    CreateAssemblyOrderRequest,
)
from functions.api.models.common import ID_PATTERN, MAX_PAGE
from functions.api.routers import resource_router
from functions.api.routers.params import Cursor, EntityId, IdempotencyKey, Limit
from functions.api.wiring import Services

router = resource_router()
TAGS = ["assembly orders"]

Status = StrEnum("Status", {s.value: s.value for s in ao.AssemblyOrderStatus})  # type: ignore[misc]
FilterId = Annotated[str | None, Query(pattern=ID_PATTERN)]


def _links_of(assembly_order_id: str) -> dict[str, contract.Link]:
    return {
        "GetAssemblyOrder": contract.link(
            "GET /assembly-orders/{assembly_order_id}",
            "The assembly order",
            assembly_order_id=assembly_order_id,
        ),
        "ReceiveAssemblyOrder": contract.link(
            "POST /assembly-orders/{assembly_order_id}/receipts",
            "Count assemblies made",
            assembly_order_id=assembly_order_id,
        ),
    }


COMMAND_RESPONSES = contract.responses(
    200, "Done", contract.COMMAND_ERRORS, _links_of(contract.returned("assembly_order_id"))
)


@router.post(
    "/assembly-orders",
    status_code=201,
    tags=TAGS,
    summary="Order assemblies made at one of your own or manual warehouses",
    description="The order takes the product's bill of materials as it stands (a later change "
    "of the bill changes no open order). Until received, its assemblies count as on order (on "
    "assembly) for the product's SKU at the warehouse. 404 for a warehouse or product not "
    "found (naming `warehouse_id` or `product_id`); 422 naming `warehouse_id` for a disabled "
    "warehouse or one not your own or manual (FBA, FBM, combined), naming `product_id` for a "
    "product without components. " + contract.APPENDED,
    responses=contract.responses(
        201,
        "Assembly order created",
        contract.COMMAND_ERRORS,
        _links_of(contract.returned("assembly_order_id")),
    ),
)
def create(
    body: CreateAssemblyOrderRequest,
    caller: CallerDep,
    services: ServicesDep,
    once: OnceDep,
    idempotency_key: IdempotencyKey = None,
) -> AssemblyOrderResult:
    def execute() -> AssemblyOrderResult:
        command = ao.CreateAssemblyOrder(
            assembly_order_id=f"ao-{services.aggregates.ids.new_id()}",
            warehouse_id=body.warehouse_id,
            product_id=body.product_id,
            quantity=body.quantity,
        )
        version = assembly_orders.create(services.aggregates, caller, command)
        return AssemblyOrderResult(
            assembly_order_id=command.assembly_order_id,
            status=ao.AssemblyOrderStatus.OPEN,
            version=version,
        )

    return once(idempotency_key, body.model_dump(mode="json"), execute, AssemblyOrderResult)


@router.get(
    "/assembly-orders",
    tags=TAGS,
    summary="Assembly orders, newest first, filtered",
    description="Every filter given must match. " + contract.EVENTUALLY_CONSISTENT,
    responses=contract.responses(200, "A page of assembly orders", contract.READ_ERRORS),
)
def list_assembly_orders(
    caller: CallerDep,
    services: ServicesDep,
    warehouse_id: FilterId = None,
    status: Annotated[Status | None, Query()] = None,
    limit: Limit = MAX_PAGE // 2,
    cursor: Cursor = None,
) -> AssemblyOrderPage:
    page = services.views.assembly_orders.list(
        caller.tenant_id,
        warehouse_id=warehouse_id,
        status=status.value if status else None,
        limit=limit,
        cursor=cursor,
    )
    return AssemblyOrderPage(items=page.items, next_cursor=page.next_cursor)


@router.get(
    "/assembly-orders/<assembly_order_id>",
    tags=TAGS,
    summary="One assembly order: its bill, what was received and what is still on assembly",
    description=contract.READ_YOUR_WRITES,
    responses=contract.responses(200, "The assembly order", contract.READ_ONE_ERRORS),
)
def get_assembly_order(
    assembly_order_id: EntityId, caller: CallerDep, services: ServicesDep
) -> AssemblyOrder:
    view = services.views.assembly_orders.get(caller.tenant_id, assembly_order_id)
    if view is None:
        raise NotFound(f"assembly order {assembly_order_id} not found")
    return view


@router.post(
    "/assembly-orders/<assembly_order_id>/receipts",
    tags=TAGS,
    summary="Count assemblies made: their components are consumed",
    description="At the order's warehouse the assembly's on hand rises by `quantity` and each "
    "component's falls by `quantity` x its units per assembly (a ledger entry per SKU, reason "
    "`assembly` or `assembly_consumed`); on assembly falls. When any component's on hand there "
    "is short: 409 `components_short`, naming each short SKU with the units needed and on "
    "hand (nothing appended; on hand as the stock views have it, eventually consistent). "
    "Beyond what is left to receive: 422 `quantity`. A cancelled order: 409. " + contract.APPENDED,
    responses=COMMAND_RESPONSES,
)
def receive(
    assembly_order_id: EntityId,
    body: AssemblyReceiptRequest,
    caller: CallerDep,
    services: ServicesDep,
    once: OnceDep,
    idempotency_key: IdempotencyKey = None,
) -> AssemblyOrderResult:
    def execute() -> AssemblyOrderResult:
        after = assembly_orders.receive(
            services.aggregates,
            caller,
            assembly_order_id,
            body.quantity,
            lambda warehouse_id, sku: _on_hand(services, caller.tenant_id, warehouse_id, sku),
        )
        return _result(assembly_order_id, after)

    return once(idempotency_key, body.model_dump(mode="json"), execute, AssemblyOrderResult)


@router.post(
    "/assembly-orders/<assembly_order_id>/cancel",
    tags=TAGS,
    summary="Cancel what is still to make on an assembly order",
    description="What is on assembly no longer counts as on order; assemblies already received "
    "stay. 409 for a fully received order. " + contract.APPENDED,
    responses=COMMAND_RESPONSES,
)
def cancel(
    assembly_order_id: EntityId,
    caller: CallerDep,
    services: ServicesDep,
    once: OnceDep,
    idempotency_key: IdempotencyKey = None,
) -> AssemblyOrderResult:
    def execute() -> AssemblyOrderResult:
        after = assembly_orders.cancel(services.aggregates, caller, assembly_order_id)
        return _result(assembly_order_id, after)

    return once(idempotency_key, {}, execute, AssemblyOrderResult)


def _on_hand(services: Services, tenant_id: str, warehouse_id: str, sku: str) -> int:
    """The SKU's on hand at the warehouse as the stock views have it (0: no row yet)."""
    page = services.views.get_stock(tenant_id, warehouse_id=warehouse_id, sku=sku, limit=1)
    return sum(row.on_hand for row in page.items if row.sku == sku)


def _result(assembly_order_id: str, after: assembly_orders.AssemblyAfter) -> AssemblyOrderResult:
    return AssemblyOrderResult(
        assembly_order_id=assembly_order_id, status=after.status, version=after.version
    )
