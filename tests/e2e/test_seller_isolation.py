"""End to end over HTTP against `python -m infra.local`: a tenant cannot reach another tenant's
Amazon figures by claiming its seller id. Connections are made through Amazon's consent page (or
a refresh token Login with Amazon honours), and notifications are routed by the subscription the
connection's own grant made, never by the seller id inside them."""

import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any, TypeVar
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from infra.simulated_amazon.client import ControlClient
from tests.e2e.support import RunningBackend

US = "ATVPDKIKX0DER"
SKU = "SKU-PRIVATE"
DEADLINE_SECONDS = 30.0
T = TypeVar("T")


@pytest.fixture(scope="module")
def backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningBackend]:
    log_path = tmp_path_factory.mktemp("seller-isolation") / "local-runtime.log"
    running = RunningBackend(None, log_path=log_path, schedule_seconds=5, rate_scale=100)
    running.start()
    yield running
    running.kill()


def eventually(what: str, read: Callable[[], T], shows: Callable[[T], bool]) -> T:
    deadline = time.monotonic() + DEADLINE_SECONDS
    while True:
        answer = read()
        if shows(answer):
            return answer
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not shown in {DEADLINE_SECONDS:g} s; last: {answer!r}")
        time.sleep(0.3)


class Tenant:
    def __init__(self, backend: RunningBackend) -> None:
        self.api = httpx.Client(
            base_url=backend.api_url,
            headers={"Authorization": f"Bearer dev:e2e-{uuid.uuid4().hex[:10]}"},
            timeout=30,
        )

    def call(self, method: str, path: str, expect: int, **kw: Any) -> Any:
        response = self.api.request(method, path, **kw)
        body = response.json() if response.content else None
        assert response.status_code == expect, f"{method} {path}: {response.status_code} {body}"
        return body

    def consent_as(self, seller_id: str, claimed_seller_id: str | None = None) -> str:
        """Start connecting, sign in on Amazon's consent page as `seller_id`, come back and
        complete (claiming `claimed_seller_id` if given); returns the connection id."""
        started = self.call(
            "POST",
            "/connections/authorizations",
            201,
            json={"region": "NA", "marketplace_ids": [US]},
        )
        answer = httpx.get(f"{started['consent_url']}&seller_id={seller_id}")
        assert answer.status_code == 302, answer.text
        returned = {
            k: v[0] for k, v in parse_qs(urlsplit(answer.headers["location"]).query).items()
        }
        assert returned["state"] == started["state"]
        created = self.call(
            "POST",
            f"/connections/authorizations/{returned['state']}/complete",
            201,
            json={
                "spapi_oauth_code": returned["spapi_oauth_code"],
                "selling_partner_id": claimed_seller_id or returned["selling_partner_id"],
            },
        )
        return str(created["connection_id"])

    def synced_once(self, connection_id: str) -> None:
        eventually(
            f"connection {connection_id} synced",
            lambda: self.api.get(f"/connections/{connection_id}"),
            lambda r: r.status_code == 200 and r.json()["sync"]["last_completed_run"] is not None,
        )

    def stock_of(self, sku: str) -> list[dict[str, Any]]:
        return list(self.call("GET", "/stock", 200, params={"sku": sku})["items"])


def test_another_tenant_never_sees_a_sellers_amazon_figures(backend: RunningBackend) -> None:
    amazon = ControlClient(backend.sim_url)
    seller_a, seller_b = (f"E2E{uuid.uuid4().hex[:10].upper()}" for _ in "ab")
    amazon.create_seller(seller_a, [US])
    amazon.create_seller(seller_b, [US])
    a, b = Tenant(backend), Tenant(backend)

    connection_a = a.consent_as(seller_a)
    # B claims A's seller id with a token Amazon never issued: refused, nothing created.
    refused = b.api.post(
        "/connections",
        json={
            "seller_id": seller_a,
            "region": "NA",
            "marketplace_ids": [US],
            "refresh_token": "Atzr|made-up",
        },
    )
    assert (refused.status_code, refused.json()["code"]) == (422, "refresh_token_refused")
    # B consents with its own seller account and claims to be A: its grant is still B's.
    connection_b = b.consent_as(seller_b, claimed_seller_id=seller_a)
    a.synced_once(connection_a)  # the first syncs subscribe each grant to notifications
    b.synced_once(connection_b)

    shipment = amazon.create_shipment(seller_a, US, {SKU: 10}, status="SHIPPED")
    amazon.receive(shipment, {SKU: 4})

    [row] = eventually(
        "A's FBA stock shows Amazon's figures for the SKU",
        lambda: a.stock_of(SKU),
        lambda rows: len(rows) == 1 and rows[0]["amazon"] is not None,
    )
    assert row["amazon"]["source"].startswith("notification:")
    # The consumer handles each message for every connection it reaches, at once: by now B's
    # would show it too, had the message reached B.
    assert b.stock_of(SKU) == []
    everything_b_sees = b.call("GET", "/stock", 200)["items"]
    assert SKU not in str(everything_b_sees)
