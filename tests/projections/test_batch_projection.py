"""Projecting a batch as a whole: each stream's doc read and written once, each row and stock
row written once, docs kept warm across batches; a failure fails exactly the records whose
events were not applied, and delivering them again converges on a rebuild."""

import random
from collections import Counter
from collections.abc import Iterator, Sequence
from typing import Any

import pytest

from domain.event_store import RecordedEvent, StreamAppend
from domain.streams import StreamKind
from domain.warehouse import fba_warehouse_id
from functions.projector.compare import differences
from functions.projector.handler import handle
from functions.projector.in_memory_store import InMemoryViewStore
from functions.projector.projector import MissingEvents, Projector
from functions.projector.rebuild import rebuild
from functions.projector.wiring import Deps
from functions.shared.adapters.stream_records import batch, record_of
from functions.shared.projections.changes import ViewChanges, merge
from functions.shared.projections.step import initial_doc, step
from functions.shared.views import keys
from functions.shared.views.docs import StreamDoc
from functions.shared.views.items import RowKey, ViewItem
from functions.shared.views.rows import DOC_KIND, LEDGER_KIND, STOCK_KIND
from tests.projections.delivery import FlakyViewStore, InjectedFault, deliver, lambda_context
from tests.projections.history import RandomSeller
from tests.projections.views_check import assert_rows_are_their_ledgers, assert_stock_matches_log
from tests.projections.world import US, World
from tests.support.in_memory import InMemoryEventStore


class CountingViewStore(InMemoryViewStore):
    """The in-memory store, counting calls by method, and the items each write touched."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: Counter[str] = Counter()
        self.writes: Counter[tuple[str, str, str]] = Counter()  # (kind, pk, sk) written

    def get(self, key: RowKey) -> ViewItem | None:
        self.calls["get"] += 1
        return super().get(key)

    def get_many(self, keys: Sequence[RowKey]) -> dict[RowKey, ViewItem]:
        self.calls["get_many"] += 1
        found = {}
        for key in keys:
            item = super().get(key)
            if item is not None:
                found[key] = item
        return found

    def put_many(self, items: Sequence[ViewItem]) -> None:
        self.calls["put_many"] += 1
        for item in items:
            super().put(item)
            self.writes[item.kind, item.pk, item.sk] += 1

    def put_if(self, item: ViewItem, expected_rev: int) -> bool:
        self.calls["put_if"] += 1
        self.writes[item.kind, item.pk, item.sk] += 1
        return super().put_if(item, expected_rev)

    def put_newer(self, item: ViewItem) -> None:
        self.calls["put_newer"] += 1
        self.writes[item.kind, item.pk, item.sk] += 1
        super().put_newer(item)

    def query(self, pk: str, descending: bool = False) -> Iterator[ViewItem]:
        self.calls["query"] += 1
        return super().query(pk, descending)


def received_in_parts(shipments: int = 3) -> World:
    """A count, then shipments of one warehouse's SKU A reconciled, shipped, received in parts
    (their purchase orders all move the stock row of FBA x A)."""
    world = World(InMemoryEventStore(), random.Random(5))
    world.connect((US,))
    main = world.own_warehouse()
    world.count(main, {"A": 100, "B": 20})
    for _ in range(shipments):
        shipment_id = world.discover({"A": 10, "B": 2})
        world.reconcile(shipment_id, main)
        world.mark_shipped(shipment_id)
        world.amazon_receives(shipment_id, "A", 4)
        world.amazon_receives(shipment_id, "A", 3)
    return world


def a_random_history(seed: int, steps: int = 300) -> World:
    rng = random.Random(seed)
    world = World(InMemoryEventStore(), rng)
    RandomSeller(world, rng).run(steps)
    return world


def project_one_by_one(world: World) -> InMemoryViewStore:
    views = InMemoryViewStore()
    projector = Projector(world.store, views)
    for event in world.log:
        projector.project(event)
    return views


def test_a_batch_writes_each_doc_row_and_stock_row_once_and_ledger_facts_in_batches() -> None:
    # Given a history whose log, delivered as one batch, has many events per stream
    world = received_in_parts()
    views = CountingViewStore()
    # When it is projected as one batch
    outcome = Projector(world.store, views).project_batch(world.log)
    # Then every event is applied, and every item was written once: each doc, row, stock row
    assert outcome.failures == {} and outcome.applied == len(world.log)
    assert set(views.writes.values()) == {1}
    streams = {str(e.stream_id) for e in world.log}
    assert {pk for kind, pk, _ in views.writes if kind == DOC_KIND} == streams
    # And the docs were read in one batch read, the stock rows in another, the ledger written
    # in batch writes of up to 25 facts, each stock row's ledger tail read at most once
    ledger = sum(1 for kind, _, _ in views.writes if kind == LEDGER_KIND)
    stock_rows = sum(1 for kind, _, _ in views.writes if kind == STOCK_KIND)
    assert views.calls["get_many"] == 2 and views.calls["get"] == 0
    assert views.calls["put_many"] == -(-ledger // 25)
    assert 0 < views.calls["query"] <= stock_rows
    assert views.calls["put_if"] == len(streams) + stock_rows


def test_docs_stay_warm_a_later_batch_reads_no_doc_it_already_wrote() -> None:
    world = received_in_parts()
    views = CountingViewStore()
    projector = Projector(world.store, views)
    half = len(world.log) // 2
    projector.project_batch(world.log[:half])
    reads = views.calls["get_many"]
    projector.project_batch(world.log[half:])
    streams_before = {str(e.stream_id) for e in world.log[:half]}
    streams_after = {str(e.stream_id) for e in world.log[half:]}
    # only the new streams' docs are read (and the stock rows not seen before)
    assert views.calls["get_many"] - reads <= 2
    assert streams_after - streams_before  # there were new streams to read
    assert differences(rebuild(world.store)[0].items(), views.items()) == []


@pytest.mark.parametrize("size", [1, 7, 50, 10_000])
def test_batches_of_any_size_give_exactly_the_views_of_one_event_at_a_time(size: int) -> None:
    # Given a random history
    world = a_random_history(seed=size)
    # When it is projected in batches of some size, and one event at a time
    views = InMemoryViewStore()
    projector = Projector(world.store, views)
    for start in range(0, len(world.log), size):
        assert projector.project_batch(world.log[start : start + size]).failures == {}
    # Then the views are the same item for item, write counters of rows and docs included
    one_by_one = project_one_by_one(world)
    assert differences(one_by_one.items(), views.items()) == []
    revs = {i.key: i.rev for i in views.items() if i.kind != STOCK_KIND}
    assert revs == {i.key: i.rev for i in one_by_one.items() if i.kind != STOCK_KIND}
    assert_stock_matches_log(views, world.log)


def test_an_event_delivered_twice_in_one_batch_applies_once() -> None:
    world = received_in_parts(shipments=1)
    views = InMemoryViewStore()
    outcome = Projector(world.store, views).project_batch([*world.log, *world.log[3:9]])
    assert outcome.failures == {} and outcome.applied == len(world.log)
    assert differences(rebuild(world.store)[0].items(), views.items()) == []


class FailingWrites(InMemoryViewStore):
    """Fails every write of the items a test names (by kind and partition), as a crash would."""

    def __init__(self) -> None:
        super().__init__()
        self.failing: set[tuple[str, str]] = set()

    def _check(self, item: ViewItem) -> None:
        if (item.kind, item.pk) in self.failing:
            raise InjectedFault(f"cannot write {item.pk}")

    def put_if(self, item: ViewItem, expected_rev: int) -> bool:
        self._check(item)
        return super().put_if(item, expected_rev)

    def put_newer(self, item: ViewItem) -> None:
        self._check(item)
        super().put_newer(item)

    def put_many(self, items: Sequence[ViewItem]) -> None:
        for item in items:
            self._check(item)
            super().put(item)


def deliver_with(handler_deps: Deps, events: Sequence[RecordedEvent]) -> dict[str, Any]:
    records = [record_of(event, str(n)) for n, event in enumerate(events, 1)]
    return handle(batch(records), lambda_context(), handler_deps)


def test_a_stream_whose_doc_cannot_be_written_fails_alone_and_converges_when_redelivered() -> None:
    # Given a batch of many streams, one of which (a purchase order) cannot have its doc written
    world = received_in_parts()
    views = FailingWrites()
    po = next(e.stream_id for e in world.log if e.stream_id.kind is StreamKind.PURCHASE_ORDER)
    views.failing = {(DOC_KIND, keys.doc_pk(po))}
    deps = Deps(projector=Projector(world.store, views))
    # When the handler projects it
    answer = deliver_with(deps, world.log)
    # Then exactly that stream's records are reported failed
    failed = {int(f["itemIdentifier"]) for f in answer["batchItemFailures"]}
    assert failed == {n for n, e in enumerate(world.log, 1) if e.stream_id == po}
    # And once the write works again, delivering from the first failed record on converges
    views.failing = set()
    assert deliver_with(deps, world.log[min(failed) - 1 :]) == {"batchItemFailures": []}
    assert differences(rebuild(world.store)[0].items(), views.items()) == []
    assert_rows_are_their_ledgers(views)


def test_a_stock_row_that_cannot_be_written_fails_every_stream_that_moves_it() -> None:
    # Given a batch in which the FBA x A stock row (moved by every purchase order) fails
    world = received_in_parts()
    views = FailingWrites()
    movers = {str(e.stream_id) for e in world.log if e.stream_id.kind is StreamKind.PURCHASE_ORDER}
    fba = fba_warehouse_id(world.connection_id, US)
    views.failing = {(STOCK_KIND, keys.stock(world.tenant_id, fba))}
    deps = Deps(projector=Projector(world.store, views))
    # When the handler projects it
    answer = deliver_with(deps, world.log)
    # Then the records of every purchase order failed (they all move that row), none other
    failed = {int(f["itemIdentifier"]) for f in answer["batchItemFailures"]}
    failed_streams = {str(world.log[n - 1].stream_id) for n in failed}
    assert failed_streams == movers
    # And the stock the others moved is there, their docs written; redelivery converges
    views.failing = set()
    assert deliver_with(deps, world.log[min(failed) - 1 :]) == {"batchItemFailures": []}
    assert differences(rebuild(world.store)[0].items(), views.items()) == []
    assert_stock_matches_log(views, world.log)


def test_a_gap_inside_a_batch_is_filled_from_the_log_and_only_what_the_log_lacks_fails() -> None:
    # Given a purchase order's events of which the batch holds only the last two
    world = received_in_parts(shipments=1)
    po = [e for e in world.log if e.stream_id.kind is StreamKind.PURCHASE_ORDER]
    assert len(po) >= 4
    projector = Projector(world.store, InMemoryViewStore())
    # When they are projected
    outcome = projector.project_batch(po[-2:])
    # Then the earlier ones were read from the log and every one applied once
    assert outcome.failures == {} and outcome.applied == len(po)
    assert outcome.filled_gaps == (po[0].stream_id,)
    # And when the log lacks an event, the records before the hole apply, the later ones fail
    holed = InMemoryEventStore()
    for event in po[:-2]:  # a log without the last two
        holed.append(
            [
                StreamAppend(
                    stream_id=event.stream_id, expected_version=event.version - 1, events=(event,)
                )
            ]
        )
    late = Projector(holed, InMemoryViewStore())
    result = late.project_batch([po[-3], po[-1]])
    assert set(result.failures) == {1} and isinstance(result.failures[1], MissingEvents)
    assert result.applied == len(po) - 2


def test_a_warm_doc_moved_by_another_writer_is_caught_by_its_conditional_write() -> None:
    # Given two projectors over the same views, the first one warm with every doc at half way
    world = received_in_parts()
    views = InMemoryViewStore()
    warm, other = Projector(world.store, views), Projector(world.store, views)
    half = len(world.log) // 2
    assert warm.project_batch(world.log[:half]).failures == {}
    # When the other projects the rest, and then the warm one gets the rest again
    assert other.project_batch(world.log[half:]).failures == {}
    again = warm.project_batch(world.log[half:])
    # Then its stale docs lost their conditional writes, were read again, and nothing changed
    assert again.failures == {} and again.applied == 0
    assert differences(rebuild(world.store)[0].items(), views.items()) == []
    assert_stock_matches_log(views, world.log)


def stream_batches(
    log: Sequence[RecordedEvent], rng: random.Random, early: float = 0.1, twice: float = 0.1
) -> list[list[RecordedEvent]]:
    """Batches as a stream delivers them, mixing streams: consecutive slices of the log; then
    some moved ahead of earlier ones (gaps to fill) and some delivered again later. Each batch
    stays in sequence order, as Lambda's are (`deliver` redelivers from the lowest failed
    sequence number on)."""
    batches, start = [], 0
    while start < len(log):
        size = rng.randint(1, 30)
        batches.append(list(log[start : start + size]))
        start += size
    for index in range(1, len(batches)):
        if rng.random() < early:
            batches.insert(rng.randint(max(0, index - 10), index - 1), batches.pop(index))
    for index in range(len(batches) - 1, -1, -1):
        if rng.random() < twice:
            batches.insert(rng.randint(index + 1, len(batches)), list(batches[index]))
    return batches


@pytest.mark.parametrize("seed", range(6))
def test_concurrent_writes_with_failures_still_converge_on_a_rebuild(seed: int) -> None:
    # Given a random history delivered in batches mixing streams, some ahead of earlier ones,
    # some twice, with failing writes, to a projector that makes its store calls 8 at a time
    rng = random.Random(seed)
    world = a_random_history(seed, steps=400)
    live = InMemoryViewStore()
    flaky = FlakyViewStore(live, rng, rate=0.02)
    deps = Deps(projector=Projector(world.store, flaky, concurrency=8))
    deliver(lambda event: handle(event, lambda_context(), deps), stream_batches(world.log, rng))
    # Then the views are a rebuild's, and the stock is what the log says
    assert flaky.faults > 0
    assert differences(rebuild(world.store)[0].items(), live.items()) == []
    assert_stock_matches_log(live, world.log)
    assert_rows_are_their_ledgers(live)


def project_stream(events: list[RecordedEvent]) -> list[ViewChanges]:
    doc: StreamDoc = initial_doc(events[0].stream_id)
    changes = []
    for event in events:
        changes.append(step(doc, event))
        doc = changes[-1].after
    return changes


def test_merged_steps_keep_each_rows_last_write_and_every_fact() -> None:
    # Given every step of a shipment (its rows rewritten at each) and of a purchase order
    world = received_in_parts(shipments=1)
    for kind in (StreamKind.SHIPMENT, StreamKind.PURCHASE_ORDER):
        steps = project_stream([e for e in world.log if e.stream_id.kind is kind])
        # When they are merged
        merged = merge(steps)
        # Then it goes from the first doc to the last, with each row as last written
        assert (merged.prior, merged.version, merged.after) == (0, len(steps), steps[-1].after)
        last = {}
        for changes in steps:
            last.update({(row.pk, row.sk): row for row in changes.puts})
        assert {(r.pk, r.sk): r for r in merged.puts} == last
        assert merged.facts == tuple(f for changes in steps for f in changes.facts)
        assert merged.doc == steps[-1].doc
    with pytest.raises(ValueError, match="consecutive"):
        merge([steps[0], steps[2]])
