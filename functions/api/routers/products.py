"""/products: what the seller plans, its listings, and its figures summed over them."""

from typing import Annotated, TypeVar

from aws_lambda_powertools.event_handler.openapi.params import Body, Query

from domain.products.product import (
    ChangeProduct,
    CreateProduct,
    EditForecast,
    Planning,
    ProductComponent,
    SetComponents,
)
from domain.replenishment.assembly import MAX_COMPONENTS
from functions.api import contract
from functions.api.commands.products import (
    change_product,
    create_product,
    edit_forecast,
    set_components,
)
from functions.api.dependencies import CallerDep, OnceDep, ServicesDep
from functions.api.models.assemblies import ComponentRequest, ComponentsSet
from functions.api.models.common import ID_PATTERN, MAX_PAGE
from functions.api.models.products import (
    ChangeProductRequest,
    CreateProductRequest,
    ForecastEditRequest,
    ProductChanged,
    ProductCreated,
    ProductDetail,
    ProductLedgerPage,
    ProductPage,
    ProductStockList,
)
from functions.api.routers import resource_router
from functions.api.routers.params import Cursor, EntityId, IdempotencyKey, Instant, Limit

router = resource_router()
TAGS = ["products"]
R = TypeVar("R")
WarehouseFilter = Annotated[str, Query(pattern=ID_PATTERN, description="Warehouse id")]


def _links_of(product_id: str) -> dict[str, contract.Link]:
    return {
        "GetProduct": contract.link(
            "GET /products/{product_id}", "The product", product_id=product_id
        ),
        "GetProductStock": contract.link(
            "GET /products/{product_id}/stock", "Its stock", product_id=product_id
        ),
    }


@router.post(
    "/products",
    status_code=201,
    tags=TAGS,
    summary="Create a product",
    description="A product is what you plan; listings (seller SKUs at Amazon) map to it. Its "
    "id follows from its SKU: a second product of the same SKU is refused (409), as is one "
    "whose SKU a discovered listing already created. " + contract.APPENDED,
    responses=contract.responses(
        201, "Product created", contract.COMMAND_ERRORS, _links_of(contract.returned("product_id"))
    ),
)
def create(
    body: CreateProductRequest,
    caller: CallerDep,
    services: ServicesDep,
    once: OnceDep,
    idempotency_key: IdempotencyKey = None,
) -> ProductCreated:
    def execute() -> ProductCreated:
        command = CreateProduct(sku=body.sku, name=body.name, barcode=body.barcode)
        version = create_product(services.aggregates, caller, command)
        return ProductCreated(product_id=command.product_id, version=version)

    return once(idempotency_key, body.model_dump(mode="json"), execute, ProductCreated)


@router.patch(
    "/products/<product_id>",
    tags=TAGS,
    summary="Change a product's name, barcode or planning",
    description="Only the fields sent change; `planning` replaces the whole set (forecast "
    "method and days, lead time, days of stock, vendor). A vendor that is not yours is refused "
    "(422, `planning.vendor_id`). " + contract.APPENDED,
    responses=contract.responses(
        200, "Product changed", contract.COMMAND_ERRORS, _links_of(contract.returned("product_id"))
    ),
)
def change(
    product_id: EntityId,
    body: ChangeProductRequest,
    caller: CallerDep,
    services: ServicesDep,
    once: OnceDep,
    idempotency_key: IdempotencyKey = None,
) -> ProductChanged:
    def execute() -> ProductChanged:
        planning = Planning(**body.planning.model_dump()) if body.planning else None
        command = ChangeProduct(
            product_id=product_id, name=body.name, barcode=body.barcode, planning=planning
        )
        version = change_product(services.aggregates, caller, command)
        return ProductChanged(product_id=product_id, version=version)

    return once(idempotency_key, body.model_dump(mode="json"), execute, ProductChanged)


@router.put(
    "/products/<product_id>/forecast-edits",
    tags=TAGS,
    summary="Set (or remove) a month's forecast",
    description="The month's units replace what the forecast method says, in every warehouse's "
    "planning of the product; `units: null` removes the edit. Past months are refused (422, "
    "`month`). " + contract.APPENDED,
    responses=contract.responses(
        200, "Forecast edited", contract.COMMAND_ERRORS, _links_of(contract.returned("product_id"))
    ),
)
def edit(
    product_id: EntityId,
    body: ForecastEditRequest,
    caller: CallerDep,
    services: ServicesDep,
    once: OnceDep,
    idempotency_key: IdempotencyKey = None,
) -> ProductChanged:
    def execute() -> ProductChanged:
        today = services.aggregates.clock.now().date()
        command = EditForecast(
            product_id=product_id, month=body.month, units=body.units, today=today
        )
        version = edit_forecast(services.aggregates, caller, command)
        return ProductChanged(product_id=product_id, version=version)

    return once(idempotency_key, body.model_dump(mode="json"), execute, ProductChanged)


@router.put(
    "/products/<product_id>/components",
    tags=TAGS,
    summary="Set a product's bill of materials (the components it is assembled from)",
    description="The body is the whole bill, a JSON array of `{product_id, quantity}`: it "
    "replaces the product's components (`[]`: no longer an assembly). Refused with 422, nothing "
    "appended: the product itself, another product of yours not found, a product listed twice "
    "or a quantity under 1 (each naming `components.<i>.product_id` or `.quantity`), and a "
    f"cycle at any depth (`components`); at most {MAX_COMPONENTS} components. An unknown "
    "product in the path is 404. Open assembly orders keep the bill they were created with. "
    + contract.APPENDED,
    responses=contract.responses(
        200, "Components set", contract.COMMAND_ERRORS, _links_of(contract.returned("product_id"))
    ),
)
def put_components(
    product_id: EntityId,
    body: Annotated[list[ComponentRequest], Body(max_length=MAX_COMPONENTS)],
    caller: CallerDep,
    services: ServicesDep,
    once: OnceDep,
    idempotency_key: IdempotencyKey = None,
) -> ComponentsSet:
    def execute() -> ComponentsSet:
        command = SetComponents(
            product_id=product_id,
            components=tuple(
                ProductComponent(product_id=line.product_id, quantity=line.quantity)
                for line in body
            ),
        )
        version = set_components(services.aggregates, caller, command)
        return ComponentsSet(product_id=product_id, version=version)

    payload = {"components": [line.model_dump(mode="json") for line in body]}
    return once(idempotency_key, payload, execute, ComponentsSet)


@router.get(
    "/products",
    tags=TAGS,
    summary="Your products, by SKU, by page",
    description=contract.EVENTUALLY_CONSISTENT,
    responses=contract.responses(200, "A page of products", contract.READ_ERRORS),
)
def list_products(
    caller: CallerDep, services: ServicesDep, limit: Limit = MAX_PAGE // 2, cursor: Cursor = None
) -> ProductPage:
    page = services.views.products.list_products(caller.tenant_id, limit=limit, cursor=cursor)
    return ProductPage(items=page.items, next_cursor=page.next_cursor)


@router.get(
    "/products/<product_id>",
    tags=TAGS,
    summary="One product and its listings",
    description=contract.READ_YOUR_WRITES + " Its listings are eventually consistent.",
    responses=contract.responses(200, "The product", contract.READ_ONE_ERRORS),
)
def get_product(product_id: EntityId, caller: CallerDep, services: ServicesDep) -> ProductDetail:
    product = services.views.products.require(caller.tenant_id, product_id)
    listings = services.views.products.listings_of(caller.tenant_id, product_id)
    return ProductDetail(**product.model_dump(), listings=listings)


@router.get(
    "/products/<product_id>/stock",
    tags=TAGS,
    summary="A product's stock per warehouse: the sums over its listings",
    description="At an FBA or FBM warehouse, the rows of the product's listings there; at a "
    "warehouse of your own, the rows of the product's SKU (and of a seller SKU whose every "
    "listing maps to it). Each warehouse shows the rows it summed. Remapping a listing moves "
    "its figures, past ones included. With `as_of`, the figures as they stood then. "
    + contract.EVENTUALLY_CONSISTENT,
    responses=contract.responses(200, "Stock per warehouse", contract.ITEM_ERRORS),
)
def get_product_stock(
    product_id: EntityId,
    caller: CallerDep,
    services: ServicesDep,
    warehouse_id: Annotated[str | None, Query(pattern=ID_PATTERN)] = None,
    as_of: Annotated[Instant | None, Query(description="ISO 8601 instant with offset")] = None,
) -> ProductStockList:
    product = services.views.products.require(caller.tenant_id, product_id)
    queries = services.views.products
    rows = queries.stock(caller.tenant_id, product, warehouse_id, as_of)
    return ProductStockList(items=rows)


@router.get(
    "/products/<product_id>/ledger",
    tags=TAGS,
    summary="Every movement of a product at one warehouse, and the listing it came from",
    description="The ledger of each row the product's stock sums there, one after the other "
    "(each oldest first, with that row's running `on_hand_after`), a page at a time. "
    + contract.EVENTUALLY_CONSISTENT,
    responses=contract.responses(200, "Ledger entries", contract.ITEM_ERRORS),
)
def get_product_ledger(
    product_id: EntityId,
    warehouse_id: WarehouseFilter,
    caller: CallerDep,
    services: ServicesDep,
    limit: Limit = MAX_PAGE,
    cursor: Cursor = None,
) -> ProductLedgerPage:
    product = services.views.products.require(caller.tenant_id, product_id)
    queries = services.views.products
    page = queries.ledger(caller.tenant_id, product, warehouse_id, limit, cursor)
    return ProductLedgerPage(items=page.items, next_cursor=page.next_cursor)
