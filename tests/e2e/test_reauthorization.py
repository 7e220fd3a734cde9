"""End to end over HTTP against `python -m infra.local`: a seller revokes the app; the connection
shows `authorization_lost` and what to do, nothing retries in a loop, and a new refresh token
through `PUT /connections/{id}/credentials` brings the syncs back at once."""

import uuid
from collections.abc import Iterator

import pytest

from infra.simulated_amazon.client import ControlClient
from tests.e2e.support import RunningBackend
from tests.e2e.tenant import US, Tenant, eventually, fast_backend


@pytest.fixture(scope="module")
def backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningBackend]:
    yield from fast_backend(tmp_path_factory.mktemp("reauthorization"))


def test_a_revoked_connection_waits_for_new_credentials_then_syncs_again(
    backend: RunningBackend,
) -> None:
    amazon = ControlClient(backend.sim_url)
    seller = f"E2E{uuid.uuid4().hex[:10].upper()}"
    token = amazon.create_seller(seller, [US])["refresh_token"]
    tenant = Tenant(backend)
    body = {"seller_id": seller, "region": "NA", "marketplace_ids": [US], "refresh_token": token}
    connection_id = tenant.call("POST", "/connections", 201, json=body)["connection_id"]
    tenant.synced_once(connection_id)

    amazon.revoke(seller)
    tenant.call("POST", f"/connections/{connection_id}/sync", 202)
    lost = eventually(
        "the connection shows its authorization is lost",
        lambda: tenant.call("GET", f"/connections/{connection_id}", 200),
        lambda c: c["status"] == "authorization_lost",
    )
    assert lost["amazon_error"] == "invalid_grant"
    assert f"PUT /connections/{connection_id}/credentials" in lost["action"]
    assert token not in str(lost)

    refused = tenant.api.put(
        f"/connections/{connection_id}/credentials", json={"refresh_token": token}
    )
    assert (refused.status_code, refused.json()["code"]) == (422, "refresh_token_refused")
    shipment = amazon.create_shipment(seller, US, {"SKU-BACK": 2}, status="SHIPPED")
    new_token = amazon.issue_refresh_token(seller)
    replaced = tenant.call(
        "PUT", f"/connections/{connection_id}/credentials", 200, json={"refresh_token": new_token}
    )

    assert replaced["status"] == "active"
    eventually(
        "the shipment made while the connection was lost is synced",
        lambda: tenant.call("GET", "/inbound-shipments", 200)["items"],
        lambda items: any(s["shipment_id"] == shipment for s in items),
    )
    back = tenant.call("GET", f"/connections/{connection_id}", 200)
    assert (back["status"], back["action"]) == ("active", None)
    assert back["sync"]["last_run"]["outcome"] == "completed"
