"""Creating our DynamoDB tables on any endpoint (moto locally, in tests and benchmarks), the way
CDK does; the one place that does it. Key names come from `functions.shared.tables`, which the
CDK constructs use too."""

from typing import TYPE_CHECKING

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

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient


def create_events_table(client: "DynamoDBClient", name: str) -> None:
    """The event store: one item per event, keyed by (stream id, version), with a NEW_IMAGE
    stream feeding the projector and the reactor."""
    client.create_table(
        TableName=name,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[
            {"AttributeName": EVENTS_PK, "AttributeType": "S"},
            {"AttributeName": EVENTS_SK, "AttributeType": "N"},
        ],
        KeySchema=[
            {"AttributeName": EVENTS_PK, "KeyType": "HASH"},
            {"AttributeName": EVENTS_SK, "KeyType": "RANGE"},
        ],
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"},
    )
    client.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 1})


_INDEXES = ((VIEWS_GSI1, VIEWS_GSI1_PK, VIEWS_GSI1_SK), (VIEWS_GSI2, VIEWS_GSI2_PK, VIEWS_GSI2_SK))


def create_views_table(client: "DynamoDBClient", name: str) -> None:
    """Views: pk/sk strings and two overloaded GSIs (gsi1, gsi2) projecting every attribute."""
    names = (VIEWS_PK, VIEWS_SK, *(key for _, pk, sk in _INDEXES for key in (pk, sk)))
    client.create_table(
        TableName=name,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": n, "AttributeType": "S"} for n in names],
        KeySchema=[
            {"AttributeName": VIEWS_PK, "KeyType": "HASH"},
            {"AttributeName": VIEWS_SK, "KeyType": "RANGE"},
        ],
        GlobalSecondaryIndexes=[
            {
                "IndexName": index,
                "KeySchema": [
                    {"AttributeName": pk, "KeyType": "HASH"},
                    {"AttributeName": sk, "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "ALL"},
            }
            for index, pk, sk in _INDEXES
        ],
    )
    client.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 1})


def create_state_table(client: "DynamoDBClient", name: str) -> None:
    """Operational state: pk/sk strings, items expiring through `expires_at`."""
    client.create_table(
        TableName=name,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[
            {"AttributeName": STATE_PK, "AttributeType": "S"},
            {"AttributeName": STATE_SK, "AttributeType": "S"},
        ],
        KeySchema=[
            {"AttributeName": STATE_PK, "KeyType": "HASH"},
            {"AttributeName": STATE_SK, "KeyType": "RANGE"},
        ],
    )
    client.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 1})
    client.update_time_to_live(
        TableName=name, TimeToLiveSpecification={"Enabled": True, "AttributeName": STATE_TTL}
    )


def create_idempotency_table(client: "DynamoDBClient", name: str) -> None:
    """Powertools idempotency records: `id`, expiring through `expiration`."""
    client.create_table(
        TableName=name,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": IDEMPOTENCY_PK, "AttributeType": "S"}],
        KeySchema=[{"AttributeName": IDEMPOTENCY_PK, "KeyType": "HASH"}],
    )
    client.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 1})
    client.update_time_to_live(
        TableName=name,
        TimeToLiveSpecification={"Enabled": True, "AttributeName": IDEMPOTENCY_TTL},
    )
