"""The event store contract: every implementation of the port must pass every test here."""

import threading
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pytest

from domain.errors import ConcurrencyConflict
from domain.event_store import EventStore, StreamAppend
from domain.inbound_shipment.events import InboundShipmentDiscovered
from domain.messages import DomainEvent
from domain.streams import StreamKind
from domain.warehouse import StockCounted
from functions.shared.adapters.dynamodb_event_store import DynamoDBEventStore
from infra.local.tables import create_events_table
from tests.support import fresh_name
from tests.support.event_store import (
    INDIA,
    a_stream,
    appending,
    receipts_changed,
    shipment_discovered,
    status_changed,
    stock_counted,
)
from tests.support.in_memory import InMemoryEventStore

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient

PAGE_SIZE = 7  # small, so that any DynamoDB read of more than 7 events spans several pages


@pytest.fixture(params=["memory", "dynamodb"])
def store(request: pytest.FixtureRequest) -> EventStore:
    if request.param == "memory":
        return InMemoryEventStore()
    client = request.getfixturevalue("dynamodb_client")
    table = fresh_name("events")
    create_events_table(client, table)
    return DynamoDBEventStore(table, client, page_size=PAGE_SIZE)


def receipts(count: int, start: int = 1) -> list[DomainEvent]:
    return [receipts_changed(total) for total in range(start, start + count)]


def test_reads_back_exactly_the_events_appended(store: EventStore) -> None:
    # Given a new stream
    stream = a_stream()
    # When three events are appended
    append = appending(stream, 0, [shipment_discovered(), status_changed("SHIPPED"), *receipts(1)])
    store.append([append])
    # Then reading gives every envelope field and every event back, in order, of the same class
    read = store.read(stream)
    assert read == list(append.events)
    assert [type(e.event) for e in read] == [type(e.event) for e in append.events]
    assert [e.model_dump() for e in read] == [e.model_dump() for e in append.events]


def test_reads_from_a_given_version(store: EventStore) -> None:
    stream = a_stream()
    append = appending(stream, 0, [shipment_discovered(), *receipts(4)])
    store.append([append])

    assert [e.version for e in store.read(stream, from_version=3)] == [3, 4, 5]
    assert store.read(stream, from_version=3) == list(append.events[2:])
    assert store.read(stream, from_version=6) == []


def test_reads_at_most_the_limit(store: EventStore) -> None:
    stream = a_stream()
    append = appending(stream, 0, [shipment_discovered(), *receipts(4)])
    store.append([append])

    assert [e.version for e in store.read(stream, from_version=2, limit=2)] == [2, 3]
    assert [e.version for e in store.read(stream, from_version=4, limit=10)] == [4, 5]
    assert store.read(stream, limit=1) == list(append.events[:1])


def test_an_unknown_stream_reads_as_empty(store: EventStore) -> None:
    assert store.read(a_stream()) == []


@pytest.mark.parametrize("new_events", [1, 3], ids=["one event", "several events"])
def test_a_stale_expected_version_conflicts_and_writes_nothing(
    store: EventStore, new_events: int
) -> None:
    # Given a stream at version 3
    stream = a_stream()
    original = appending(stream, 0, [shipment_discovered(), *receipts(2)])
    store.append([original])
    # When someone who read it at version 1 appends
    with pytest.raises(ConcurrencyConflict) as conflict:
        store.append([appending(stream, 1, receipts(new_events, start=10))])
    # Then the conflict names the stream and the stream is unchanged
    assert str(stream) in str(conflict.value)
    assert store.read(stream) == list(original.events)


@pytest.mark.parametrize("new_events", [1, 3], ids=["one event", "several events"])
@pytest.mark.parametrize("stream_version", [0, 2], ids=["new stream", "stream at 2"])
def test_an_expected_version_ahead_of_the_stream_conflicts(
    store: EventStore, new_events: int, stream_version: int
) -> None:
    stream = a_stream()
    original = appending(stream, 0, receipts(stream_version))
    if stream_version:
        store.append([original])

    with pytest.raises(ConcurrencyConflict) as conflict:
        store.append([appending(stream, stream_version + 2, receipts(new_events, start=10))])

    assert str(stream) in str(conflict.value)
    assert store.read(stream) == list(original.events)


def race(store: EventStore, appends: list[StreamAppend]) -> list[Exception | None]:
    """Each append in its own thread, all released at once; what each one raised, or None."""
    barrier = threading.Barrier(len(appends))
    outcomes: list[Exception | None] = [None] * len(appends)

    def run(index: int) -> None:
        barrier.wait()
        try:
            store.append([appends[index]])
        except Exception as error:  # reported to the test thread, which asserts on it
            outcomes[index] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(appends))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


@pytest.mark.parametrize("new_events", [1, 2], ids=["one event", "several events"])
def test_of_two_writers_racing_at_the_same_version_exactly_one_wins(
    store: EventStore, new_events: int
) -> None:
    if isinstance(store, DynamoDBEventStore) and new_events > 1:
        pytest.skip(
            "moto 5.2.5 cannot race transactions: a cancelled TransactWriteItems restores a "
            "snapshot of the table taken before a concurrent winner wrote, erasing the winner "
            "(no lock). Real DynamoDB isolates transactions; the single-put race runs here."
        )
    for _ in range(10):
        # Given a stream at version 1 read by two writers
        stream = a_stream()
        first = appending(stream, 0, [shipment_discovered()])
        store.append([first])
        alice = appending(stream, 1, receipts(new_events), actor="user:alice")
        bob = appending(stream, 1, receipts(new_events), actor="user:bob")
        # When both append at version 1 at the same moment
        outcomes = race(store, [alice, bob])
        # Then one succeeds, the other gets a conflict, and only the winner's events are there
        assert sorted(type(o).__name__ for o in outcomes) == ["ConcurrencyConflict", "NoneType"]
        winner = alice if outcomes[0] is None else bob
        assert store.read(stream) == [*first.events, *winner.events]


def test_a_multi_stream_append_writes_every_stream(store: EventStore) -> None:
    shipment, warehouse = a_stream(), a_stream(StreamKind.WAREHOUSE)
    appends = [
        appending(shipment, 0, [shipment_discovered()]),
        appending(warehouse, 0, [stock_counted()]),
    ]

    store.append(appends)

    assert store.read(shipment) == list(appends[0].events)
    assert store.read(warehouse) == list(appends[1].events)


@pytest.mark.parametrize("conflicting", [0, 1, 2])
def test_a_multi_stream_append_is_all_or_nothing(store: EventStore, conflicting: int) -> None:
    # Given three streams, each at version 1
    streams = [a_stream() for _ in range(3)]
    originals = [appending(stream, 0, [shipment_discovered()]) for stream in streams]
    for original in originals:
        store.append([original])
    # When one append of all three expects one of them to be still new
    appends = [
        appending(stream, 0 if i == conflicting else 1, receipts(2))
        for i, stream in enumerate(streams)
    ]
    with pytest.raises(ConcurrencyConflict) as conflict:
        store.append(appends)
    # Then that stream is named and none of the three was written
    assert str(streams[conflicting]) in str(conflict.value)
    assert [store.read(stream) for stream in streams] == [list(o.events) for o in originals]


def test_a_stream_longer_than_a_page_reads_whole(store: EventStore) -> None:
    stream = a_stream()
    appends = [appending(stream, v, receipts(5, start=v + 1)) for v in range(0, 25, 5)]
    for append in appends:
        store.append([append])

    everything = [event for append in appends for event in append.events]
    assert store.read(stream) == everything
    assert store.read(stream, from_version=10) == everything[9:]


def test_decimals_offsets_and_nested_models_round_trip_exactly(store: EventStore) -> None:
    # Given a count with a four-place unit cost and a shipment with an address, in IST (+05:30)
    shipment, warehouse = a_stream(), a_stream(StreamKind.WAREHOUSE)
    store.append([appending(shipment, 0, [shipment_discovered()])])
    store.append([appending(warehouse, 0, [stock_counted(Decimal("12.3450"))])])
    # When they are read back
    [discovered] = store.read(shipment)
    [counted] = store.read(warehouse)
    # Then the decimal keeps its exponent, the times their offset, the address its fields
    assert isinstance(counted.event, StockCounted)
    unit_cost = counted.event.lines[0].unit_cost
    assert unit_cost is not None
    assert unit_cost.as_tuple() == Decimal("12.3450").as_tuple()
    assert counted.event.counted_at.utcoffset() == INDIA.utcoffset(None)
    assert counted.occurred_at.utcoffset() == INDIA.utcoffset(None)
    assert isinstance(discovered.event, InboundShipmentDiscovered)
    assert discovered.event == shipment_discovered()
    assert discovered.event.observed_at.utcoffset() == INDIA.utcoffset(None)
    assert discovered.event.ship_from.city == "Pune"


def test_read_all_gives_every_event_each_stream_in_version_order(store: EventStore) -> None:
    # Given three streams appended to in turn, so their events interleave in time
    streams = [a_stream() for _ in range(3)]
    for version in range(4):
        for stream in streams:
            store.append([appending(stream, version, receipts(1, start=version + 1))])
    # When everything is read
    everything = list(store.read_all())
    # Then each stream's events come out in version order, and nothing else
    for stream in streams:
        assert [e for e in everything if e.stream_id == stream] == store.read(stream)
    assert len(everything) == 12


def test_an_append_with_no_events_still_checks_the_version(store: EventStore) -> None:
    stream = a_stream()
    store.append([appending(stream, 0, [shipment_discovered()])])

    store.append([StreamAppend(stream_id=stream, expected_version=1, events=())])
    with pytest.raises(ConcurrencyConflict):
        store.append([StreamAppend(stream_id=stream, expected_version=0, events=())])
    assert len(store.read(stream)) == 1


# DynamoDB-specific behaviour, beyond the port's contract.


@pytest.fixture
def dynamodb_store(dynamodb_client: "DynamoDBClient") -> DynamoDBEventStore:
    table = fresh_name("events")
    create_events_table(dynamodb_client, table)
    return DynamoDBEventStore(table, dynamodb_client, page_size=PAGE_SIZE)


def calls_made(client: "DynamoDBClient") -> list[str]:
    """The names of the DynamoDB operations the client sends from now on."""
    names: list[str] = []
    client.meta.events.register("before-call.dynamodb", lambda model, **_: names.append(model.name))
    return names


def test_a_single_event_append_is_one_read_and_one_conditional_put_never_a_transaction(
    dynamodb_store: DynamoDBEventStore, dynamodb_client: "DynamoDBClient"
) -> None:
    stream = a_stream()
    dynamodb_store.append([appending(stream, 0, [shipment_discovered()])])
    calls = calls_made(dynamodb_client)

    dynamodb_store.append([appending(stream, 1, receipts(1))])

    assert calls == ["GetItem", "PutItem"]


def test_a_stream_longer_than_a_page_is_read_in_several_queries(
    dynamodb_store: DynamoDBEventStore, dynamodb_client: "DynamoDBClient"
) -> None:
    stream = a_stream()
    dynamodb_store.append([appending(stream, 0, receipts(25))])
    calls = calls_made(dynamodb_client)

    assert len(dynamodb_store.read(stream)) == 25
    assert calls.count("Query") == 4  # 7 + 7 + 7 + 4


def test_an_append_over_a_hundred_items_is_refused_before_writing_anything(
    dynamodb_store: DynamoDBEventStore,
) -> None:
    streams = [a_stream(), a_stream()]
    appends = [appending(streams[0], 0, receipts(60)), appending(streams[1], 0, receipts(41))]

    with pytest.raises(ValueError, match="101 items"):
        dynamodb_store.append(appends)
    assert [dynamodb_store.read(stream) for stream in streams] == [[], []]


def test_one_stream_twice_in_one_append_is_refused(dynamodb_store: DynamoDBEventStore) -> None:
    stream = a_stream()
    with pytest.raises(ValueError, match="only once"):
        dynamodb_store.append(
            [appending(stream, 0, receipts(1)), appending(stream, 1, receipts(1))]
        )
    assert dynamodb_store.read(stream) == []


def test_a_put_retried_after_it_landed_is_not_a_conflict(
    dynamodb_store: DynamoDBEventStore, dynamodb_client: "DynamoDBClient"
) -> None:
    # Given a network that loses the first PutItem response, so botocore sends the put again
    attempts_seen: list[int] = []

    def retry_first_put_once(attempts: int, **_: object) -> Any:
        attempts_seen.append(attempts)
        return 0 if attempts == 1 else None  # 0: retry at once; None: let botocore decide

    dynamodb_client.meta.events.register_first("needs-retry.dynamodb.PutItem", retry_first_put_once)
    stream = a_stream()
    append = appending(stream, 0, [shipment_discovered()])
    # When the event is appended (the retry finds our own event in place)
    dynamodb_store.append([append])
    # Then the append succeeds, after two attempts, with the event stored once
    assert attempts_seen[:2] == [1, 2]
    assert dynamodb_store.read(stream) == list(append.events)
