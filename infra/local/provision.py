"""Creating our DynamoDB tables on any endpoint (moto locally and in tests), the way CDK does."""

from typing import TYPE_CHECKING

from functions.shared.tables import EVENTS_PK, EVENTS_SK

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
