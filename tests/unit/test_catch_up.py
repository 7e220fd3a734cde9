"""Catching a doc up with its log: from any doc the projector may have reached (none, or any
prefix of the stream), the reader's doc is exactly the projector's doc after every event, read
in bounded pages; a doc too far behind is refused, not rebuilt in a request."""

from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.event_store import EventContext, RecordedEvent
from domain.streams import StreamId, StreamKind
from domain.warehouse import WarehouseCreated, WarehouseEnabledChanged, WarehouseKind
from functions.shared.adapters.system import RandomIds
from functions.shared.aggregates import Aggregates
from functions.shared.projections.step import initial_doc, step
from functions.shared.views.catch_up import CatchUp
from functions.shared.views.docs import StreamDoc
from functions.shared.views.errors import ViewLagging
from tests.support import fixed_clock
from tests.support.in_memory import InMemoryEventStore

TENANT, WAREHOUSE = "t-catch-up", "wh-1"
STREAM = StreamId(tenant_id=TENANT, kind=StreamKind.WAREHOUSE, entity_id=WAREHOUSE)
CONTEXT = EventContext(
    tenant_id=TENANT,
    actor="user:test",
    correlation_id="c",
    occurred_at=datetime(2026, 1, 1, tzinfo=UTC),
)


class CountingStore(InMemoryEventStore):
    def __init__(self) -> None:
        super().__init__()
        self.reads: list[int | None] = []

    def read(
        self, stream_id: StreamId, from_version: int = 1, limit: int | None = None
    ) -> list[RecordedEvent]:
        self.reads.append(limit)
        return super().read(stream_id, from_version, limit)


def a_warehouse_toggled(toggles: list[bool]) -> CountingStore:
    store = CountingStore()
    created = WarehouseCreated(warehouse_id=WAREHOUSE, name="Main", kind=WarehouseKind.OWN)
    events = [
        created,
        *(WarehouseEnabledChanged(warehouse_id=WAREHOUSE, enabled=f) for f in toggles),
    ]
    key = (StreamKind.WAREHOUSE.value, WAREHOUSE)
    Aggregates(store, RandomIds(), fixed_clock()).save(CONTEXT, {key: events}, {key: 0})
    return store


def projected(store: InMemoryEventStore, upto: int) -> StreamDoc:
    """The doc the projector writes after the stream's first `upto` events."""
    doc = initial_doc(STREAM)
    for recorded in store.read(STREAM)[:upto]:
        doc = step(doc, recorded).after
    return doc


@settings(max_examples=40, deadline=None)
@given(data=st.data(), toggles=st.lists(st.booleans(), max_size=30), page=st.integers(1, 7))
def test_a_doc_at_any_version_catches_up_to_the_projectors_doc(
    data: st.DataObject, toggles: list[bool], page: int
) -> None:
    store = a_warehouse_toggled(toggles)
    total = len(toggles) + 1
    reached = data.draw(st.integers(0, total), label="events the projector applied")
    stale = projected(store, reached) if reached else None
    store.reads.clear()

    caught_up = CatchUp(store, page=page).doc(STREAM, stale)
    reads = list(store.reads)

    assert caught_up == projected(store, total)
    assert caught_up is not None and caught_up.version == total
    assert set(reads) == {page}  # every read bounded by the page
    assert len(reads) == (total - reached) // page + 1


def test_a_stream_without_events_has_no_doc() -> None:
    assert CatchUp(InMemoryEventStore()).doc(STREAM, None) is None


def test_a_doc_further_behind_than_the_bound_is_refused() -> None:
    store = a_warehouse_toggled([True, False] * 10)

    with pytest.raises(ViewLagging, match="retry"):
        CatchUp(store, page=4, max_behind=8).doc(STREAM, None)
    # Exactly at the bound it is still caught up.
    assert CatchUp(store, page=4, max_behind=24).doc(STREAM, projected(store, 3)) is not None
