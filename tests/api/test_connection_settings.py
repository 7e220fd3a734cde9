"""A connection's settings over the real handler: the watch window and the order rules (what a
shipment the sync discovers becomes), read and changed with GET/PUT (and the older POST), and
given when the connection opens, with a token or through Amazon's authorization workflow.
Refusals name their field and append nothing."""

from typing import Any

import pytest

from domain.streams import StreamId, StreamKind
from functions.api.wiring import Services
from infra.simulated_amazon import ControlClient, SimulatedAmazon
from tests.api.conftest import Aws
from tests.api.gateway import ApiClient, Reply
from tests.api.givens import CA, REFRESH_TOKEN, SELLER, US, a_connection, an_own_warehouse
from tests.api.test_authorizations import complete, consent, secrets_of
from tests.support import fresh_name

READS_VIEWS = True
MX = "A1AM78C64UM0Y8"
NONE = {"default_order_type": "none", "default_source_warehouse_id": None}
PURCHASE = {"default_order_type": "purchase_order", "default_source_warehouse_id": None}
APPLIES_TO = "shipments discovered from now on"


def put(api: ApiClient, connection_id: str, body: Any) -> Reply:
    return api.request("PUT", f"/connections/{connection_id}/settings", body=body)


def settings_of(api: ApiClient, connection_id: str) -> Any:
    reply = api.get(f"/connections/{connection_id}/settings")
    assert reply.status == 200, reply.text
    return reply.json


def transfer(source: str) -> dict[str, Any]:
    return {"default_order_type": "transfer_order", "default_source_warehouse_id": source}


def logged(api: ApiClient, services: Services, connection_id: str) -> list[str]:
    assert api.tenant is not None
    stream = StreamId(tenant_id=api.tenant, kind=StreamKind.CONNECTION, entity_id=connection_id)
    return [recorded.type for recorded in services.events.read(stream)]


def refused_field(reply: Reply) -> str:
    [error] = reply.json["errors"]
    return str(error["field"])


def test_a_connection_opens_with_no_rule_and_its_settings_say_what_is_in_force(
    api: ApiClient,
) -> None:
    connection_id = a_connection(api, (US, CA))

    read = settings_of(api, connection_id)

    assert read == {
        "connection_id": connection_id,
        "watch_window_days": 60,
        **NONE,
        "marketplace_overrides": {},
        "effective_rules": {US: NONE, CA: NONE},
        "applies_to": APPLIES_TO,
        "version": 1,
    }


def test_order_rules_are_changed_applied_from_now_on_and_read_back(
    api: ApiClient, services: Services
) -> None:
    connection_id = a_connection(api, (US, CA))
    source = an_own_warehouse(api)
    body = {
        **transfer(source),
        "marketplace_overrides": {CA: {"default_order_type": "purchase_order"}},
    }

    changed = put(api, connection_id, body)
    again = put(api, connection_id, body)
    read = settings_of(api, connection_id)
    connection = api.get(f"/connections/{connection_id}").json

    assert changed.status == 200, changed.text
    assert changed.json["applies_to"] == APPLIES_TO
    assert changed.json["effective_rules"] == {US: transfer(source), CA: PURCHASE}
    assert changed.json["version"] == 2
    assert again.json == changed.json  # nothing changed: nothing appended
    assert read == changed.json
    assert (connection["default_order_type"], connection["default_source_warehouse_id"]) == (
        "transfer_order",
        source,
    )
    assert connection["marketplace_overrides"] == {CA: PURCHASE}
    assert logged(api, services, connection_id) == [
        "ConnectionCreated",
        "ConnectionSettingsChanged",
    ]


def test_a_rule_sent_is_merged_into_the_one_in_force_and_checked_whole(api: ApiClient) -> None:
    connection_id = a_connection(api)
    source = an_own_warehouse(api)
    put(api, connection_id, transfer(source))

    kept_source = put(api, connection_id, {"default_order_type": "purchase_order"})
    cleared = put(api, connection_id, {"default_source_warehouse_id": None})
    transfer_without = put(api, connection_id, {"default_order_type": "transfer_order"})
    only_window = put(api, connection_id, {"watch_window_days": 90})

    assert kept_source.json["default_source_warehouse_id"] == source
    assert (cleared.json["default_order_type"], cleared.json["default_source_warehouse_id"]) == (
        "purchase_order",
        None,
    )
    assert (transfer_without.status, transfer_without.json["code"]) == (422, "invalid_command")
    assert refused_field(transfer_without) == "body.default_source_warehouse_id"
    assert (only_window.json["watch_window_days"], only_window.json["default_order_type"]) == (
        90,
        "purchase_order",
    )


def test_a_default_source_must_be_one_of_your_own_warehouses_enabled(
    api: ApiClient, services: Services
) -> None:
    connection_id = a_connection(api)
    disabled = an_own_warehouse(api, "Old")
    assert api.request("PATCH", f"/warehouses/{disabled}", body={"enabled": False}).status == 200
    fba = f"fba-{connection_id}-{US}"
    others = api.as_tenant(f"{api.tenant}-b")
    theirs = an_own_warehouse(others, "Theirs")

    unknown = put(api, connection_id, transfer("wh-nope"))
    amazons = put(api, connection_id, transfer(fba))
    switched_off = put(api, connection_id, transfer(disabled))
    another_tenants = put(api, connection_id, transfer(theirs))
    in_override = put(api, connection_id, {"marketplace_overrides": {US: transfer("wh-nope")}})

    assert (unknown.status, unknown.json["code"]) == (422, "invalid_command")
    assert refused_field(unknown) == "body.default_source_warehouse_id"
    assert (amazons.status, refused_field(amazons)) == (422, "body.default_source_warehouse_id")
    assert "FBA" in amazons.json["message"]
    assert (switched_off.status, refused_field(switched_off)) == (
        422,
        "body.default_source_warehouse_id",
    )
    assert "disabled" in switched_off.json["message"]
    assert another_tenants.status == 422  # another tenant's warehouse is unknown here
    assert (in_override.status, refused_field(in_override)) == (
        422,
        f"body.marketplace_overrides.{US}.default_source_warehouse_id",
    )
    assert logged(api, services, connection_id) == ["ConnectionCreated"]


def test_an_override_must_name_a_marketplace_of_the_connection_and_carry_its_source(
    api: ApiClient,
) -> None:
    connection_id = a_connection(api)

    stranger = put(api, connection_id, {"marketplace_overrides": {MX: PURCHASE}})
    unheard_of = put(api, connection_id, {"marketplace_overrides": {"XX": PURCHASE}})
    no_source = put(
        api,
        connection_id,
        {"marketplace_overrides": {US: {"default_order_type": "transfer_order"}}},
    )

    assert (stranger.status, refused_field(stranger)) == (422, "body.marketplace_overrides")
    assert MX in stranger.json["message"]
    assert (unheard_of.status, unheard_of.json["code"]) == (422, "validation_failed")
    assert (no_source.status, refused_field(no_source)) == (
        422,
        f"body.marketplace_overrides.{US}.default_source_warehouse_id",
    )
    assert settings_of(api, connection_id)["version"] == 1


def test_the_older_post_still_changes_the_watch_window_and_takes_the_rules_too(
    api: ApiClient,
) -> None:
    connection_id = a_connection(api)

    window = api.post(f"/connections/{connection_id}/settings", {"watch_window_days": 30})
    rule = api.post(
        f"/connections/{connection_id}/settings", {"default_order_type": "purchase_order"}
    )
    boolean = api.post(f"/connections/{connection_id}/settings", {"watch_window_days": True})

    assert (window.status, window.json["watch_window_days"]) == (200, 30), window.text
    assert (rule.json["default_order_type"], rule.json["watch_window_days"]) == (
        "purchase_order",
        30,
    )
    assert (boolean.status, refused_field(boolean)) == (422, "body.watch_window_days")


def test_settings_of_an_unknown_connection_are_not_found(api: ApiClient) -> None:
    assert api.get("/connections/conn-nope/settings").status == 404
    assert put(api, "conn-nope", PURCHASE).status == 404


# -- opening with settings ---------------------------------------------------------------------


def new_connection(api: ApiClient, **settings: Any) -> Reply:
    return api.post(
        "/connections",
        {
            "seller_id": SELLER,
            "region": "NA",
            "marketplace_ids": [US, CA],
            "refresh_token": REFRESH_TOKEN,
            **settings,
        },
    )


def test_a_connection_opened_with_rules_has_them_from_its_first_sync(api: ApiClient) -> None:
    source = an_own_warehouse(api)

    created = new_connection(
        api,
        watch_window_days=45,
        **transfer(source),
        marketplace_overrides={CA: PURCHASE},
    )

    assert created.status == 201, created.text
    read = settings_of(api, created.json["connection_id"])
    assert read["watch_window_days"] == 45
    assert read["effective_rules"] == {US: transfer(source), CA: PURCHASE}
    assert read["version"] == 1  # opened so: no later change


@pytest.mark.parametrize(
    ("settings", "status", "field"),
    [
        ({"default_order_type": "transfer_order"}, 422, "body.default_source_warehouse_id"),
        (transfer("wh-nope"), 422, "body.default_source_warehouse_id"),
        ({"marketplace_overrides": {MX: PURCHASE}}, 422, "body.marketplace_overrides"),
    ],
)
def test_a_connection_opened_with_bad_rules_stores_nothing(
    api: ApiClient, aws: Aws, settings: dict[str, Any], status: int, field: str
) -> None:
    refused = new_connection(api, **settings)

    assert (refused.status, refused_field(refused)) == (status, field), refused.text
    assert secrets_of(aws, api.tenant) == []
    assert api.get("/connections").json["items"] == []


@pytest.fixture
def seller(amazon: SimulatedAmazon) -> str:
    seller_id = f"A{fresh_name('s').split('-')[1].upper()}"
    with ControlClient(amazon.url) as control:
        control.create_seller(seller_id, [US, CA])
    return seller_id


def test_the_authorization_flow_carries_the_rules_from_start_to_complete(
    api: ApiClient, seller: str
) -> None:
    source = an_own_warehouse(api)
    start = {
        "region": "NA",
        "marketplace_ids": [US, CA],
        "default_order_type": "purchase_order",
        "marketplace_overrides": {CA: transfer(source)},
    }

    started = api.post("/connections/authorizations", start)
    created = complete(api, consent(started.json["consent_url"], seller))

    assert created.status == 201, created.text
    read = settings_of(api, created.json["connection_id"])
    assert read["effective_rules"] == {US: PURCHASE, CA: transfer(source)}


def test_an_authorization_with_bad_rules_is_refused_before_the_seller_leaves(
    api: ApiClient,
) -> None:
    base = {"region": "NA", "marketplace_ids": [US]}

    no_source = api.post(
        "/connections/authorizations", {**base, "default_order_type": "transfer_order"}
    )
    stranger = api.post(
        "/connections/authorizations", {**base, "marketplace_overrides": {CA: PURCHASE}}
    )

    assert (no_source.status, refused_field(no_source)) == (422, "body.default_source_warehouse_id")
    assert (stranger.status, refused_field(stranger)) == (422, "body.marketplace_overrides")
