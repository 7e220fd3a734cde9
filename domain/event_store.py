"""The event store port and the envelope every stored event travels in.

Conflict detection is uniqueness of (stream, version), enforced by the store: an append names
the version it expects the stream to be at, and fails with `ConcurrencyConflict` otherwise.
Several streams are appended all or nothing.
"""

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Protocol

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, SerializeAsAny, model_validator

from domain.messages import DomainEvent
from domain.streams import StreamId


class EventContext(BaseModel):
    """Who did this, why, and when: the metadata every event of one command shares."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    tenant_id: str
    actor: str
    correlation_id: str
    causation_id: str | None = None
    occurred_at: AwareDatetime


class RecordedEvent(BaseModel):
    """A domain event in its envelope, as stored."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    event_id: str
    stream_id: StreamId
    version: int
    occurred_at: AwareDatetime
    recorded_at: AwareDatetime
    tenant_id: str
    actor: str
    correlation_id: str
    causation_id: str | None = None
    event: SerializeAsAny[DomainEvent]

    @property
    def type(self) -> str:
        return self.event.type

    @property
    def schema_version(self) -> int:
        return self.event.schema_version


class StreamAppend(BaseModel):
    """New events for one stream, which must currently be at `expected_version` (0 = new)."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    stream_id: StreamId
    expected_version: int = Field(ge=0)
    events: tuple[RecordedEvent, ...]

    @model_validator(mode="after")
    def _versions_follow_on(self) -> "StreamAppend":
        expected = list(
            range(self.expected_version + 1, self.expected_version + 1 + len(self.events))
        )
        if [e.version for e in self.events] != expected:
            raise ValueError(f"event versions must be {expected}")
        if any(e.stream_id != self.stream_id for e in self.events):
            raise ValueError("every event must belong to the appended stream")
        return self

    @classmethod
    def of(
        cls,
        stream_id: StreamId,
        expected_version: int,
        events: Sequence[DomainEvent],
        context: EventContext,
        event_ids: Sequence[str],
        recorded_at: datetime,
    ) -> "StreamAppend":
        """Wrap new domain events in envelopes numbered after `expected_version`."""
        return cls(
            stream_id=stream_id,
            expected_version=expected_version,
            events=tuple(
                RecordedEvent(
                    event_id=event_id,
                    stream_id=stream_id,
                    version=expected_version + offset,
                    occurred_at=context.occurred_at,
                    recorded_at=recorded_at,
                    tenant_id=context.tenant_id,
                    actor=context.actor,
                    correlation_id=context.correlation_id,
                    causation_id=context.causation_id,
                    event=event,
                )
                for offset, (event, event_id) in enumerate(zip(events, event_ids, strict=True), 1)
            ),
        )


class EventStore(Protocol):
    def append(self, appends: Sequence[StreamAppend]) -> None:
        """Append to every stream or to none; `ConcurrencyConflict` if any stream moved.

        Each stream appears at most once per call (ValueError otherwise)."""

    def read(
        self, stream_id: StreamId, from_version: int = 1, limit: int | None = None
    ) -> list[RecordedEvent]:
        """The stream's events from `from_version` on, in order, at most `limit` of them;
        [] for an unknown stream."""

    def read_all(self) -> Iterator[RecordedEvent]:
        """Every event of every stream, each stream in version order (for rebuilds)."""
