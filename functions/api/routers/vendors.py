"""/vendors: who the seller buys from, and on which terms."""

from domain.errors import NotFound
from domain.vendor import ChangeVendor, CreateVendor
from functions.api import contract
from functions.api.commands.vendors import change_vendor, create_vendor
from functions.api.dependencies import CallerDep, OnceDep, ServicesDep
from functions.api.models.common import MAX_PAGE
from functions.api.models.vendors import (
    ChangeVendorRequest,
    CreateVendorRequest,
    VendorChanged,
    VendorCreated,
    VendorPage,
)
from functions.api.routers import resource_router
from functions.api.routers.params import Cursor, EntityId, IdempotencyKey, Limit
from functions.shared.views.setup_models import Vendor

router = resource_router()
TAGS = ["vendors"]


def _links_of(vendor_id: str) -> dict[str, contract.Link]:
    """Where a vendor id returned by a command leads."""
    return {
        "GetVendor": contract.link("GET /vendors/{vendor_id}", "The vendor", vendor_id=vendor_id),
        "ChangeVendor": contract.link(
            "PATCH /vendors/{vendor_id}", "Change its terms", vendor_id=vendor_id
        ),
        "GetHistory": contract.link(
            "GET /history/{kind}/{entity_id}", "Its audit trail", kind="vendor", entity_id=vendor_id
        ),
    }


@router.post(
    "/vendors",
    status_code=201,
    tags=TAGS,
    summary="Create a vendor",
    description=contract.APPENDED,
    responses=contract.responses(
        201, "Vendor created", contract.COMMAND_ERRORS, _links_of(contract.returned("vendor_id"))
    ),
)
def create(
    body: CreateVendorRequest,
    caller: CallerDep,
    services: ServicesDep,
    once: OnceDep,
    idempotency_key: IdempotencyKey = None,
) -> VendorCreated:
    def execute() -> VendorCreated:
        vendor_id = f"vendor-{services.aggregates.ids.new_id()}"
        command = CreateVendor(
            vendor_id=vendor_id,
            name=body.name,
            lead_time_days=body.lead_time_days,
            currency=body.currency.value,
            products=tuple(product.to_domain() for product in body.products),
        )
        version = create_vendor(services.aggregates, caller, command)
        return VendorCreated(vendor_id=vendor_id, version=version)

    return once(idempotency_key, body.model_dump(mode="json"), execute, VendorCreated)


@router.patch(
    "/vendors/<vendor_id>",
    tags=TAGS,
    summary="Change a vendor's name, lead time, currency or products",
    description="Only the fields sent change; `products` replaces the whole list. "
    + contract.APPENDED,
    responses=contract.responses(
        200, "Vendor changed", contract.COMMAND_ERRORS, _links_of(contract.returned("vendor_id"))
    ),
)
def change(
    vendor_id: EntityId,
    body: ChangeVendorRequest,
    caller: CallerDep,
    services: ServicesDep,
    once: OnceDep,
    idempotency_key: IdempotencyKey = None,
) -> VendorChanged:
    def execute() -> VendorChanged:
        command = ChangeVendor(vendor_id=vendor_id, **body.changes())
        version = change_vendor(services.aggregates, caller, command)
        return VendorChanged(vendor_id=vendor_id, version=version)

    return once(idempotency_key, body.model_dump(mode="json"), execute, VendorChanged)


@router.get(
    "/vendors",
    tags=TAGS,
    summary="Your vendors, in a stable order, by page",
    description=contract.EVENTUALLY_CONSISTENT,
    responses=contract.responses(
        200,
        "A page of vendors",
        contract.READ_ERRORS,
        {
            "GetVendor": contract.link(
                "GET /vendors/{vendor_id}",
                "The first vendor",
                vendor_id=contract.returned("items/0/vendor_id"),
            )
        },
    ),
)
def list_vendors(
    caller: CallerDep, services: ServicesDep, limit: Limit = MAX_PAGE // 2, cursor: Cursor = None
) -> VendorPage:
    page = services.views.list_vendors(caller.tenant_id, limit=limit, cursor=cursor)
    return VendorPage(items=page.items, next_cursor=page.next_cursor)


@router.get(
    "/vendors/<vendor_id>",
    tags=TAGS,
    summary="One vendor",
    description=contract.READ_YOUR_WRITES,
    responses=contract.responses(200, "The vendor", contract.READ_ONE_ERRORS),
)
def get_vendor(vendor_id: EntityId, caller: CallerDep, services: ServicesDep) -> Vendor:
    view = services.views.get_vendor(caller.tenant_id, vendor_id)
    if view is None:
        raise NotFound(f"vendor {vendor_id} not found")
    return view
