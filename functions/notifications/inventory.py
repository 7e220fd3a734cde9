"""Recording Amazon's reported FBA inventory as `AmazonInventoryReported` on the stream of the FBA
warehouse (`{tenant}#fba_inventory#{warehouse_id}`). The stream's version is found from a hint in
the state table plus the events after it, so that no append reads the whole stream."""

from collections.abc import Callable

from pydantic import BaseModel

from domain.errors import ConcurrencyConflict
from domain.event_store import EventContext, EventStore, StreamAppend
from domain.inventory import AmazonInventoryReported
from domain.ports import Clock, IdGenerator
from domain.streams import StreamId, StreamKind
from functions.notifications.keys import VERSION_SK, inventory_version_pk
from functions.shared.adapters.state_store import StateTable

ATTEMPTS = 5


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
        stream = StreamId(
            tenant_id=context.tenant_id, kind=StreamKind.FBA_INVENTORY, entity_id=event.warehouse_id
        )
        hint_key = inventory_version_pk(context.tenant_id, event.warehouse_id)
        if planned_after is not None and self._already_there(stream, planned_after, event):
            return False
        for _ in range(ATTEMPTS):
            hint = self._table.get(hint_key, VERSION_SK, VersionHint)
            version = hint.doc.version if hint else 0
            version += len(self._store.read(stream, from_version=version + 1))
            plan(version)
            append = StreamAppend.of(
                stream, version, [event], context, [self._ids.new_id()], self._clock.now()
            )
            try:
                self._store.append([append])
            except ConcurrencyConflict:
                continue
            self._table.put(hint_key, VERSION_SK, VersionHint(version=version + 1))
            return True
        raise ConcurrencyConflict(f"{stream} kept moving; the notification will be retried")

    def _already_there(self, stream: StreamId, after: int, event: AmazonInventoryReported) -> bool:
        return any(
            isinstance(recorded.event, AmazonInventoryReported)
            and (recorded.event.source, recorded.event.sku) == (event.source, event.sku)
            for recorded in self._store.read(stream, from_version=after + 1)
        )
