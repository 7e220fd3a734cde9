"""/amazon-jobs: what Amazon is doing for an order saved to it, step by step."""

from functions.api import contract
from functions.api.commands.save_to_amazon import job_of
from functions.api.dependencies import CallerDep, ServicesDep
from functions.api.models.amazon_jobs import AmazonJobView
from functions.api.routers import resource_router
from functions.api.routers.params import EntityId

router = resource_router()
TAGS = ["amazon jobs"]

SAVE_DESCRIPTION = (
    "Creates the inbound shipment(s) at Amazon (Fulfillment Inbound v2024-03-20) in a job: 202 "
    "with its `job_id`; `GET /amazon-jobs/{job_id}` shows each step and the outcome. With "
    "`split: amazon` the job confirms the placement with the lowest fee (ties: fewest "
    "shipments, then option id) and binds every shipment to the order, which is then locked "
    "and follows Amazon; with `split: none` a plan Amazon will only split fails with "
    "`placement_requires_split` (the plan is cancelled, the order stays open). 422 naming the "
    "field: destination not an FBA warehouse, order not open, no lines, ship-from fields Amazon "
    "requires missing; 409: already saved, or a save in progress; 503 `not_queued` when the job "
    "could not be queued (nothing was sent, the order is as it was). " + contract.APPENDED
)
SAVE_RESPONSES = contract.responses(
    202,
    "Save to Amazon started",
    (*contract.COMMAND_ERRORS, 503),  # 503 `not_queued`: nothing sent, the order as it was
    {
        "GetAmazonJob": contract.link(
            "GET /amazon-jobs/{job_id}",
            "The job: its steps and outcome",
            job_id=contract.returned("job_id"),
        ),
        "GetPurchaseOrder": contract.link(
            "GET /purchase-orders/{purchase_order_id}",
            "The order being saved",
            purchase_order_id=contract.returned("purchase_order_id"),
        ),
    },
)


@router.get(
    "/amazon-jobs/<job_id>",
    tags=TAGS,
    summary="A Save-to-Amazon job",
    description="Its steps with Amazon's operation ids and problems, the placement options "
    "Amazon offered and the one chosen, the shipments made (with their FBA ids) and the "
    "outcome: `in_progress`, `succeeded` or `failed` with an `error` {code, message}. Read your "
    "writes: read from the log itself.",
    responses=contract.responses(200, "The job", contract.ITEM_ERRORS),
)
def get_job(job_id: EntityId, caller: CallerDep, services: ServicesDep) -> AmazonJobView:
    return AmazonJobView.of(job_of(services.aggregates, caller, job_id))
