"""The view store contract: every implementation of the port must pass every test here."""

import threading

import pytest

from functions.projector.dynamodb_store import DynamoDBViewStore
from functions.projector.in_memory_store import InMemoryViewStore
from functions.projector.ports import ViewStore
from functions.shared.views.items import RowKey, ViewItem
from infra.local.tables import create_views_table
from tests.support import fresh_name

PAGE_SIZE = 3  # small, so that any DynamoDB query or scan of more than 3 items spans pages


@pytest.fixture(params=["memory", "dynamodb"])
def store(request: pytest.FixtureRequest) -> ViewStore:
    if request.param == "memory":
        return InMemoryViewStore()
    client = request.getfixturevalue("dynamodb_client")
    table = fresh_name("views")
    create_views_table(client, table)
    return DynamoDBViewStore(table, client, page_size=PAGE_SIZE)


def an_item(pk: str = "t1#P", sk: str = "a", rev: int = 0, data: str = '{"n":1}') -> ViewItem:
    return ViewItem(pk=pk, sk=sk, kind="thing", data=data, rev=rev)


def partition() -> str:
    return f"{fresh_name('t')}#P"


def test_an_item_reads_back_exactly_as_written(store: ViewStore) -> None:
    # Given an item using every attribute: index keys, filters, escaped parts, a write counter
    item = ViewItem(
        pk="t1#SHIPMENTS",
        sk="2026-11-01T09:00:00.000000Z#FBA%23X",
        gsi1pk="t1#SHIPMENTS#STATUS#WORKING",
        gsi1sk="2026-11-01T09:00:00.000000Z#FBA%23X",
        gsi2pk="t1#SHIPMENTS#RECONCILED#no",
        gsi2sk="2026-11-01T09:00:00.000000Z#FBA%23X",
        kind="shipment_summary",
        data='{"name": "Ünïcode \\"quoted\\"", "n": 1}',
        filters={"status": "WORKING", "reconciled": "no"},
        rev=7,
    )
    # When it is written
    store.put(item)
    # Then reading it by key, in its partition, and among every item gives it back unchanged
    assert store.get(item.key) == item
    assert store.get_many([item.key]) == {item.key: item}
    assert list(store.query(item.pk)) == [item]
    assert item in list(store.items())


def test_an_absent_item_reads_as_none(store: ViewStore) -> None:
    assert store.get(RowKey(pk="t1#NOTHING", sk="x")) is None
    assert store.get_many([RowKey(pk="t1#NOTHING", sk="x")]) == {}
    assert store.get_many([]) == {}


def test_put_replaces_whatever_is_there(store: ViewStore) -> None:
    store.put(an_item(rev=5, data='{"n":1}'))
    store.put(an_item(rev=1, data='{"n":2}'))
    assert store.get(an_item().key) == an_item(rev=1, data='{"n":2}')


def test_get_many_gives_the_items_that_exist_by_key_beyond_one_batch(store: ViewStore) -> None:
    # Given 130 items (more than one DynamoDB batch read holds)
    pk = partition()
    items = [an_item(pk, f"{n:03d}", data=f'{{"n":{n}}}') for n in range(130)]
    store.put_many(items)
    # When they are read by key, with absent keys and a key asked twice among them
    wanted = [item.key for item in items] + [RowKey(pk=pk, sk="absent"), items[0].key]
    found = store.get_many(wanted)
    # Then every item that exists comes back under its key, and no other
    assert found == {item.key: item for item in items}


def test_put_many_writes_every_item_and_the_last_of_a_key_given_twice(store: ViewStore) -> None:
    # Given an item already stored
    pk = partition()
    store.put(an_item(pk, "000", data='{"old":true}'))
    # When 60 items (more than two DynamoDB batch writes) are written, one key twice
    items = [an_item(pk, f"{n:03d}") for n in range(60)]
    store.put_many([*items, an_item(pk, "001", data='{"last":true}')])
    # Then every one is stored, the stored one replaced, the key given twice holds the last
    stored = {item.sk: item for item in store.query(pk)}
    assert len(stored) == 60
    assert stored["000"] == items[0]
    assert stored["001"].data == '{"last":true}'
    store.put_many([])


def test_put_if_absent_writes_only_when_nothing_is_there(store: ViewStore) -> None:
    assert store.put_if(an_item(rev=1, data='{"first":true}'), expected_rev=0)
    assert not store.put_if(an_item(rev=1, data='{"second":true}'), expected_rev=0)
    assert store.get(an_item().key) == an_item(rev=1, data='{"first":true}')


def test_put_if_writes_only_over_the_expected_rev(store: ViewStore) -> None:
    # Given an item at rev 2
    store.put(an_item(rev=2, data='{"v":2}'))
    # When writers expecting rev 1, 3 and 2 write in turn
    stale = store.put_if(an_item(rev=2, data='{"stale":true}'), expected_rev=1)
    ahead = store.put_if(an_item(rev=4, data='{"ahead":true}'), expected_rev=3)
    current = store.put_if(an_item(rev=3, data='{"v":3}'), expected_rev=2)
    # Then only the one that read rev 2 wrote
    assert (stale, ahead, current) == (False, False, True)
    assert store.get(an_item().key) == an_item(rev=3, data='{"v":3}')


def test_put_if_expecting_an_item_that_is_absent_writes_nothing(store: ViewStore) -> None:
    assert not store.put_if(an_item(rev=2), expected_rev=1)
    assert store.get(an_item().key) is None


def race(store: ViewStore, key: str) -> list[bool]:
    """Two writers that read the item at rev 1 write it at once; what each one's put_if said."""
    barrier = threading.Barrier(2)
    won: list[bool] = []

    def write(n: int) -> None:
        barrier.wait()
        won.append(store.put_if(an_item(sk=key, rev=2, data=f'{{"w":{n}}}'), expected_rev=1))

    threads = [threading.Thread(target=write, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return won


def test_of_two_writers_expecting_the_same_rev_exactly_one_wins(store: ViewStore) -> None:
    for attempt in range(5):
        key = f"race-{attempt}"
        store.put(an_item(sk=key, rev=1))
        assert sorted(race(store, key)) == [False, True]


@pytest.mark.parametrize(
    ("stored_rev", "replaced"),
    [(None, True), (3, True), (5, False), (8, False)],
    ids=["absent", "older", "same rev", "newer"],
)
def test_put_newer_replaces_only_an_older_item(
    store: ViewStore, stored_rev: int | None, replaced: bool
) -> None:
    # Given nothing, or an item at some rev
    stored = None if stored_rev is None else an_item(rev=stored_rev, data='{"stored":true}')
    if stored is not None:
        store.put(stored)
    # When an item at rev 5 is written if newer
    newer = an_item(rev=5, data='{"new":true}')
    store.put_newer(newer)
    # Then it is there only if what was there was older (or nothing)
    assert store.get(newer.key) == (newer if replaced else stored)


@pytest.mark.parametrize(
    ("stored_rev", "deleted"),
    [(3, True), (5, False), (8, False)],
    ids=["older", "same rev", "newer"],
)
def test_delete_older_deletes_only_an_older_item(
    store: ViewStore, stored_rev: int, deleted: bool
) -> None:
    store.put(an_item(rev=stored_rev))
    store.delete_older(an_item().key, rev=5)
    assert (store.get(an_item().key) is None) is deleted


def test_delete_older_of_an_absent_item_does_nothing(store: ViewStore) -> None:
    store.delete_older(RowKey(pk="t1#NOTHING", sk="x"), rev=5)
    assert store.get(RowKey(pk="t1#NOTHING", sk="x")) is None


def test_query_gives_one_partition_in_sort_key_order_either_way_across_pages(
    store: ViewStore,
) -> None:
    # Given ten items of a partition written out of order, and items of a neighbouring one
    pk = partition()
    sort_keys = ["2026-11-01T09:00:00.000000Z#e1", *(f"2026-11-0{n}#x" for n in range(2, 10))]
    sort_keys.append("2026-11-01T09:00:00.000000Z$")
    for sk in reversed(sort_keys):
        store.put(an_item(pk, sk))
    store.put(an_item(pk + "X", "a"))
    store.put(an_item(pk[:-1], "a"))
    # When the partition is queried ascending and descending
    ascending = [item.sk for item in store.query(pk)]
    descending = [item.sk for item in store.query(pk, descending=True)]
    # Then each gives exactly its items, in string order of sort key, one way or the other
    assert ascending == sorted(sort_keys)
    assert descending == sorted(sort_keys, reverse=True)
    assert list(store.query(partition())) == []


def test_query_is_lazy_a_consumer_may_stop_after_the_first_items(store: ViewStore) -> None:
    pk = partition()
    store.put_many([an_item(pk, f"{n:02d}") for n in range(10)])
    newest = store.query(pk, descending=True)
    assert [next(newest).sk, next(newest).sk] == ["09", "08"]


def test_items_gives_every_item_of_every_partition(store: ViewStore) -> None:
    pks = [partition() for _ in range(3)]
    written = [an_item(pk, f"{n}") for pk in pks for n in range(4)]
    store.put_many(written)
    found = [item for item in store.items() if item.pk in pks]
    assert sorted(found, key=lambda i: (i.pk, i.sk)) == sorted(written, key=lambda i: (i.pk, i.sk))
