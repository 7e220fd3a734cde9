"""/listings: the seller SKUs Amazon knows, per connection, marketplace and channel, and the
product each maps to."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Query

from domain.errors import NotFound
from domain.products.listing import MapListing, MappedBy
from domain.sales import SalesChannel
from functions.api import contract
from functions.api.commands.products import map_listing
from functions.api.dependencies import CallerDep, OnceDep, ServicesDep
from functions.api.models.common import ID_PATTERN, MAX_PAGE
from functions.api.models.products import ListingMapped, ListingPage, MapListingRequest
from functions.api.routers import resource_router
from functions.api.routers.params import Cursor, EntityId, IdempotencyKey, Limit
from functions.shared.views.product_models import Listing

router = resource_router()
TAGS = ["listings"]


@router.get(
    "/listings",
    tags=TAGS,
    summary="Your listings, by connection, marketplace, channel and seller SKU",
    description="Every read from Amazon (inbound shipments, inventory, orders) discovers the "
    "listings it names; a new listing maps to the product of its seller SKU (created when none "
    "exists). `mapped=true`: the listings a person mapped; `mapped=false`: those mapped "
    "automatically by SKU. " + contract.EVENTUALLY_CONSISTENT,
    responses=contract.responses(200, "A page of listings", contract.READ_ERRORS),
)
def list_listings(
    caller: CallerDep,
    services: ServicesDep,
    connection_id: Annotated[str | None, Query(pattern=ID_PATTERN)] = None,
    marketplace_id: Annotated[str | None, Query(pattern=ID_PATTERN)] = None,
    channel: Annotated[SalesChannel | None, Query()] = None,
    mapped: Annotated[bool | None, Query()] = None,
    limit: Limit = MAX_PAGE // 2,
    cursor: Cursor = None,
) -> ListingPage:
    mapped_by = None if mapped is None else (MappedBy.USER if mapped else MappedBy.SKU).value
    page = services.views.products.list_listings(
        caller.tenant_id, connection_id, marketplace_id, channel, mapped_by, limit, cursor
    )
    return ListingPage(items=page.items, next_cursor=page.next_cursor)


@router.get(
    "/listings/<listing_id>",
    tags=TAGS,
    summary="One listing",
    description=contract.READ_YOUR_WRITES,
    responses=contract.responses(200, "The listing", contract.READ_ONE_ERRORS),
)
def get_listing(listing_id: EntityId, caller: CallerDep, services: ServicesDep) -> Listing:
    found = services.views.products.get_listing(caller.tenant_id, listing_id)
    if found is None:
        raise NotFound(f"listing {listing_id} not found")
    return found


@router.put(
    "/listings/<listing_id>",
    tags=TAGS,
    summary="Map a listing to a product",
    description="Its stock and sales, past ones included, count for that product from now on "
    "(figures per product are summed when read). An unknown product is refused (422, "
    "`product_id`). " + contract.APPENDED,
    responses=contract.responses(
        200,
        "Listing mapped",
        contract.COMMAND_ERRORS,
        {
            "GetProduct": contract.link(
                "GET /products/{product_id}",
                "The product it maps to",
                product_id=contract.returned("product_id"),
            )
        },
    ),
)
def put_listing(
    listing_id: EntityId,
    body: MapListingRequest,
    caller: CallerDep,
    services: ServicesDep,
    once: OnceDep,
    idempotency_key: IdempotencyKey = None,
) -> ListingMapped:
    def execute() -> ListingMapped:
        command = MapListing(listing_id=listing_id, product_id=body.product_id)
        version = map_listing(services.aggregates, caller, command)
        return ListingMapped(listing_id=listing_id, product_id=body.product_id, version=version)

    return once(idempotency_key, body.model_dump(mode="json"), execute, ListingMapped)
