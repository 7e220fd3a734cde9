"""/warehouses: FBA and FBM warehouses come with connections; your own, manual and combined
ones are created here."""

from domain.errors import NotFound
from domain.warehouse import AdjustmentLine, CountLine, WarehouseKind
from functions.api import contract
from functions.api.commands.warehouses import (
    adjust_stock,
    change_warehouse,
    count_stock,
    create_warehouse,
)
from functions.api.dependencies import CallerDep, OnceDep, ServicesDep
from functions.api.models.warehouses import (
    ChangeWarehouseRequest,
    CreateWarehouseRequest,
    StockAdjusted,
    StockAdjustmentRequest,
    StockCounted,
    StockCountRequest,
    WarehouseChanged,
    WarehouseCreated,
    WarehouseList,
)
from functions.api.routers import resource_router
from functions.api.routers.params import EntityId, IdempotencyKey
from functions.shared.views.setup_models import Warehouse

router = resource_router()
TAGS = ["warehouses"]


def _links_of(warehouse_id: str) -> dict[str, contract.Link]:
    """Where a warehouse id returned by a command leads."""
    return {
        "GetWarehouse": contract.link(
            "GET /warehouses/{warehouse_id}", "The warehouse", warehouse_id=warehouse_id
        ),
        "ChangeWarehouse": contract.link(
            "PATCH /warehouses/{warehouse_id}",
            "Rename it, enable or disable it",
            warehouse_id=warehouse_id,
        ),
        "CountStock": contract.link(
            "POST /warehouses/{warehouse_id}/stock-counts",
            "Count its stock",
            warehouse_id=warehouse_id,
        ),
        "AdjustStock": contract.link(
            "POST /warehouses/{warehouse_id}/adjustments",
            "Adjust its stock",
            warehouse_id=warehouse_id,
        ),
        "GetStock": contract.link("GET /stock", "Its stock", warehouse_id=warehouse_id),
        "GetHistory": contract.link(
            "GET /history/{kind}/{entity_id}",
            "Its audit trail",
            kind="warehouse",
            entity_id=warehouse_id,
        ),
    }


@router.post(
    "/warehouses",
    status_code=201,
    tags=TAGS,
    summary="Create one of your own warehouses, a manual or a combined one",
    description="`kind` `own` (the default) or `manual` (stock by counts and adjustments only, "
    "never an order's source or destination), or `combined` with its `members`: its stock "
    "(GET /stock?warehouse_id=) and sales are the sums of its members', each counted once. "
    "Members that are unknown, another tenant's, repeated, or would make the warehouse contain "
    "itself: 422 naming `members`. " + contract.APPENDED,
    responses=contract.responses(
        201,
        "Warehouse created",
        contract.COMMAND_ERRORS,
        _links_of(contract.returned("warehouse_id")),
    ),
)
def create(
    body: CreateWarehouseRequest,
    caller: CallerDep,
    services: ServicesDep,
    once: OnceDep,
    idempotency_key: IdempotencyKey = None,
) -> WarehouseCreated:
    def execute() -> WarehouseCreated:
        members = [member.member() for member in body.members or ()]
        kind = WarehouseKind(body.kind)
        warehouse_id, version = create_warehouse(
            services.aggregates, caller, body.name, kind, members
        )
        return WarehouseCreated(warehouse_id=warehouse_id, version=version)

    return once(idempotency_key, body.model_dump(mode="json"), execute, WarehouseCreated)


@router.patch(
    "/warehouses/<warehouse_id>",
    tags=TAGS,
    summary="Rename a warehouse; enable, disable or set the address of one of your own; "
    "replace a combined one's members",
    description="Only the fields sent change, all or nothing. Any warehouse may be renamed. "
    "`members` is for combined warehouses (422 for others), checked as at creation. "
    "`enabled` is for your own warehouses: an FBA warehouse is enabled while its marketplace is "
    "one of its connection's (add or remove it with PATCH /connections/{connection_id}), an FBM "
    "warehouse while its connection exists, so changing theirs is 422. A disabled warehouse is "
    "no source or destination of new orders, nor a connection's default source; it keeps its "
    "stock and history, and can be enabled again. " + contract.APPENDED,
    responses=contract.responses(
        200,
        "Warehouse changed",
        contract.COMMAND_ERRORS,
        _links_of(contract.returned("warehouse_id")),
    ),
)
def change(
    warehouse_id: EntityId,
    body: ChangeWarehouseRequest,
    caller: CallerDep,
    services: ServicesDep,
    once: OnceDep,
    idempotency_key: IdempotencyKey = None,
) -> WarehouseChanged:
    def execute() -> WarehouseChanged:
        changed, version = change_warehouse(
            services.aggregates,
            caller,
            warehouse_id,
            name=body.name,
            enabled=body.enabled,
            address=body.address,
            members=None if body.members is None else [m.member() for m in body.members],
        )
        return WarehouseChanged(
            warehouse_id=warehouse_id,
            name=changed.name,
            enabled=changed.enabled,
            address=changed.address,
            members=list(changed.members),
            version=version,
        )

    return once(idempotency_key, body.model_dump(mode="json"), execute, WarehouseChanged)


@router.post(
    "/warehouses/<warehouse_id>/stock-counts",
    tags=TAGS,
    summary="Set on-hand stock by count",
    description="Each counted SKU's on hand becomes the count (own and manual warehouses only: "
    "FBA and FBM stock comes from Amazon, a combined warehouse's from its members). "
    + contract.APPENDED,
    responses=contract.responses(
        200,
        "Count recorded",
        contract.COMMAND_ERRORS,
        {
            **_links_of(contract.returned("warehouse_id")),
            "GetLedger": contract.link(
                "GET /stock/ledger",
                "The movements of the first SKU counted",
                warehouse_id=contract.returned("warehouse_id"),
                sku=contract.sent("lines/0/sku"),
            ),
        },
    ),
)
def count(
    warehouse_id: EntityId,
    body: StockCountRequest,
    caller: CallerDep,
    services: ServicesDep,
    once: OnceDep,
    idempotency_key: IdempotencyKey = None,
) -> StockCounted:
    def execute() -> StockCounted:
        lines = [CountLine(sku=line.sku, quantity=line.quantity) for line in body.lines]
        version, counted_at = count_stock(services.aggregates, caller, warehouse_id, lines)
        return StockCounted(warehouse_id=warehouse_id, version=version, counted_at=counted_at)

    return once(idempotency_key, body.model_dump(mode="json"), execute, StockCounted)


@router.post(
    "/warehouses/<warehouse_id>/adjustments",
    tags=TAGS,
    summary="Adjust on-hand stock, each line with its reason",
    description="Each line's delta (not zero) is added to its SKU's on hand (own and manual "
    "warehouses only: FBA and FBM stock comes from Amazon, a combined warehouse's from its "
    "members). On hand may go below zero: a count sets it right. " + contract.APPENDED,
    responses=contract.responses(
        200,
        "Adjustment recorded",
        contract.COMMAND_ERRORS,
        {
            **_links_of(contract.returned("warehouse_id")),
            "GetLedger": contract.link(
                "GET /stock/ledger",
                "The movements of the first SKU adjusted",
                warehouse_id=contract.returned("warehouse_id"),
                sku=contract.sent("lines/0/sku"),
            ),
        },
    ),
)
def adjust(
    warehouse_id: EntityId,
    body: StockAdjustmentRequest,
    caller: CallerDep,
    services: ServicesDep,
    once: OnceDep,
    idempotency_key: IdempotencyKey = None,
) -> StockAdjusted:
    def execute() -> StockAdjusted:
        lines = [
            AdjustmentLine(sku=line.sku, delta=line.delta, reason=line.reason)
            for line in body.lines
        ]
        version = adjust_stock(services.aggregates, caller, warehouse_id, lines)
        return StockAdjusted(warehouse_id=warehouse_id, version=version)

    return once(idempotency_key, body.model_dump(mode="json"), execute, StockAdjusted)


@router.get(
    "/warehouses",
    tags=TAGS,
    summary="Your warehouses: FBA, FBM, your own, manual and combined",
    description=contract.EVENTUALLY_CONSISTENT,
    responses=contract.responses(
        200,
        "Warehouses",
        contract.READ_ERRORS,
        {
            "GetWarehouse": contract.link(
                "GET /warehouses/{warehouse_id}",
                "The first warehouse",
                warehouse_id=contract.returned("items/0/warehouse_id"),
            )
        },
    ),
)
def list_warehouses(caller: CallerDep, services: ServicesDep) -> WarehouseList:
    found = services.views.list_warehouses(caller.tenant_id)
    return WarehouseList(items=found)


@router.get(
    "/warehouses/<warehouse_id>",
    tags=TAGS,
    summary="One warehouse",
    description=contract.READ_YOUR_WRITES,
    responses=contract.responses(200, "The warehouse", contract.READ_ONE_ERRORS),
)
def get_warehouse(warehouse_id: EntityId, caller: CallerDep, services: ServicesDep) -> Warehouse:
    view = services.views.get_warehouse(caller.tenant_id, warehouse_id)
    if view is None:
        raise NotFound(f"warehouse {warehouse_id} not found")
    return view
