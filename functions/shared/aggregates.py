"""Loading aggregates from the event store and appending what they decide.

The one place that knows how each stream kind is folded, and how a multi-stream decision becomes
one all-or-nothing append at the versions that were read.

With a snapshot store, a stream folded past `SNAPSHOT_EVERY` events since its last snapshot
leaves a new one, and the next load folds only the events after it: a command's cost does not
grow with the stream's history. A snapshot of another `SNAPSHOT_FORMAT`, or one that no longer
parses, is ignored (the stream is folded from its start).
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Final, Generic, Literal, Protocol, TypeVar, overload

from pydantic import AwareDatetime, BaseModel, ConfigDict, ValidationError

from domain.errors import ConcurrencyConflict
from domain.event_store import EventContext, EventStore, StreamAppend
from domain.messages import Decision
from domain.ports import Clock, IdGenerator
from domain.registry import evolver, state_type
from domain.stock.figures import moved_at
from domain.streams import StreamId, StreamKind

if TYPE_CHECKING:  # each kind's modules are imported when a stream of that kind is first loaded
    from domain import connection, planning, sales, vendor, warehouse
    from domain.inbound_shipment import state as inbound_shipment
    from domain.orders import assembly_order, purchase_order, sales_order, transfer_order
    from domain.products import listing, product
    from domain.save_to_amazon import job as amazon_job

S = TypeVar("S")
R = TypeVar("R")

SNAPSHOT_EVERY: Final = 200
# Bump when an evolver changes what a state means for the same events: old snapshots then lapse.
SNAPSHOT_FORMAT: Final = 1


class Snapshot(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)

    format: int
    version: int
    state: str  # the state's JSON
    latest_at: AwareDatetime | None = None


class SnapshotStore(Protocol):
    def get(self, stream_id: StreamId) -> Snapshot | None: ...

    def put(self, stream_id: StreamId, snapshot: Snapshot) -> None: ...


@dataclass(frozen=True)
class Loaded(Generic[S]):
    state: S | None
    version: int
    latest_at: datetime | None = None  # the latest business time among its events (`moved_at`)


class Aggregates:
    def __init__(
        self,
        store: EventStore,
        ids: IdGenerator,
        clock: Clock,
        snapshots: SnapshotStore | None = None,
    ) -> None:
        self.store = store
        self.ids = ids
        self.clock = clock
        self._snapshots = snapshots

    @overload
    def load(
        self, tenant_id: str, kind: Literal[StreamKind.CONNECTION], entity_id: str
    ) -> "Loaded[connection.Connection]": ...
    @overload
    def load(
        self, tenant_id: str, kind: Literal[StreamKind.WAREHOUSE], entity_id: str
    ) -> "Loaded[warehouse.Warehouse]": ...
    @overload
    def load(
        self, tenant_id: str, kind: Literal[StreamKind.SHIPMENT], entity_id: str
    ) -> "Loaded[inbound_shipment.InboundShipment]": ...
    @overload
    def load(
        self, tenant_id: str, kind: Literal[StreamKind.TRANSFER_ORDER], entity_id: str
    ) -> "Loaded[transfer_order.TransferOrder]": ...
    @overload
    def load(
        self, tenant_id: str, kind: Literal[StreamKind.SALES_ORDER], entity_id: str
    ) -> "Loaded[sales_order.SalesOrder]": ...
    @overload
    def load(
        self, tenant_id: str, kind: Literal[StreamKind.PURCHASE_ORDER], entity_id: str
    ) -> "Loaded[purchase_order.PurchaseOrder]": ...
    @overload
    def load(
        self, tenant_id: str, kind: Literal[StreamKind.VENDOR], entity_id: str
    ) -> "Loaded[vendor.Vendor]": ...
    @overload
    def load(
        self, tenant_id: str, kind: Literal[StreamKind.SETTINGS], entity_id: str
    ) -> "Loaded[planning.PlanningSettings]": ...
    @overload
    def load(
        self, tenant_id: str, kind: Literal[StreamKind.AMAZON_JOB], entity_id: str
    ) -> "Loaded[amazon_job.AmazonJob]": ...
    @overload
    def load(
        self, tenant_id: str, kind: Literal[StreamKind.AMAZON_ORDER], entity_id: str
    ) -> "Loaded[sales.AmazonOrder]": ...
    @overload
    def load(
        self, tenant_id: str, kind: Literal[StreamKind.PRODUCT], entity_id: str
    ) -> "Loaded[product.Product]": ...
    @overload
    def load(
        self, tenant_id: str, kind: Literal[StreamKind.LISTING], entity_id: str
    ) -> "Loaded[listing.Listing]": ...
    @overload
    def load(
        self, tenant_id: str, kind: Literal[StreamKind.ASSEMBLY_ORDER], entity_id: str
    ) -> "Loaded[assembly_order.AssemblyOrder]": ...
    @overload
    def load(self, tenant_id: str, kind: StreamKind, entity_id: str) -> Loaded[Any]: ...

    def load(self, tenant_id: str, kind: StreamKind, entity_id: str) -> Loaded[Any]:
        """The stream's state (typed by its kind) and version."""
        stream = StreamId(tenant_id=tenant_id, kind=kind, entity_id=entity_id)
        start = self._from_snapshot(stream)
        events = self.store.read(stream, from_version=start.version + 1)
        evolve = evolver(kind)
        state = start.state
        for recorded in events:
            state = evolve(state, recorded.event)
        moments = [moved_at(e.event, e.occurred_at) for e in events]
        if start.latest_at is not None:
            moments.append(start.latest_at)
        loaded = Loaded(
            state=state, version=start.version + len(events), latest_at=max(moments, default=None)
        )
        if self._snapshots is not None and len(events) >= SNAPSHOT_EVERY and state is not None:
            self._snapshots.put(
                stream,
                Snapshot(
                    format=SNAPSHOT_FORMAT,
                    version=loaded.version,
                    state=state.model_dump_json(),
                    latest_at=loaded.latest_at,
                ),
            )
        return loaded

    def _from_snapshot(self, stream: StreamId) -> Loaded[Any]:
        snapshot = self._snapshots.get(stream) if self._snapshots is not None else None
        if snapshot is None or snapshot.format != SNAPSHOT_FORMAT:
            return Loaded(state=None, version=0)
        try:
            state = state_type(stream.kind).model_validate_json(snapshot.state)
        except ValidationError:
            return Loaded(state=None, version=0)
        return Loaded(state=state, version=snapshot.version, latest_at=snapshot.latest_at)

    def save(
        self,
        context: EventContext,
        decision: Decision,
        versions: Mapping[tuple[str, str], int],
    ) -> dict[tuple[str, str], int]:
        """Append the decision at the versions read; returns each stream's new version."""
        recorded_at = self.clock.now()
        appends = [
            StreamAppend.of(
                stream_id=StreamId(
                    tenant_id=context.tenant_id, kind=StreamKind(kind), entity_id=eid
                ),
                expected_version=versions.get((kind, eid), 0),
                events=events,
                context=context,
                event_ids=[self.ids.new_id() for _ in events],
                recorded_at=recorded_at,
            )
            for (kind, eid), events in decision.items()
            if events
        ]
        if appends:
            self.store.append(appends)
        return {
            (str(a.stream_id.kind), a.stream_id.entity_id): a.expected_version + len(a.events)
            for a in appends
        }


def retry_on_conflict(attempt: Callable[[], R], attempts: int = 3) -> R:
    """Reload and decide again when another writer got there first, a bounded number of times."""
    for remaining in range(attempts - 1, -1, -1):
        try:
            return attempt()
        except ConcurrencyConflict:
            if remaining == 0:
                raise
    raise AssertionError("unreachable")
