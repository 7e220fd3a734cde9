"""End to end over HTTP against `python -m infra.local`: a tenant cannot reach another tenant's
Amazon figures by claiming its seller id. Connections are made through Amazon's consent page (or
a refresh token Login with Amazon honours), and notifications are routed by the subscription the
connection's own grant made, never by the seller id inside them."""

import uuid
from collections.abc import Iterator

import pytest

from infra.simulated_amazon.client import ControlClient
from tests.e2e.support import RunningBackend
from tests.e2e.tenant import US, Tenant, eventually, fast_backend

SKU = "SKU-PRIVATE"


@pytest.fixture(scope="module")
def backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningBackend]:
    yield from fast_backend(tmp_path_factory.mktemp("seller-isolation"))


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
