"""What the OpenAPI document promises beyond the models, route by route: every status a route can
answer is documented, including the refusals made before routing (which schemathesis cannot
provoke: it sends no body to a GET, and only UTF-8 bodies); every command's success links to what
it created or changed, and every link names a documented operation, its parameters, and a field
that the response (or request) it reads from has."""

import base64
import json
import re
from typing import Any

import pytest

from functions.api.app import openapi_json
from functions.api.contract import ANY_ROUTE_ERRORS
from functions.api.handler import app
from tests.api.gateway import ApiClient, rest_event
from tests.api.givens import an_own_warehouse

DOCUMENT = json.loads(openapi_json(app))
OPERATIONS = {
    (method.upper(), path): operation
    for path, operations in DOCUMENT["paths"].items()
    for method, operation in operations.items()
}
COMMANDS = sorted(route for route in OPERATIONS if route[0] in ("POST", "PUT", "PATCH"))


def documented(route: tuple[str, str]) -> set[int]:
    return {int(status) for status in OPERATIONS[route]["responses"]}


def some_path(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "some-id", path)


@pytest.mark.parametrize("route", sorted(OPERATIONS), ids=" ".join)
def test_the_refusals_before_routing_are_documented_on_every_route(
    api: ApiClient, route: tuple[str, str]
) -> None:
    method, path = route
    url = some_path(path)
    not_utf8 = rest_event(
        method, url, tenant=api.tenant, raw_body=base64.b64encode(b"\xff").decode()
    )
    refusals = {
        401: api.as_tenant(None).request(method, url),
        415: api.request(method, url, raw_body="x", headers={"Content-Type": "text/plain"}),
        400: api.send({**not_utf8, "isBase64Encoded": True}),
    }

    for status, reply in refusals.items():
        assert reply.status == status, (route, reply.text)
        assert reply.json["code"]
    assert set(refusals) | set(ANY_ROUTE_ERRORS) <= documented(route)


@pytest.mark.parametrize("route", COMMANDS, ids=" ".join)
def test_every_command_links_to_what_it_returns(route: tuple[str, str]) -> None:
    successes = [
        response
        for status, response in OPERATIONS[route]["responses"].items()
        if status.startswith("2")
    ]

    assert [bool(response.get("links")) for response in successes] == [True]


def links() -> list[tuple[str, str, str, dict[str, Any]]]:
    return [
        (f"{method} {path}", status, name, link)
        for (method, path), operation in OPERATIONS.items()
        for status, response in operation["responses"].items()
        for name, link in response.get("links", {}).items()
    ]


@pytest.mark.parametrize(("source", "status", "name", "link"), links(), ids=lambda v: str(v))
def test_every_link_names_an_operation_its_parameters_and_fields_that_exist(
    source: str, status: str, name: str, link: dict[str, Any]
) -> None:
    method, path = source.split(" ")
    target = operation_at(link["operationRef"])
    parameters = {(p["in"], p["name"]) for p in target.get("parameters", [])}
    for key, value in link["parameters"].items():
        location, _, parameter = key.partition(".")
        assert (location, parameter) in parameters, (source, name, key)
        if value.startswith("$response.body#/"):
            schema = OPERATIONS[(method, path)]["responses"][status]["content"]
            assert field_at(schema["application/json"]["schema"], value), (source, name, value)
        elif value.startswith("$request.body#/"):
            schema = OPERATIONS[(method, path)]["requestBody"]["content"]
            assert field_at(schema["application/json"]["schema"], value), (source, name, value)
        else:
            assert not value.startswith("$"), (source, name, value)
    required = {(p["in"], p["name"]) for p in target.get("parameters", []) if p.get("required")}
    given = {tuple(key.split(".", 1)) for key in link["parameters"]}
    assert {p for p in required if p[0] == "path"} <= given, (source, name)


def operation_at(reference: str) -> dict[str, Any]:
    assert reference.startswith("#/paths/"), reference
    *escaped, method = reference.removeprefix("#/paths/").split("/")
    path = "/".join(escaped).replace("~1", "/").replace("~0", "~")
    return OPERATIONS[(method.upper(), path)]


def field_at(schema: dict[str, Any], expression: str) -> bool:
    """Whether the JSON pointer of a runtime expression names a field `schema` declares."""
    for segment in expression.split("#/", 1)[1].split("/"):
        schema = resolved(schema)
        if segment.isdigit():
            if "items" not in schema:
                return False
            schema = schema["items"]
        else:
            options = [resolved(s) for s in schema.get("oneOf", schema.get("anyOf", [schema]))]
            found = [
                s["properties"][segment] for s in options if segment in s.get("properties", {})
            ]
            if not found:
                return False
            schema = found[0]
    return True


def resolved(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = DOCUMENT["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def test_the_history_of_an_unknown_or_another_tenants_stream_is_404_on_any_page(
    api: ApiClient,
) -> None:
    # Found by schemathesis' object_level_authorization: past the first page, another tenant's
    # warehouse answered 200 with no events, the same body its owner gets there.
    warehouse_id = an_own_warehouse(api)
    path = f"/history/warehouse/{warehouse_id}"

    assert api.get(path, from_version="1000").status == 200
    for other in (
        api.as_tenant("someone-else").get(path, from_version="1000"),
        api.get("/history/warehouse/no-such-warehouse", from_version="1000"),
    ):
        assert (other.status, other.json["code"]) == (404, "not_found")
