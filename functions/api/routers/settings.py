"""/settings/planning: how planning counts what is on its way into FBA, and how far our stock
may drift from Amazon's figures."""

from domain.planning import ChangePlanningSettings, PlanningSettings
from functions.api import contract
from functions.api.commands.settings import change_planning, planning_settings
from functions.api.dependencies import CallerDep, OnceDep, ServicesDep
from functions.api.models.settings import (
    IgnoreUnreceivedSettings,
    PlanningSettingsRequest,
    PlanningSettingsView,
)
from functions.api.routers import resource_router
from functions.api.routers.params import IdempotencyKey

router = resource_router()
TAGS = ["settings"]


@router.get(
    "/settings/planning",
    tags=TAGS,
    summary="Your planning settings",
    description="Read your writes: read from the log itself, never a view.",
    responses=contract.responses(200, "The settings", contract.READ_ERRORS),
)
def get_planning(caller: CallerDep, services: ServicesDep) -> PlanningSettingsView:
    return _view(*planning_settings(services.aggregates, caller))


@router.put(
    "/settings/planning",
    tags=TAGS,
    summary="Ignore unreceived FBA shipments in planning, or not; the drift tolerance",
    description="An FBA shipment with nothing received by its expected date (Amazon's "
    "confirmed need-by date, else the order's own) plus `days_after_expected` days leaves the "
    "planning figures: `GET /stock` rows count it out of `incoming_for_planning` and list it "
    "under `ignored_shipments` with the instant it was left out; the ledger and the real "
    "figures keep its units. A receipt brings it back at once. The setting applies to every "
    "order at once, past and future. `drift_tolerance_units` (0-100000, omitted: unchanged) "
    "is how far our figures and Amazon's may differ before `GET /stock/drift` shows a SKU. "
    + contract.APPENDED,
    responses=contract.responses(
        200,
        "The settings, changed",
        contract.COMMAND_ERRORS,
        {
            "GetPlanningSettings": contract.link("GET /settings/planning", "The settings"),
            "GetStock": contract.link("GET /stock", "Stock, with what planning counts incoming"),
        },
    ),
)
def put_planning(
    body: PlanningSettingsRequest,
    caller: CallerDep,
    services: ServicesDep,
    once: OnceDep,
    idempotency_key: IdempotencyKey = None,
) -> PlanningSettingsView:
    def execute() -> PlanningSettingsView:
        command = ChangePlanningSettings(
            ignore_unreceived=body.ignore_unreceived.to_domain(),
            drift_tolerance_units=body.drift_tolerance_units,
        )
        return _view(*change_planning(services.aggregates, caller, command))

    return once(idempotency_key, body.model_dump(mode="json"), execute, PlanningSettingsView)


def _view(settings: PlanningSettings, version: int) -> PlanningSettingsView:
    rule = settings.ignore_unreceived
    return PlanningSettingsView(
        ignore_unreceived=IgnoreUnreceivedSettings(**rule.model_dump()),
        drift_tolerance_units=settings.drift_tolerance_units,
        version=version,
    )
