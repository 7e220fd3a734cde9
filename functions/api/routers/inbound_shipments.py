"""/inbound-shipments: what the sync found in Amazon, and reconciling it into orders."""

from functions.api import contract
from functions.api.commands.transfers import reconcile_shipment
from functions.api.dependencies import CallerDep, OnceDep, ServicesDep
from functions.api.models.shipments import Reconciled, ReconcileRequest
from functions.api.routers import resource_router
from functions.api.routers.params import EntityId, IdempotencyKey

router = resource_router()
TAGS = ["inbound shipments"]


@router.post(
    "/inbound-shipments/<shipment_id>/reconcile",
    status_code=201,
    tags=TAGS,
    summary="Reconcile a shipment into a transfer order",
    description="Creates, atomically, a transfer order, a sales order (units committed at the "
    "source warehouse) and a purchase order (units on order at the marketplace's FBA "
    "warehouse). Reconciling twice is a 409. " + contract.APPENDED,
    responses=contract.responses(201, "Orders created", contract.COMMAND_ERRORS),
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
        done = reconcile_shipment(
            services.aggregates, caller, shipment_id, body.source_warehouse_id
        )
        return Reconciled(
            shipment_id=shipment_id,
            transfer_order_id=done.transfer_order_id,
            sales_order_id=done.sales_order_id,
            purchase_order_id=done.purchase_order_id,
            shipment_version=done.shipment_version,
        )

    return once(idempotency_key, body.model_dump(mode="json"), execute, Reconciled)
