"""Recording Amazon's reported FBA inventory as `AmazonInventoryReported` on the stream of the FBA
warehouse (`{tenant}#fba_inventory#{warehouse_id}`), for the notifications consumer (one event a
notification) and the sync (Amazon's summaries, many SKUs at once). The stream's version is found
from a hint in the state table plus the events after it, so that no append reads the whole
stream.

State item: `inventory#{tenant}#{warehouse}` / `version`: a lower bound of the stream's version.
"""

from collections.abc import Callable, Sequence
from typing import Final

from pydantic import BaseModel

from domain.errors import ConcurrencyConflict
from domain.event_store import EventContext, EventStore, RecordedEvent, StreamAppend
from domain.inventory import AmazonInventoryReported
from domain.messages import DomainEvent
from domain.ports import Clock, IdGenerator
from domain.streams import StreamId, StreamKind
from functions.shared.adapters.state_store import StateTable

ATTEMPTS = 5
VERSION_SK: Final = "version"


def inventory_version_pk(tenant_id: str, warehouse_id: str) -> str:
    return f"inventory#{tenant_id}#{warehouse_id}"


def inventory_stream(tenant_id: str, warehouse_id: str) -> StreamId:
    return StreamId(tenant_id=tenant_id, kind=StreamKind.FBA_INVENTORY, entity_id=warehouse_id)


class VersionHint(BaseModel):
    version: int


class InventoryRecorder:
    def __init__(
        self, store: EventStore, table: StateTable, ids: IdGenerator, clock: Clock
    ) -> None:
        self._store = store
        self._table = table
        self._ids = ids
        self._clock = clock

    def record(
        self,
        context: EventContext,
        event: AmazonInventoryReported,
        planned_after: int | None,
        plan: Callable[[int], None],
    ) -> bool:
        """Append unless already appended; False for a repeat. `planned_after` is where an
        earlier attempt planned to append; `plan` saves where this one will, before it does."""
        stream = inventory_stream(context.tenant_id, event.warehouse_id)
        if planned_after is not None and self._already_there(stream, planned_after, event):
            return False
        for _ in range(ATTEMPTS):
            version = self.version(context.tenant_id, event.warehouse_id)
            plan(version)
            try:
                self._append_one(stream, version, event, context)
            except ConcurrencyConflict:
                continue
            self._hint(context.tenant_id, event.warehouse_id, version + 1)
            return True
        raise ConcurrencyConflict(f"{stream} kept moving; the notification will be retried")

    def record_all(
        self, context: EventContext, warehouse_id: str, events: Sequence[DomainEvent]
    ) -> int:
        """Append `events` (of one warehouse) one by one, each a single conditional put: the
        version is found once, and again only after another writer moved the stream. Returns
        the stream's version after them. A retried run may append some again: harmless, each
        is Amazon's figure as of its report."""
        version = self.version(context.tenant_id, warehouse_id)
        stream = inventory_stream(context.tenant_id, warehouse_id)
        conflicts = 0
        position = 0
        while position < len(events):
            try:
                self._append_one(stream, version, events[position], context)
            except ConcurrencyConflict:
                conflicts += 1
                if conflicts >= ATTEMPTS:
                    raise
                version = self.version(context.tenant_id, warehouse_id)
                continue
            version += 1
            position += 1
        if events:
            self._hint(context.tenant_id, warehouse_id, version)
        return version

    def version(self, tenant_id: str, warehouse_id: str) -> int:
        """The stream's version now: the hint, plus the events after it."""
        hint = self._table.get(
            inventory_version_pk(tenant_id, warehouse_id), VERSION_SK, VersionHint
        )
        version = hint.doc.version if hint else 0
        stream = inventory_stream(tenant_id, warehouse_id)
        return version + len(self._store.read(stream, from_version=version + 1))

    def events_after(self, tenant_id: str, warehouse_id: str, version: int) -> list[RecordedEvent]:
        return self._store.read(inventory_stream(tenant_id, warehouse_id), from_version=version + 1)

    def _append_one(
        self, stream: StreamId, version: int, event: DomainEvent, context: EventContext
    ) -> None:
        append = StreamAppend.of(
            stream, version, [event], context, [self._ids.new_id()], self._clock.now()
        )
        self._store.append([append])

    def _hint(self, tenant_id: str, warehouse_id: str, version: int) -> None:
        key = inventory_version_pk(tenant_id, warehouse_id)
        self._table.put(key, VERSION_SK, VersionHint(version=version))

    def _already_there(self, stream: StreamId, after: int, event: AmazonInventoryReported) -> bool:
        return any(
            isinstance(recorded.event, AmazonInventoryReported)
            and (recorded.event.source, recorded.event.sku) == (event.source, event.sku)
            for recorded in self._store.read(stream, from_version=after + 1)
        )
