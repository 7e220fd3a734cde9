"""Connection settings, marketplaces and disconnecting, given/when/then: the order rules a
connection opens or is changed with, its marketplaces added and removed with their FBA
warehouses, and a disconnected connection; warehouses renamed and enabled."""

from collections.abc import Iterable

import pytest

from domain import connection, warehouse
from domain.connection import (
    ChangeConnectionMarketplaces,
    ChangeConnectionSettings,
    Connection,
    ConnectionStatus,
    CreateConnection,
    Disconnect,
    MarkAuthorizationLost,
    OrderRule,
    OrderType,
    Reauthorize,
    check_source,
    checked_rule,
    decide_create,
    decide_marketplaces,
    sources_of,
)
from domain.errors import InvalidCommand, NotFound
from domain.marketplaces import Region
from domain.messages import Decision, DomainEvent
from domain.streams import StreamKind
from domain.warehouse import (
    RenameWarehouse,
    SetWarehouseEnabled,
    Warehouse,
    WarehouseKind,
    fba_warehouse_id,
    fbm_warehouse_id,
)
from tests.unit.domain.builders import at, fold, new_id

US, CA, MX, UK = "ATVPDKIKX0DER", "A2EUQ1WTGCTBG2", "A1AM78C64UM0Y8", "A1F83G8C2ARO7P"
TRANSFER = OrderType.TRANSFER_ORDER
PURCHASE = OrderType.PURCHASE_ORDER


def opened(*marketplaces: str, **settings: object) -> tuple[str, Decision]:
    """Given a connection opened with these marketplaces and settings: its id and decision."""
    cid = new_id("conn-")
    command = CreateConnection(
        connection_id=cid,
        seller_id="S1",
        region=Region.NA,
        marketplace_ids=marketplaces or (US,),
        **settings,  # type: ignore[arg-type]
    )
    return cid, decide_create(command, None)


def state_of(cid: str, decision: Decision, *more: DomainEvent) -> Connection:
    return fold(connection.evolve, [*decision[(StreamKind.CONNECTION, cid)], *more])


def warehouses_of(decision: Decision) -> dict[str, Warehouse]:
    return {
        eid: fold(warehouse.evolve, events)
        for (kind, eid), events in decision.items()
        if kind == StreamKind.WAREHOUSE
    }


def applied(states: dict[str, Warehouse], decision: Decision) -> dict[str, Warehouse]:
    """The warehouses after `decision`."""
    after = dict(states)
    for (kind, eid), events in decision.items():
        if kind == StreamKind.WAREHOUSE:
            folded = after.get(eid)
            for event in events:
                folded = warehouse.evolve(folded, event)
            assert folded is not None
            after[eid] = folded
    return after


def own(enabled: bool = True) -> Warehouse:
    return Warehouse(
        warehouse_id=new_id("wh-"), name="Main", kind=WarehouseKind.OWN, enabled=enabled
    )


def fba_events(decision: Decision) -> list[DomainEvent]:
    [events] = [
        events
        for (kind, _), events in decision.items()
        if kind == StreamKind.WAREHOUSE and events[0].kind is WarehouseKind.FBA  # type: ignore[attr-defined]
    ]
    return events


def types(events: Iterable[DomainEvent]) -> list[str]:
    return [event.type for event in events]


# -- order rules -------------------------------------------------------------------------------


def test_a_connection_opens_with_its_order_rules_so_they_hold_from_the_first_sync() -> None:
    source = own()
    rule = checked_rule(TRANSFER, source.warehouse_id)
    overrides = {CA: OrderRule(default_order_type=PURCHASE)}

    cid, decision = opened(
        US, CA, order_rule=rule, marketplace_overrides=overrides, watch_window_days=30
    )

    state = state_of(cid, decision)
    assert (state.order_rule, state.marketplace_overrides, state.watch_window_days) == (
        rule,
        overrides,
        30,
    )
    assert state.rule_for(US) == rule
    assert state.rule_for(CA).default_order_type is PURCHASE


def test_an_override_of_a_marketplace_not_opened_is_refused_naming_the_field() -> None:
    with pytest.raises(InvalidCommand, match=MX) as refused:
        opened(US, marketplace_overrides={MX: OrderRule(default_order_type=PURCHASE)})

    assert refused.value.field == "marketplace_overrides"


def test_a_transfer_without_its_source_is_refused_naming_the_field() -> None:
    with pytest.raises(InvalidCommand) as top:
        checked_rule(TRANSFER, None)
    with pytest.raises(InvalidCommand) as override:
        checked_rule(TRANSFER, "", at=f"marketplace_overrides.{CA}.")

    assert top.value.field == "default_source_warehouse_id"
    assert override.value.field == f"marketplace_overrides.{CA}.default_source_warehouse_id"
    assert checked_rule(PURCHASE, None) == OrderRule(default_order_type=PURCHASE)


def test_a_default_source_is_an_enabled_own_warehouse() -> None:
    fba = Warehouse(warehouse_id="fba-1", name="FBA", kind=WarehouseKind.FBA)
    field = "default_source_warehouse_id"

    check_source("wh-1", own(), field)  # nothing to say
    with pytest.raises(InvalidCommand, match="not one of your") as unknown:
        check_source("wh-nope", None, field)
    with pytest.raises(InvalidCommand, match="FBA") as amazons:
        check_source("fba-1", fba, field)
    with pytest.raises(InvalidCommand, match="disabled") as disabled:
        check_source("wh-2", own(enabled=False), field)

    assert {unknown.value.field, amazons.value.field, disabled.value.field} == {field}


def test_the_sources_to_check_are_named_by_their_request_field() -> None:
    rule = OrderRule(default_order_type=TRANSFER, default_source_warehouse_id="wh-a")
    overrides = {
        CA: OrderRule(default_order_type=TRANSFER, default_source_warehouse_id="wh-b"),
        US: OrderRule(default_order_type=PURCHASE),
    }

    assert sources_of(rule, overrides) == {
        "default_source_warehouse_id": "wh-a",
        f"marketplace_overrides.{CA}.default_source_warehouse_id": "wh-b",
    }
    assert sources_of(None, None) == {}


def test_only_the_settings_that_changed_are_recorded_and_the_rest_stay() -> None:
    cid, decision = opened(US, CA)
    state = state_of(cid, decision)
    rule = OrderRule(default_order_type=PURCHASE)
    change = ChangeConnectionSettings(connection_id=cid, order_rule=rule, watch_window_days=60)

    events = connection.decide(change, state)
    after = state_of(cid, decision, *events)

    assert types(events) == ["ConnectionSettingsChanged"]
    [changed] = events
    assert changed.model_dump(exclude={"type", "schema_version"}) == {
        "connection_id": cid,
        "watch_window_days": None,  # unchanged: not recorded
        "order_rule": rule.model_dump(),
        "marketplace_overrides": None,
    }
    assert (after.order_rule, after.watch_window_days) == (rule, 60)
    assert connection.decide(change, after) == []  # the same again: nothing new


def test_changed_overrides_replace_the_whole_map_and_must_name_the_connections_marketplaces() -> (
    None
):
    cid, decision = opened(
        US, CA, marketplace_overrides={US: OrderRule(default_order_type=PURCHASE)}
    )
    state = state_of(cid, decision)
    ca_only = {CA: OrderRule(default_order_type=PURCHASE)}

    events = connection.decide(
        ChangeConnectionSettings(connection_id=cid, marketplace_overrides=ca_only), state
    )
    with pytest.raises(InvalidCommand) as stranger:
        connection.decide(
            ChangeConnectionSettings(
                connection_id=cid,
                marketplace_overrides={MX: OrderRule(default_order_type=PURCHASE)},
            ),
            state,
        )

    assert state_of(cid, decision, *events).marketplace_overrides == ca_only
    assert stranger.value.field == "marketplace_overrides"


# -- marketplaces ------------------------------------------------------------------------------


def test_an_added_marketplace_gets_its_fba_warehouse_and_a_removed_one_has_it_disabled() -> None:
    cid, decision = opened(
        US, CA, marketplace_overrides={CA: OrderRule(default_order_type=PURCHASE)}
    )
    state, warehouses = state_of(cid, decision), warehouses_of(decision)
    command = ChangeConnectionMarketplaces(connection_id=cid, marketplace_ids=(US, MX))

    changed = decide_marketplaces(
        command, state, {CA: warehouses[fba_warehouse_id(cid, CA)], MX: None}
    )

    [event] = changed[(StreamKind.CONNECTION, cid)]
    after = state_of(cid, decision, event)
    now = applied(warehouses, changed)
    assert (event.added, event.removed) == ((MX,), (CA,))  # type: ignore[attr-defined]
    assert after.marketplace_ids == (US, MX)
    assert after.marketplace_overrides == {}  # the removed marketplace's override lapsed
    mx = now[fba_warehouse_id(cid, MX)]
    assert (mx.kind, mx.marketplace_id, mx.connection_id, mx.enabled) == (
        WarehouseKind.FBA,
        MX,
        cid,
        True,
    )
    assert mx.name == "Amazon FBA MX (S1)"
    assert not now[fba_warehouse_id(cid, CA)].enabled  # disabled, not deleted
    assert now[fba_warehouse_id(cid, US)].enabled and now[fbm_warehouse_id(cid)].enabled


def test_a_marketplace_added_again_has_its_warehouse_enabled_again_not_created_twice() -> None:
    cid, decision = opened(US, CA)
    ca = fba_warehouse_id(cid, CA)
    warehouses = warehouses_of(decision)
    removal = decide_marketplaces(
        ChangeConnectionMarketplaces(connection_id=cid, marketplace_ids=(US,)),
        state_of(cid, decision),
        {CA: warehouses[ca]},
    )
    state = state_of(cid, decision, *removal[(StreamKind.CONNECTION, cid)])
    warehouses = applied(warehouses, removal)

    again = decide_marketplaces(
        ChangeConnectionMarketplaces(connection_id=cid, marketplace_ids=(US, CA)),
        state,
        {CA: warehouses[ca]},
    )

    assert types(again[(StreamKind.WAREHOUSE, ca)]) == ["WarehouseEnabledChanged"]
    assert applied(warehouses, again)[ca].enabled


def test_the_same_marketplaces_change_nothing_and_others_are_refused() -> None:
    cid, decision = opened(US, CA)
    state = state_of(cid, decision)

    def change(*marketplaces: str) -> Decision:
        command = ChangeConnectionMarketplaces(connection_id=cid, marketplace_ids=marketplaces)
        return decide_marketplaces(command, state, {})

    assert change(CA, US) == {}
    with pytest.raises(InvalidCommand, match=UK) as other_region:
        change(US, UK)
    with pytest.raises(InvalidCommand, match="once") as twice:
        change(US, US)
    with pytest.raises(NotFound):
        decide_marketplaces(
            ChangeConnectionMarketplaces(connection_id=cid, marketplace_ids=(US,)), None, {}
        )
    assert other_region.value.field == twice.value.field == "marketplace_ids"


# -- disconnecting -----------------------------------------------------------------------------


def test_a_disconnected_connection_stays_so_until_it_is_authorized_again() -> None:
    cid, decision = opened(US)
    state = state_of(cid, decision)

    events = connection.decide(Disconnect(connection_id=cid, disconnected_at=at(5)), state)
    disconnected = state_of(cid, decision, *events)
    again = connection.decide(Disconnect(connection_id=cid, disconnected_at=at(9)), disconnected)
    lost = connection.decide(
        MarkAuthorizationLost(connection_id=cid, lost_at=at(6), amazon_error="invalid_grant"),
        disconnected,
    )
    back = connection.decide(Reauthorize(connection_id=cid), disconnected)
    reconnected = state_of(cid, decision, *events, *back)

    assert types(events) == ["ConnectionDisconnected"]
    assert (disconnected.status, disconnected.disconnected_at) == (
        ConnectionStatus.DISCONNECTED,
        at(5),
    )
    assert again == [] and lost == []  # nothing more to say of a disconnected connection
    assert (reconnected.status, reconnected.disconnected_at) == (ConnectionStatus.ACTIVE, None)
    assert reconnected.marketplace_ids == state.marketplace_ids  # its data stayed


def test_a_lost_authorization_can_be_disconnected() -> None:
    cid, decision = opened(US)
    lost = connection.decide(
        MarkAuthorizationLost(connection_id=cid, lost_at=at(1), amazon_error="invalid_grant"),
        state_of(cid, decision),
    )

    events = connection.decide(
        Disconnect(connection_id=cid, disconnected_at=at(2)), state_of(cid, decision, *lost)
    )

    assert state_of(cid, decision, *lost, *events).status is ConnectionStatus.DISCONNECTED


# -- warehouses --------------------------------------------------------------------------------


def test_any_warehouse_is_renamed_only_own_ones_are_enabled_by_hand() -> None:
    cid, decision = opened(US)
    warehouses = warehouses_of(decision)
    fba, fbm = warehouses[fba_warehouse_id(cid, US)], warehouses[fbm_warehouse_id(cid)]
    store = own()

    rename = RenameWarehouse(warehouse_id=fba.warehouse_id, name="FBA US")
    renamed = warehouse.decide(rename, fba)
    same_name = warehouse.decide(rename, fold(warehouse.evolve, [*fba_events(decision), *renamed]))
    disabled = warehouse.decide(
        SetWarehouseEnabled(warehouse_id=store.warehouse_id, enabled=False), store
    )
    still_enabled = warehouse.decide(
        SetWarehouseEnabled(warehouse_id=fba.warehouse_id, enabled=True), fba
    )

    assert types(renamed) == ["WarehouseRenamed"] and same_name == []
    assert types(disabled) == ["WarehouseEnabledChanged"]
    assert still_enabled == []  # asks for what already is: nothing to refuse
    for amazons in (fba, fbm):
        with pytest.raises(InvalidCommand) as refused:
            warehouse.decide(
                SetWarehouseEnabled(warehouse_id=amazons.warehouse_id, enabled=False), amazons
            )
        assert refused.value.field == "enabled"
    with pytest.raises(NotFound):
        warehouse.decide(RenameWarehouse(warehouse_id="wh-nope", name="X"), None)
