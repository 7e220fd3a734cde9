"""Each resource's router is included on the first request for it (`functions.api.app`): a fresh
app serves every resource, answers unknown paths and methods as before, and documents every
route whatever was requested first."""

import pkgutil
from dataclasses import replace
from pathlib import Path

import pytest

from functions.api import routers
from functions.api.app import ROUTERS, build_app, openapi_json
from tests.api.gateway import ApiClient, rest_event

COMMITTED = Path(__file__).resolve().parents[2] / "openapi.json"


@pytest.fixture
def fresh(api: ApiClient) -> ApiClient:
    """The handler serving with an app no request has reached yet, as at a cold start."""
    return replace(api, resolver=build_app())


def test_every_router_module_is_mapped_from_its_resource() -> None:
    modules = {
        f"{routers.__name__}.{module.name}" for module in pkgutil.iter_modules(routers.__path__)
    }

    assert set(ROUTERS.values()) == modules - {f"{routers.__name__}.params"}


@pytest.mark.parametrize(
    ("path", "query", "status"),
    [
        ("/connections", None, 200),
        ("/warehouses", None, 200),
        ("/inbound-shipments", None, 200),
        ("/transfer-orders", None, 200),
        ("/sales-orders/so-1", None, 404),
        ("/purchase-orders/po-1", None, 404),
        ("/stock", {"sku": "SKU-1"}, 200),
        ("/history/sales-order/so-1", None, 404),
    ],
)
def test_a_fresh_app_serves_each_resource_on_its_first_request(
    fresh: ApiClient,
    path: str,
    query: dict[str, str] | None,
    status: int,
) -> None:
    reply = fresh.request("GET", path, query=query)

    assert reply.status == status, reply.text
    if status == 404:  # the route ran: the entity is unknown, not the path
        assert reply.json["message"] != "no such resource", reply.text


def test_a_fresh_app_answers_another_method_on_a_known_path_with_405_and_allow(
    fresh: ApiClient,
) -> None:
    reply = fresh.send(rest_event("DELETE", "/warehouses", tenant=fresh.tenant))

    assert (reply.status, reply.json["code"]) == (405, "method_not_allowed")
    assert reply.headers["Allow"] == "GET, POST"


@pytest.mark.parametrize("path", ["/", "/nowhere", "/warehouse", "//", "/openapi.json/x"])
def test_a_fresh_app_answers_unknown_paths_with_404(fresh: ApiClient, path: str) -> None:
    reply = fresh.send(rest_event("GET", path, tenant=fresh.tenant))

    assert (reply.status, reply.json["code"]) == (404, "not_found"), reply.text


def test_the_document_lists_every_route_whatever_was_requested_first(fresh: ApiClient) -> None:
    fresh.get("/stock", sku="SKU-1")
    fresh.get("/warehouses")

    assert openapi_json(fresh.resolver) == COMMITTED.read_text()


def test_a_fresh_app_serves_the_whole_document_first(fresh: ApiClient) -> None:
    reply = fresh.get("/openapi.json")

    assert reply.status == 200
    assert reply.text == COMMITTED.read_text()
