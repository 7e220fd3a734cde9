"""How an event envelope is laid out as a flat record (a DynamoDB item, a stream image).

The payload is kept as one JSON string so that decimals, datetimes with their offsets and
nested models round-trip exactly, whatever the storage does to numbers and maps.
"""

import json
from datetime import datetime
from typing import Any

from domain.event_store import RecordedEvent
from domain.registry import decode_event, encode_event
from domain.streams import StreamId

Record = dict[str, Any]


def to_record(event: RecordedEvent) -> Record:
    record: Record = {
        "stream_id": str(event.stream_id),
        "version": event.version,
        "event_id": event.event_id,
        "type": event.type,
        "schema_version": event.schema_version,
        "occurred_at": event.occurred_at.isoformat(),
        "recorded_at": event.recorded_at.isoformat(),
        "tenant_id": event.tenant_id,
        "actor": event.actor,
        "correlation_id": event.correlation_id,
        "payload": encode_event(event.event),
    }
    if event.causation_id is not None:
        record["causation_id"] = event.causation_id
    return record


def from_record(record: Record) -> RecordedEvent:
    stream_id = StreamId.parse(record["stream_id"])
    return RecordedEvent(
        event_id=record["event_id"],
        stream_id=stream_id,
        version=int(record["version"]),
        occurred_at=datetime.fromisoformat(record["occurred_at"]),
        recorded_at=datetime.fromisoformat(record["recorded_at"]),
        tenant_id=record["tenant_id"],
        actor=record["actor"],
        correlation_id=record["correlation_id"],
        causation_id=record.get("causation_id"),
        event=decode_event(json.loads(record["payload"]), stream_id.kind),
    )
