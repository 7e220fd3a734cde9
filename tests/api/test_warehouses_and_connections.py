"""Warehouses renamed, enabled and disabled; a connection's marketplaces added and removed with
their FBA warehouses; a connection disconnected and connected again: over the real handler, and
what the sync worker and the schedule make of it."""

from collections.abc import Iterator
from typing import Any

import pytest

from domain.connection import (
    ChangeConnectionMarketplaces,
    ConnectionStatus,
    Disconnect,
    decide,
    decide_marketplaces,
)
from domain.streams import StreamKind
from domain.warehouse import fba_warehouse_id
from functions.connection_state.registry import ConnectionRegistry
from infra.simulated_amazon import ControlClient, SimulatedAmazon
from tests.api.conftest import Aws
from tests.api.gateway import ApiClient, Reply
from tests.api.givens import CA, REFRESH_TOKEN, US, a_connection, an_own_warehouse
from tests.api.test_authorizations import secrets_of
from tests.sync.harness import AwsClients as SyncAws
from tests.sync.harness import SyncWorld

READS_VIEWS = True
UK = "A1F83G8C2ARO7P"


def patch(api: ApiClient, path: str, body: Any) -> Reply:
    return api.request("PATCH", path, body=body)


def history(api: ApiClient, kind: str, entity_id: str) -> list[str]:
    return [e["type"] for e in api.get(f"/history/{kind}/{entity_id}").json["events"]]


def refused_field(reply: Reply) -> str:
    [error] = reply.json["errors"]
    return str(error["field"])


# -- warehouses --------------------------------------------------------------------------------


def test_a_disabled_own_warehouse_keeps_its_stock_and_history_and_is_no_source(
    api: ApiClient,
) -> None:
    store, other = an_own_warehouse(api, "Store"), an_own_warehouse(api, "Other")
    api.post(f"/warehouses/{store}/stock-counts", {"lines": [{"sku": "SKU-1", "quantity": 50}]})

    changed = patch(api, f"/warehouses/{store}", {"name": "Back room", "enabled": False})
    again = patch(api, f"/warehouses/{store}", {"name": "Back room", "enabled": False})
    read = api.get(f"/warehouses/{store}").json
    stock = api.get("/stock", warehouse_id=store, sku="SKU-1").json["items"]
    lines = {"lines": [{"sku": "SKU-1", "quantity": 5}]}
    transfer = api.post(
        "/transfer-orders",
        {"source_warehouse_id": store, "destination_warehouse_id": other, **lines},
    )
    enabled = patch(api, f"/warehouses/{store}", {"enabled": True})

    assert changed.status == 200, changed.text
    assert changed.json == {
        "warehouse_id": store,
        "name": "Back room",
        "enabled": False,
        "address": None,
        "members": [],
        "version": 4,
    }
    assert again.json == changed.json  # nothing new appended
    assert (read["name"], read["enabled"], read["version"]) == ("Back room", False, 4)
    assert stock[0]["on_hand"] == 50
    assert history(api, "warehouse", store) == [
        "WarehouseCreated",
        "StockCounted",
        "WarehouseRenamed",
        "WarehouseEnabledChanged",
        "WarehouseEnabledChanged",  # enabled again
    ]
    assert transfer.status in (409, 422), transfer.text
    assert refused_field(transfer) == "body.source_warehouse_id"
    assert (enabled.json["enabled"], enabled.json["version"]) == (True, 5)


def test_amazon_warehouses_are_renamed_but_follow_their_connection(api: ApiClient) -> None:
    connection_id = a_connection(api)
    fba, fbm = fba_warehouse_id(connection_id, US), f"fbm-{connection_id}"

    renamed = patch(api, f"/warehouses/{fba}", {"name": "Amazon US"})
    both = patch(api, f"/warehouses/{fba}", {"name": "Other name", "enabled": False})
    fbm_off = patch(api, f"/warehouses/{fbm}", {"enabled": False})
    fbm_on = patch(api, f"/warehouses/{fbm}", {"enabled": True})  # as it is: nothing to refuse

    assert (renamed.status, renamed.json["name"]) == (200, "Amazon US"), renamed.text
    assert (both.status, refused_field(both)) == (422, "body.enabled")
    assert "marketplace" in both.json["message"]
    assert (fbm_off.status, refused_field(fbm_off)) == (422, "body.enabled")
    assert (fbm_on.status, fbm_on.json["version"]) == (200, 1)
    read = api.get(f"/warehouses/{fba}").json
    assert (read["name"], read["enabled"]) == ("Amazon US", True)  # all or nothing


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": " "}, "body.name"),
        ({"enabled": "yes"}, "body.enabled"),
        ({"kind": "fba"}, "body.kind"),
    ],
)
def test_bad_warehouse_changes_are_refused_with_the_field(
    api: ApiClient, body: dict[str, Any], field: str
) -> None:
    store = an_own_warehouse(api)

    refused = patch(api, f"/warehouses/{store}", body)

    assert (refused.status, refused.json["code"]) == (422, "validation_failed"), refused.text
    assert field in [e["field"] for e in refused.json["errors"]]
    assert history(api, "warehouse", store) == ["WarehouseCreated"]


def test_an_empty_change_changes_nothing_and_an_unknown_warehouse_is_not_found(
    api: ApiClient,
) -> None:
    store = an_own_warehouse(api)

    empty = patch(api, f"/warehouses/{store}", {})
    unknown = patch(api, "/warehouses/wh-nope", {"name": "X"})

    assert (empty.status, empty.json["version"]) == (200, 1), empty.text
    assert (unknown.status, unknown.json["code"]) == (404, "not_found")


# -- marketplaces ------------------------------------------------------------------------------


def test_a_marketplace_added_gets_its_warehouse_and_one_removed_has_it_disabled(
    api: ApiClient,
) -> None:
    connection_id = a_connection(api)
    path, ca = f"/connections/{connection_id}", fba_warehouse_id(connection_id, CA)

    added = patch(api, path, {"marketplace_ids": [US, CA]})
    override = {"marketplace_overrides": {CA: {"default_order_type": "purchase_order"}}}
    api.request("PUT", f"{path}/settings", body=override)
    removed = patch(api, path, {"marketplace_ids": [US]})
    disabled = api.get(f"/warehouses/{ca}").json
    settings = api.get(f"{path}/settings").json
    same = patch(api, path, {"marketplace_ids": [US]})
    back = patch(api, path, {"marketplace_ids": [US, CA]})

    assert added.status == 200, added.text
    assert (added.json["added"], added.json["removed"]) == ([CA], [])
    assert added.json["warehouses"] == [
        {
            "warehouse_id": ca,
            "name": "Amazon FBA CA (A1SELLER)",
            "kind": "fba",
            "marketplace_id": CA,
            "enabled": True,
        }
    ]
    assert added.json["sync_requested_at"] is not None  # its syncs start covering it
    assert (removed.json["removed"], removed.json["warehouses"][0]["enabled"]) == ([CA], False)
    assert (disabled["enabled"], disabled["marketplace_id"]) == (False, CA)  # never deleted
    assert settings["marketplace_overrides"] == {}  # the removed marketplace's override lapsed
    assert list(settings["effective_rules"]) == [US]
    assert (same.json["version"], same.json["sync_requested_at"]) == (removed.json["version"], None)
    assert back.json["warehouses"][0]["enabled"] is True
    assert history(api, "warehouse", ca) == [
        "WarehouseCreated",
        "WarehouseEnabledChanged",
        "WarehouseEnabledChanged",
    ]
    assert api.get(path).json["marketplace_ids"] == [US, CA]


def test_marketplaces_of_another_region_or_none_at_all_are_refused(api: ApiClient) -> None:
    connection_id = a_connection(api)
    path = f"/connections/{connection_id}"

    other_region = patch(api, path, {"marketplace_ids": [US, UK]})
    none = patch(api, path, {"marketplace_ids": []})
    twice = patch(api, path, {"marketplace_ids": [US, US]})
    unknown = patch(api, "/connections/conn-nope", {"marketplace_ids": [US]})

    assert (other_region.status, refused_field(other_region)) == (422, "body.marketplace_ids")
    assert UK in other_region.json["message"]
    assert (none.status, none.json["code"]) == (422, "validation_failed")
    assert (twice.status, twice.json["code"]) == (422, "validation_failed")
    assert (unknown.status, unknown.json["code"]) == (404, "not_found")
    assert history(api, "connection", connection_id) == ["ConnectionCreated"]


# -- disconnecting -----------------------------------------------------------------------------


def test_a_disconnected_connection_stops_syncing_loses_its_token_and_keeps_its_data(
    api: ApiClient, aws: Aws
) -> None:
    connection_id = a_connection(api)
    path = f"/connections/{connection_id}"

    done = api.post(f"{path}/disconnect")
    again = api.post(f"{path}/disconnect")
    read = api.get(path).json
    sync = api.post(f"{path}/sync")
    warehouses = [w["warehouse_id"] for w in api.get("/warehouses").json["items"]]

    assert done.status == 200, done.text
    assert (done.json["status"], done.json["version"]) == ("disconnected", 2)
    assert again.json == done.json  # nothing more appended
    assert secrets_of(aws, api.tenant) == []
    assert (read["status"], read["disconnected_at"]) == (
        "disconnected",
        done.json["disconnected_at"],
    )
    assert f"PUT /connections/{connection_id}/credentials" in read["action"]
    assert (sync.status, sync.json["code"]) == (409, "connection_disconnected")
    assert fba_warehouse_id(connection_id, US) in warehouses  # its data stays

    reconnected = api.request("PUT", f"{path}/credentials", body={"refresh_token": REFRESH_TOKEN})

    assert (reconnected.status, reconnected.json["status"]) == (200, "active"), reconnected.text
    assert len(secrets_of(aws, api.tenant)) == 1
    after = api.get(path).json
    assert (after["status"], after["disconnected_at"], after["action"]) == ("active", None, None)
    assert api.post(f"{path}/sync").status == 202


def test_disconnecting_an_unknown_connection_is_not_found(api: ApiClient) -> None:
    reply = api.post("/connections/conn-nope/disconnect")

    assert (reply.status, reply.json["code"]) == (404, "not_found")


# -- what the sync makes of it -----------------------------------------------------------------


@pytest.fixture
def world(aws_env: None, moto_server: str, amazon: SimulatedAmazon) -> Iterator[SyncWorld]:
    """A seller selling in the US and Canada, connected in both, and the real sync worker;
    notifications subscribed on its first sync."""
    with ControlClient(amazon.url) as control:
        yield SyncWorld(
            SyncAws(moto_server), control, amazon.url, marketplace_ids=[US, CA], notify=True
        )


def change_marketplaces(world: SyncWorld, *marketplace_ids: str) -> None:
    """What PATCH /connections/{id} appends."""
    aggregates, tenant, cid = world._aggregates(), world.tenant_id, world.connection_id
    loaded = aggregates.load(tenant, StreamKind.CONNECTION, cid)
    fba = {
        m: aggregates.load(tenant, StreamKind.WAREHOUSE, fba_warehouse_id(cid, m)) for m in {US, CA}
    }
    command = ChangeConnectionMarketplaces(connection_id=cid, marketplace_ids=marketplace_ids)
    decision = decide_marketplaces(command, loaded.state, {m: w.state for m, w in fba.items()})
    versions = {(StreamKind.CONNECTION.value, cid): loaded.version} | {
        (StreamKind.WAREHOUSE.value, fba_warehouse_id(cid, m)): w.version for m, w in fba.items()
    }
    aggregates.save(world._user_context("marketplaces"), decision, versions)


def disconnect(world: SyncWorld) -> None:
    """What POST /connections/{id}/disconnect appends."""
    aggregates = world._aggregates()
    loaded = aggregates.load(world.tenant_id, StreamKind.CONNECTION, world.connection_id)
    command = Disconnect(connection_id=world.connection_id, disconnected_at=world.clock.now())
    key = (StreamKind.CONNECTION.value, world.connection_id)
    events = decide(command, loaded.state)
    aggregates.save(world._user_context("disconnect"), {key: events}, {key: loaded.version})


def discovered(world: SyncWorld, shipment_id: str) -> bool:
    return bool(world.stream(shipment_id))


def test_the_sync_covers_exactly_the_connections_marketplaces_as_they_change(
    world: SyncWorld,
) -> None:
    change_marketplaces(world, US)
    in_us = world.control.create_shipment(world.seller_id, US, {"A": 3}, status="SHIPPED")
    in_ca = world.control.create_shipment(world.seller_id, CA, {"B": 2}, status="SHIPPED")

    world.sync()
    covered_before = (discovered(world, in_us), discovered(world, in_ca))
    subscription = world.subscription_id
    assert subscription is not None
    registry = ConnectionRegistry(world.state)
    [routed_before] = registry.connections_of_subscription(subscription)
    change_marketplaces(world, US, CA)
    world.sync()

    assert covered_before == (True, False)  # a removed marketplace is not synced
    assert routed_before.marketplace_ids == (US,)
    assert discovered(world, in_ca)  # an added one is, from its first run, over the lookback
    [registered] = registry.connections()
    assert registered.marketplace_ids == (US, CA)
    [routed] = registry.connections_of_subscription(subscription)
    assert routed.marketplace_ids == (US, CA)  # its inventory notifications are recorded too


def test_a_disconnected_connection_is_skipped_by_the_schedule_until_connected_again(
    world: SyncWorld,
) -> None:
    world.sync()
    subscription = world.subscription_id
    registry = ConnectionRegistry(world.state)
    assert world.scheduled() == 1
    disconnect(world)
    world.control.reset_calls()

    answers = world.sync()  # a job queued before the disconnect

    assert answers[-1]["batchItemFailures"] == []  # consumed, not retried
    assert sum(c["served"] for c in world.control.calls().values()) == 0
    [registered] = registry.connections()
    assert registered.status is ConnectionStatus.DISCONNECTED
    assert world.scheduled() == 0
    assert subscription is not None
    assert registry.connections_of_subscription(subscription) == []  # notifications stop

    world.reauthorize(world.control.issue_refresh_token(world.seller_id))
    world.sync()

    assert registry.connections()[0].status is ConnectionStatus.ACTIVE
    assert len(registry.connections_of_subscription(subscription)) == 1  # subscribed again
    assert world.scheduled() == 1
