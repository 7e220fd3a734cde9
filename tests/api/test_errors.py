"""Bad input is a 4xx with a stable code and JSON body, never a 500."""

import json

import pytest
from aws_lambda_powertools.event_handler import APIGatewayRestResolver

from functions.api.errors import register_error_handlers
from functions.shared.views.planning_queries import HistoryTooLong
from functions.shared.views.product_queries import TooManyListings
from tests.api.gateway import ApiClient, rest_event
from tests.api.givens import an_own_warehouse
from tests.projections.delivery import lambda_context


def test_no_tenant_claim_is_401_on_any_route(api: ApiClient) -> None:
    anonymous = api.as_tenant(None)

    for method, path in [("GET", "/warehouses"), ("POST", "/warehouses"), ("GET", "/nowhere")]:
        reply = anonymous.request(method, path, body={"name": "x"})
        assert (reply.status, reply.json["code"]) == (401, "unauthorized"), path


@pytest.mark.parametrize("tenant", ["", "a#b", "x" * 65, "tenant with spaces"])
def test_an_unusable_tenant_claim_is_401(api: ApiClient, tenant: str) -> None:
    assert api.as_tenant(tenant).post("/warehouses", {"name": "x"}).status == 401


def test_the_documentation_needs_no_credentials(api: ApiClient) -> None:
    anonymous = api.as_tenant(None)

    document = anonymous.get("/openapi.json")
    ui = anonymous.get("/docs")

    assert document.status == 200
    assert document.json["openapi"].startswith("3.")
    assert ui.status == 200
    assert "text/html" in ui.headers["Content-Type"]


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ('{"name": ', "malformed_json"),
        ("NaN", "malformed_json"),
        ('{"name": Infinity}', "malformed_json"),
        ('{"name": ' + "1" * 5000 + "}", "malformed_json"),
        ("[" * 100_000 + "]" * 100_000, "malformed_json"),
    ],
)
def test_a_body_that_is_not_plain_json_is_a_400(api: ApiClient, raw: str, code: str) -> None:
    reply = api.request("POST", "/warehouses", raw_body=raw)

    assert (reply.status, reply.json["code"]) == (400, code)


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "multipart/form-data", "application/x-www-form-urlencoded", "application/xml"],
)
def test_a_body_of_another_media_type_is_a_415(api: ApiClient, content_type: str) -> None:
    reply = api.request(
        "POST", "/warehouses", raw_body="name=x", headers={"Content-Type": content_type}
    )

    assert (reply.status, reply.json["code"]) == (415, "unsupported_media_type")


def test_json_with_a_charset_is_json(api: ApiClient) -> None:
    reply = api.request(
        "POST",
        "/warehouses",
        raw_body='{"name": "Main"}',
        headers={"Content-Type": "application/json; charset=utf-8"},
    )

    assert reply.status == 201


def test_invalid_fields_are_named_with_the_reason(api: ApiClient) -> None:
    warehouse_id = an_own_warehouse(api)

    reply = api.post(
        f"/warehouses/{warehouse_id}/stock-counts",
        {"lines": [{"sku": "S", "quantity": 10**30}, {"sku": "", "quantity": -1}]},
    )

    assert (reply.status, reply.json["code"]) == (422, "validation_failed")
    fields = {e["field"] for e in reply.json["errors"]}
    assert fields == {"body.lines.0.quantity", "body.lines.1.sku", "body.lines.1.quantity"}
    assert all(e["reason"] for e in reply.json["errors"])


@pytest.mark.parametrize("body", [None, [], "text", 3, {"name": "x", "extra": 1}])
def test_a_body_of_the_wrong_shape_is_a_422(api: ApiClient, body: object) -> None:
    reply = api.request("POST", "/warehouses", raw_body="null" if body is None else None, body=body)

    assert (reply.status, reply.json["code"]) == (422, "validation_failed")


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("/history/sales-order/so-1", {"limit": "0"}),
        ("/history/sales-order/so-1", {"limit": "many"}),
        ("/history/sales-order/so-1", {"from_version": "9" * 40}),
        ("/history/nothing/so-1", None),
        ("/history/sales-order/a%23b", None),
    ],
)
def test_invalid_parameters_are_a_400(
    api: ApiClient, path: str, query: dict[str, str] | None
) -> None:
    reply = api.request("GET", path, query=query)

    assert (reply.status, reply.json["code"]) == (400, "invalid_parameter"), reply.text


def test_an_invalid_idempotency_key_is_a_400(api: ApiClient) -> None:
    reply = api.post("/warehouses", {"name": "x"}, key="not a valid key!")

    assert (reply.status, reply.json["code"]) == (400, "invalid_parameter")


def test_unknown_routes_are_json_404s(api: ApiClient) -> None:
    for method, path in [("GET", "/nowhere"), ("DELETE", "/warehouses/wh-1/nothing")]:
        reply = api.send(rest_event(method, path, tenant=api.tenant))
        assert (reply.status, reply.json["code"]) == (404, "not_found")


def test_other_methods_on_a_known_path_are_405s_saying_what_is_allowed(api: ApiClient) -> None:
    reply = api.send(rest_event("DELETE", "/warehouses", tenant=api.tenant))

    assert (reply.status, reply.json["code"]) == (405, "method_not_allowed")
    assert reply.headers["Allow"] == "GET, POST"


@pytest.mark.parametrize(
    ("refusal", "code"),
    [
        (TooManyListings("product prod-1"), "too_many_listings"),
        (HistoryTooLong("prod-1", "wh-1"), "too_much_history"),
    ],
)
def test_a_figure_too_big_to_read_in_one_request_is_a_422_naming_why(
    refusal: Exception, code: str
) -> None:
    # Given the API's error handlers on a route whose read meets more than it may read
    app = APIGatewayRestResolver()
    register_error_handlers(app)

    @app.get("/figure")
    def figure() -> None:
        raise refusal

    # Then the caller gets a 422 with the reason's code and what to do about it
    reply = app.resolve(rest_event("GET", "/figure", tenant="t-1"), lambda_context())
    body = json.loads(reply["body"])
    assert (reply["statusCode"], body["code"]) == (422, code)
    assert body["message"] == str(refusal)
