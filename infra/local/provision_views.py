"""Creating the views table on any endpoint (moto locally and in tests), the way CDK does:
pk/sk strings and two overloaded GSIs (gsi1, gsi2) projecting every attribute."""

from typing import TYPE_CHECKING

from functions.shared.tables import (
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

_INDEXES = ((VIEWS_GSI1, VIEWS_GSI1_PK, VIEWS_GSI1_SK), (VIEWS_GSI2, VIEWS_GSI2_PK, VIEWS_GSI2_SK))


def create_views_table(client: "DynamoDBClient", name: str) -> None:
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
