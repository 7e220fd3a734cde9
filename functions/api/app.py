"""The REST resolver: every router, the error mapping, and the generated OpenAPI document."""

import json
from functools import cache
from pathlib import Path
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response, content_types

from functions.api.errors import register_error_handlers
from functions.api.jsonbody import strict_json
from functions.api.routers import (
    connections,
    history,
    inbound_shipments,
    purchase_orders,
    sales_orders,
    stock,
    transfer_orders,
    warehouses,
)

ROUTERS = (
    connections.router,
    warehouses.router,
    inbound_shipments.router,
    transfer_orders.router,
    sales_orders.router,
    purchase_orders.router,
    stock.router,
    history.router,
)
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
    for router in ROUTERS:
        app.include_router(router)

    @app.get("/openapi.json", include_in_schema=False)
    def openapi():  # type: ignore[no-untyped-def]  # an annotation would enter the schema
        return Response(
            status_code=200, content_type=content_types.APPLICATION_JSON, body=openapi_json(app)
        )

    @app.get("/docs", include_in_schema=False)
    def docs():  # type: ignore[no-untyped-def]
        return Response(status_code=200, content_type="text/html", body=swagger_ui(app))

    return app


@cache
def openapi_json(app: APIGatewayRestResolver) -> str:
    """The OpenAPI document, without the components Powertools adds but nothing references."""
    document = json.loads(app.get_openapi_json_schema(**openapi_info()))
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
