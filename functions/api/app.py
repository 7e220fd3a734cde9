"""The REST resolver: every router, the error mapping, and the generated OpenAPI document.

Routers are included on demand: `include_routers(app, path)` imports and includes the router of
a path's resource (its first segment, see `ROUTERS`) the first time a request for it arrives, so
a cold start pays only for the resources it serves. The handler calls it before each resolve; a
path of no resource includes nothing and gets the resolver's 404. The OpenAPI document (and
`/openapi.json`, `/docs`) includes every router first and lists the paths sorted, whatever the
order requests came in.
"""

import importlib
import json
from functools import cache
from pathlib import Path
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response, content_types

from functions.api.errors import register_error_handlers
from functions.api.jsonbody import strict_json

# A path's first segment -> the module of its resource's router, in the OpenAPI document's order.
ROUTERS = {
    "connections": "functions.api.routers.connections",
    "warehouses": "functions.api.routers.warehouses",
    "inbound-shipments": "functions.api.routers.inbound_shipments",
    "transfer-orders": "functions.api.routers.transfer_orders",
    "sales-orders": "functions.api.routers.sales_orders",
    "purchase-orders": "functions.api.routers.purchase_orders",
    "vendors": "functions.api.routers.vendors",
    "stock": "functions.api.routers.stock",
    "history": "functions.api.routers.history",
    "settings": "functions.api.routers.settings",
    "amazon-jobs": "functions.api.routers.amazon_jobs",
    "products": "functions.api.routers.products",
    "listings": "functions.api.routers.listings",
    "sales": "functions.api.routers.sales",
    "forecasts": "functions.api.routers.forecasts",
    "assembly-orders": "functions.api.routers.assembly_orders",
    "replenishment": "functions.api.routers.replenishment",
    "reports": "functions.api.routers.reports",
}
DESCRIPTION = (
    "Inbound shipments synced from Amazon, reconciled into transfer orders, and exact stock. "
    "Commands return once their events are appended to the event log; reads come from views "
    "the projector keeps up to date asynchronously (eventually consistent), so commands return "
    "the new ids and versions for clients to poll. Every request needs a tenant: the Cognito "
    "authorizer's `custom:tenant_id` claim. Another tenant's resources are never visible (404). "
    "Errors are JSON: `{code, message, errors}`."
)


def openapi_info() -> dict[str, Any]:
    # Powertools' OpenAPI models take most of a second to import: only the document needs them.
    from aws_lambda_powertools.event_handler.openapi.models import APIKey, APIKeyIn, Server

    return {
        "title": "FBA inbound backend API",
        "version": "1.0.0",
        "description": DESCRIPTION,
        "servers": [Server(url="/")],
        "security_schemes": {
            "cognito": APIKey(
                name="Authorization",
                in_=APIKeyIn.header,
                description="Cognito ID token (locally: `Bearer dev:<tenant_id>`)",
            )
        },
        "security": [{"cognito": []}],
    }


def build_app() -> APIGatewayRestResolver:
    app = APIGatewayRestResolver(enable_validation=True, json_body_deserializer=strict_json)
    register_error_handlers(app)

    @app.get("/openapi.json", include_in_schema=False)
    def openapi():  # type: ignore[no-untyped-def]  # an annotation would enter the schema
        return Response(
            status_code=200, content_type=content_types.APPLICATION_JSON, body=openapi_json(app)
        )

    @app.get("/docs", include_in_schema=False)
    def docs():  # type: ignore[no-untyped-def]
        return Response(status_code=200, content_type="text/html", body=swagger_ui(app))

    return app


def include_routers(app: APIGatewayRestResolver, path: str | None = None) -> None:
    """Include the router of `path`'s resource (none for an unknown one), or with no path every
    router; each at most once. Resources never share a path, so matching does not depend on
    the order routers were included in (nor does the document: it lists paths sorted)."""
    if path is None:
        wanted = list(ROUTERS.values())
    else:
        segment = path.lstrip("/").partition("/")[0]
        wanted = [ROUTERS[segment]] if segment in ROUTERS else []
    for module in wanted:
        _include(app, module)


@cache
def _include(app: APIGatewayRestResolver, module: str) -> None:
    app.include_router(importlib.import_module(module).router)


@cache
def openapi_json(app: APIGatewayRestResolver) -> str:
    """The OpenAPI document, without the components Powertools adds but nothing references."""
    include_routers(app)
    document = json.loads(app.get_openapi_json_schema(**openapi_info()))
    document["paths"] = dict(sorted(document.get("paths", {}).items()))
    schemas = document.get("components", {}).get("schemas", {})
    unused = ["start"]
    while unused:
        used = json.dumps({"paths": document.get("paths"), "schemas": schemas})
        unused = [name for name in schemas if f'"#/components/schemas/{name}"' not in used]
        for name in unused:
            del schemas[name]
    return json.dumps(document, indent=2) + "\n"


@cache
def swagger_ui(app: APIGatewayRestResolver) -> str:
    """Powertools' Swagger UI page (what `enable_swagger` serves), built on first use: calling
    `enable_swagger` at start-up would import the OpenAPI models on every cold start."""
    from aws_lambda_powertools.event_handler.openapi import swagger_ui as assets
    from aws_lambda_powertools.event_handler.openapi.swagger_ui.html import generate_swagger_html

    folder = Path(assets.__file__).parent
    return generate_swagger_html(
        openapi_json(app).replace("</", "<\\/"),
        (folder / "swagger-ui-bundle.min.js").read_text(encoding="utf-8"),
        (folder / "swagger-ui.min.css").read_text(encoding="utf-8"),
        swagger_base_url="",
        oauth2_config=None,
    )
