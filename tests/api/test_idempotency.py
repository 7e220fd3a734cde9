"""Idempotency-Key: a retried command replays its first response and appends nothing more."""

import uuid

from domain.streams import StreamId, StreamKind
from functions.api.wiring import Services
from tests.api.gateway import ApiClient
from tests.api.givens import an_own_warehouse, reconciled


def a_key() -> str:
    return f"key-{uuid.uuid4()}"


def test_the_same_key_and_body_replay_the_response_and_append_nothing(
    api: ApiClient, services: Services
) -> None:
    assert api.tenant is not None
    warehouse_id = an_own_warehouse(api)
    key, body = a_key(), {"lines": [{"sku": "SKU-1", "quantity": 7}]}

    first = api.post(f"/warehouses/{warehouse_id}/stock-counts", body, key=key)
    second = api.post(f"/warehouses/{warehouse_id}/stock-counts", body, key=key)

    assert first.status == second.status == 200
    assert first.json == second.json
    stream = StreamId(tenant_id=api.tenant, kind=StreamKind.WAREHOUSE, entity_id=warehouse_id)
    assert [e.type for e in services.events.read(stream)] == ["WarehouseCreated", "StockCounted"]


def test_a_retried_create_returns_the_same_new_id(api: ApiClient) -> None:
    key = a_key()

    first = api.post("/warehouses", {"name": "Overflow"}, key=key)
    second = api.post("/warehouses", {"name": "Overflow"}, key=key)

    assert first.status == second.status == 201
    assert first.json["warehouse_id"] == second.json["warehouse_id"]


def test_the_same_key_with_another_body_is_refused(api: ApiClient) -> None:
    key = a_key()
    api.post("/warehouses", {"name": "Overflow"}, key=key)

    other = api.post("/warehouses", {"name": "Another"}, key=key)

    assert (other.status, other.json["code"]) == (422, "idempotency_key_reused")


def test_the_same_key_on_another_resource_is_refused(api: ApiClient) -> None:
    key, body = a_key(), {"lines": [{"sku": "SKU-1", "quantity": 7}]}
    first, second = an_own_warehouse(api), an_own_warehouse(api)
    api.post(f"/warehouses/{first}/stock-counts", body, key=key)

    other = api.post(f"/warehouses/{second}/stock-counts", body, key=key)

    assert (other.status, other.json["code"]) == (422, "idempotency_key_reused")


def test_keys_are_per_tenant(api: ApiClient) -> None:
    key = a_key()
    other_tenant = api.as_tenant(f"tenant-{uuid.uuid4().hex[:10]}")

    mine = api.post("/warehouses", {"name": "Overflow"}, key=key)
    theirs = other_tenant.post("/warehouses", {"name": "Overflow"}, key=key)

    assert mine.status == theirs.status == 201
    assert mine.json["warehouse_id"] != theirs.json["warehouse_id"]


def test_a_refused_command_is_not_remembered(api: ApiClient, services: Services) -> None:
    ids = reconciled(api, services)
    key, path = a_key(), f"/purchase-orders/{ids['purchase_order_id']}/acknowledge-discrepancy"

    first = api.post(path, key=key)
    second = api.post(path, key=key)

    assert first.status == second.status == 409


def test_a_replay_is_answered_again_while_a_keyless_repeat_conflicts(
    api: ApiClient, services: Services
) -> None:
    ids = reconciled(api, services)
    key, path = a_key(), f"/sales-orders/{ids['sales_order_id']}/status"

    first = api.post(path, {"status": "shipped"}, key=key)
    replay = api.post(path, {"status": "shipped"}, key=key)
    without_key = api.post(path, {"status": "shipped"})

    assert (first.status, replay.status, without_key.status) == (200, 200, 409)
    assert replay.json == first.json
