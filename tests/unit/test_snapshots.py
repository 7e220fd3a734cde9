"""Aggregate snapshots: a load from a snapshot plus the events after it is exactly the fold of the
whole stream, a load reads a bounded number of events however long the stream, and a snapshot of
another format, or one that no longer parses, is ignored."""

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.event_store import EventContext, RecordedEvent
from domain.streams import StreamId, StreamKind
from domain.warehouse import WarehouseCreated, WarehouseEnabledChanged, WarehouseKind
from functions.shared.adapters.snapshots import StateTableSnapshots
from functions.shared.adapters.state_store import StateTable
from functions.shared.adapters.system import RandomIds
from functions.shared.aggregates import SNAPSHOT_EVERY, SNAPSHOT_FORMAT, Aggregates, Snapshot
from infra.local.tables import create_state_table
from tests.support import fixed_clock, fresh_name
from tests.support.in_memory import InMemoryEventStore

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient

TENANT, WAREHOUSE = "t-snap", "wh-snap"
STREAM = StreamId(tenant_id=TENANT, kind=StreamKind.WAREHOUSE, entity_id=WAREHOUSE)
CONTEXT = EventContext(
    tenant_id=TENANT,
    actor="user:test",
    correlation_id="c",
    occurred_at=datetime(2026, 1, 1, tzinfo=UTC),
)


class SnapshotsInMemory:
    def __init__(self) -> None:
        self.saved: dict[StreamId, Snapshot] = {}

    def get(self, stream_id: StreamId) -> Snapshot | None:
        return self.saved.get(stream_id)

    def put(self, stream_id: StreamId, snapshot: Snapshot) -> None:
        self.saved[stream_id] = snapshot


class CountingStore(InMemoryEventStore):
    """Counts the events each read hands back."""

    def __init__(self) -> None:
        super().__init__()
        self.last_read = 0

    def read(
        self, stream_id: StreamId, from_version: int = 1, limit: int | None = None
    ) -> list[RecordedEvent]:
        events = super().read(stream_id, from_version, limit)
        self.last_read = len(events)
        return events


def append(aggregates: Aggregates, version: int, toggles: list[bool]) -> int:
    events = [WarehouseEnabledChanged(warehouse_id=WAREHOUSE, enabled=flag) for flag in toggles]
    if version == 0:
        created = WarehouseCreated(warehouse_id=WAREHOUSE, name="Main", kind=WarehouseKind.OWN)
        events = [created, *events]
    key = (StreamKind.WAREHOUSE.value, WAREHOUSE)
    return aggregates.save(CONTEXT, {key: events}, {key: version})[key] if events else version


@settings(max_examples=25, deadline=None)
@given(
    chunks=st.lists(st.lists(st.booleans(), max_size=260), min_size=1, max_size=6),
)
def test_a_load_from_a_snapshot_is_the_fold_of_the_whole_stream(chunks: list[list[bool]]) -> None:
    store = CountingStore()
    snapshots = SnapshotsInMemory()
    with_snapshots = Aggregates(store, RandomIds(), fixed_clock(), snapshots)
    folding_all = Aggregates(store, RandomIds(), fixed_clock())
    version = 0
    for toggles in chunks:
        version = append(with_snapshots, version, toggles)

        loaded = with_snapshots.load(TENANT, StreamKind.WAREHOUSE, WAREHOUSE)
        read_from_snapshot = store.last_read
        whole = folding_all.load(TENANT, StreamKind.WAREHOUSE, WAREHOUSE)

        assert (loaded.state, loaded.version, loaded.latest_at) == (
            whole.state,
            whole.version,
            whole.latest_at,
        )
        # Never more than the events since the last snapshot: under SNAPSHOT_EVERY before this
        # chunk, plus the chunk (and the creation).
        assert read_from_snapshot <= SNAPSHOT_EVERY + len(toggles)
    snapshot = snapshots.saved.get(STREAM)
    if version > SNAPSHOT_EVERY:
        assert snapshot is not None and snapshot.version >= SNAPSHOT_EVERY
        assert with_snapshots.load(TENANT, StreamKind.WAREHOUSE, WAREHOUSE).version == version
        assert store.last_read == version - snapshot.version


def test_a_snapshot_of_another_format_or_that_no_longer_parses_is_ignored() -> None:
    store = CountingStore()
    snapshots = SnapshotsInMemory()
    aggregates = Aggregates(store, RandomIds(), fixed_clock(), snapshots)
    version = append(aggregates, 0, [False, True, False])
    truth = Aggregates(store, RandomIds(), fixed_clock()).load(
        TENANT, StreamKind.WAREHOUSE, WAREHOUSE
    )

    for stale in (
        Snapshot(format=SNAPSHOT_FORMAT - 1, version=2, state="{}"),
        Snapshot(format=SNAPSHOT_FORMAT, version=2, state='{"not": "a warehouse"}'),
    ):
        snapshots.saved[STREAM] = stale
        loaded = aggregates.load(TENANT, StreamKind.WAREHOUSE, WAREHOUSE)
        assert (loaded.state, loaded.version) == (truth.state, version)
        assert store.last_read == version  # folded from the start


def test_snapshots_are_kept_in_the_state_table(dynamodb_client: "DynamoDBClient") -> None:
    table = StateTable(fresh_name("state"), dynamodb_client)
    create_state_table(dynamodb_client, table.table_name)
    snapshots = StateTableSnapshots(table)
    store = CountingStore()
    aggregates = Aggregates(store, RandomIds(), fixed_clock(), snapshots)
    version = append(aggregates, 0, [n % 2 == 0 for n in range(SNAPSHOT_EVERY + 5)])

    first = aggregates.load(TENANT, StreamKind.WAREHOUSE, WAREHOUSE)
    again = aggregates.load(TENANT, StreamKind.WAREHOUSE, WAREHOUSE)

    saved = snapshots.get(STREAM)
    assert saved is not None and saved.version == version
    assert (again.state, again.version) == (first.state, version)
    assert store.last_read == 0
