"""The tables: keys from functions/shared/tables.py, and how each one is kept safe."""

from typing import Any

from functions.shared.tables import (
    EVENTS_PK,
    EVENTS_SK,
    IDEMPOTENCY_PK,
    IDEMPOTENCY_TTL,
    STATE_PK,
    STATE_SK,
    STATE_TTL,
    VIEWS_GSI1,
    VIEWS_GSI1_PK,
    VIEWS_GSI1_SK,
    VIEWS_GSI2,
    VIEWS_GSI2_PK,
    VIEWS_GSI2_SK,
    VIEWS_PK,
    VIEWS_SK,
)
from tests.infra.cfn import Synthesized


def _key_schema(partition: str, sort: str | None = None) -> list[dict[str, str]]:
    keys = [{"AttributeName": partition, "KeyType": "HASH"}]
    return keys + ([{"AttributeName": sort, "KeyType": "RANGE"}] if sort else [])


def _attribute_types(table: dict[str, Any]) -> dict[str, str]:
    return {a["AttributeName"]: a["AttributeType"] for a in table["AttributeDefinitions"]}


def _tables(synth: Synthesized) -> dict[str, dict[str, Any]]:
    backbone = synth.stack.backbone
    return {
        "events": synth.resource(backbone.event_store.table),
        "views": synth.resource(backbone.views.table),
        "state": synth.resource(backbone.state.state_table),
        "idempotency": synth.resource(backbone.state.idempotency_table),
    }


def test_the_event_store_is_keyed_by_stream_and_numeric_version(synth: Synthesized) -> None:
    table = _tables(synth)["events"]["Properties"]

    assert table["KeySchema"] == _key_schema(EVENTS_PK, EVENTS_SK)
    assert _attribute_types(table) == {EVENTS_PK: "S", EVENTS_SK: "N"}
    assert table["StreamSpecification"] == {"StreamViewType": "NEW_IMAGE"}


def test_the_event_store_survives_deletes(synth: Synthesized) -> None:
    table = _tables(synth)["events"]

    assert table["Properties"]["DeletionProtectionEnabled"] is True
    assert table["DeletionPolicy"] == "Retain"
    assert table["UpdateReplacePolicy"] == "Retain"


def test_the_views_table_has_two_overloaded_indexes_projecting_everything(
    synth: Synthesized,
) -> None:
    table = _tables(synth)["views"]["Properties"]

    assert table["KeySchema"] == _key_schema(VIEWS_PK, VIEWS_SK)
    indexes = {i["IndexName"]: i for i in table["GlobalSecondaryIndexes"]}
    assert indexes.keys() == {VIEWS_GSI1, VIEWS_GSI2}
    assert indexes[VIEWS_GSI1]["KeySchema"] == _key_schema(VIEWS_GSI1_PK, VIEWS_GSI1_SK)
    assert indexes[VIEWS_GSI2]["KeySchema"] == _key_schema(VIEWS_GSI2_PK, VIEWS_GSI2_SK)
    assert all(i["Projection"] == {"ProjectionType": "ALL"} for i in indexes.values())
    assert set(_attribute_types(table).values()) == {"S"}
    assert "StreamSpecification" not in table


def test_operational_tables_expire_items_by_ttl(synth: Synthesized) -> None:
    tables = _tables(synth)
    state, idempotency = tables["state"]["Properties"], tables["idempotency"]["Properties"]

    assert state["KeySchema"] == _key_schema(STATE_PK, STATE_SK)
    assert state["TimeToLiveSpecification"] == {"AttributeName": STATE_TTL, "Enabled": True}
    assert idempotency["KeySchema"] == _key_schema(IDEMPOTENCY_PK)
    assert idempotency["TimeToLiveSpecification"] == {
        "AttributeName": IDEMPOTENCY_TTL,
        "Enabled": True,
    }


def test_every_table_is_on_demand_encrypted_and_recoverable(synth: Synthesized) -> None:
    tables = _tables(synth)

    assert len(synth.of_type("AWS::DynamoDB::Table")) == len(tables)
    for name, table in tables.items():
        properties = table["Properties"]
        assert properties["BillingMode"] == "PAY_PER_REQUEST", name
        assert properties["SSESpecification"] == {"SSEEnabled": True}, name
        assert properties["PointInTimeRecoverySpecification"] == {
            "PointInTimeRecoveryEnabled": True
        }, name
