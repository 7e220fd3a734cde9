"""DynamoDB stream records of the event store, both ways: decoding what Lambda delivers, and
building Lambda-shaped batches (for the local runtime's stream pump, tests and benches)."""

import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord
from boto3.dynamodb.types import TypeSerializer

from domain.event_store import RecordedEvent
from functions.shared.adapters.event_codec import from_record, to_record
from functions.shared.tables import EVENTS_PK, EVENTS_SK

# A Lambda event is JSON at the process boundary; it becomes typed right here.
LambdaEvent = dict[str, Any]
LambdaRecord = dict[str, Any]

_serializer = TypeSerializer()
SOURCE_ARN = "arn:aws:dynamodb:us-east-1:000000000000:table/events/stream/local"


def decode(record: DynamoDBRecord) -> RecordedEvent:
    if record.dynamodb is None:
        raise ValueError("a stream record without its dynamodb part")
    return from_record(record.dynamodb.new_image)


def record_of(event: RecordedEvent, sequence_number: str) -> LambdaRecord:
    """The stream record Lambda would deliver for this event's INSERT."""
    image = {name: _serializer.serialize(value) for name, value in to_record(event).items()}
    return lambda_record(image, sequence_number, event.recorded_at)


def lambda_record(
    new_image: Mapping[str, Any], sequence_number: str, created: datetime
) -> LambdaRecord:
    return {
        "eventID": sequence_number,
        "eventName": "INSERT",
        "eventVersion": "1.1",
        "eventSource": "aws:dynamodb",
        "awsRegion": "us-east-1",
        "dynamodb": {
            "ApproximateCreationDateTime": int(created.timestamp()),
            "Keys": {EVENTS_PK: new_image[EVENTS_PK], EVENTS_SK: new_image[EVENTS_SK]},
            "NewImage": dict(new_image),
            "SequenceNumber": sequence_number,
            "SizeBytes": len(json.dumps(new_image)),
            "StreamViewType": "NEW_IMAGE",
        },
        "eventSourceARN": SOURCE_ARN,
    }


def from_streams_client(records: Iterable[Mapping[str, Any]]) -> list[LambdaRecord]:
    """Records read with the DynamoDB Streams client, shaped as Lambda delivers them."""
    return [
        lambda_record(
            r["dynamodb"]["NewImage"],
            r["dynamodb"]["SequenceNumber"],
            r["dynamodb"]["ApproximateCreationDateTime"],
        )
        for r in records
        if r.get("eventName") == "INSERT"
    ]


def batch(records: Sequence[LambdaRecord]) -> LambdaEvent:
    return {"Records": list(records)}
