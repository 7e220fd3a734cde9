"""/purchase-orders: the units going into the FBA warehouse, received from Amazon's counts."""

from domain.errors import NotFound
from functions.api import contract
from functions.api.commands.transfers import acknowledge_discrepancy
from functions.api.dependencies import CallerDep, OnceDep, ServicesDep
from functions.api.models.orders import DiscrepancyAcknowledged, WrittenOffLine
from functions.api.routers import resource_router
from functions.api.routers.params import EntityId, IdempotencyKey
from functions.shared.views.models import PurchaseOrder

router = resource_router()
TAGS = ["transfer orders"]


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
    summary="One purchase order, with what Amazon received and any discrepancy",
    description=contract.READ_YOUR_WRITES,
    responses=contract.responses(200, "The purchase order", contract.READ_ONE_ERRORS),
)
def get_purchase_order(
    purchase_order_id: EntityId, caller: CallerDep, services: ServicesDep
) -> PurchaseOrder:
    view = services.views.get_purchase_order(caller.tenant_id, purchase_order_id)
    if view is None:
        raise NotFound(f"purchase order {purchase_order_id} not found")
    return view
