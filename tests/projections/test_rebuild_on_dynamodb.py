"""On DynamoDB-on-moto: live views, projected through shuffled, redelivered and failing
batches or by racing projectors, equal a rebuild from the log; the rebuild command says so,
and flags a view that differs. Histories are small: transactions are slow on moto."""

import random
import threading

import pytest

from domain.stock.ledger import StockState
from functions.projector.compare import differences
from functions.projector.dynamodb_store import DynamoDBViewStore
from functions.projector.handler import handle
from functions.projector.projector import Projector
from functions.projector.rebuild import rebuild
from functions.projector.wiring import Deps
from functions.shared.views.items import ViewItem
from functions.shared.views.rows import STOCK_KIND
from infra.rebuild_views import main
from tests.projections.conftest import Tables
from tests.projections.delivery import FlakyViewStore, deliver, lambda_context, shuffled_batches
from tests.projections.history import RandomSeller
from tests.projections.views_check import assert_stock_matches_log
from tests.projections.world import US, World, copy_log
from tests.support import fresh_name
from tests.support.in_memory import InMemoryEventStore


class ConflictCounter(FlakyViewStore):
    """Counts the conditional writes another writer won."""

    def __init__(self, inner: DynamoDBViewStore) -> None:
        super().__init__(inner, random.Random(0), rate=0.0)
        self.lost = 0

    def put_if(self, item: ViewItem, expected_rev: int) -> bool:
        written = super().put_if(item, expected_rev)
        self.lost += not written
        return written


def test_the_rebuild_command_finds_live_views_identical_and_flags_a_tampered_one(
    tables: Tables, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given a small random history (decided in memory, stored in DynamoDB as it was) projected
    # live through shuffled, failing batches
    rng = random.Random(7)
    world = World(InMemoryEventStore(), rng)
    RandomSeller(world, rng, max_open=3).run(40)
    assert len(world.log) > 40 and "PurchaseOrderReceived" in {e.type for e in world.log}
    copy_log(world.log, tables.event_store())
    live = DynamoDBViewStore(tables.views, tables.client)
    deps = Deps(projector=Projector(tables.event_store(), FlakyViewStore(live, rng, rate=0.03)))
    batches = shuffled_batches(world.log, rng, early=0.1, twice=0.1)
    deliver(lambda event: handle(event, lambda_context(), deps), batches)
    assert_stock_matches_log(live, world.log)
    args = ["--events-table", tables.events, "--compare-with", tables.views]
    # When the log is rebuilt into a fresh table and compared with the live views
    status = main([*args, "--views-table", fresh_name("rebuilt")], client=tables.client)
    # Then there is no difference
    assert status == 0, capsys.readouterr().out
    assert f"from {len(world.log)} events" in capsys.readouterr().out
    # And when a live stock figure is tampered with, the next rebuild flags it
    row = next(item for item in live.items() if item.kind == STOCK_KIND)
    state = row.parse(StockState)
    wrong = state.model_copy(update={"figures": state.figures.model_copy(update={"on_hand": -1})})
    live.put(row.model_copy(update={"data": wrong.model_dump_json()}))
    status = main([*args, "--views-table", fresh_name("rebuilt")], client=tables.client)
    out = capsys.readouterr().out
    assert status == 1 and f"different: {row.pk} | {row.sk}" in out and "1 difference" in out


def test_rebuilding_into_a_table_that_holds_views_is_refused(tables: Tables) -> None:
    world = World(tables.event_store())
    world.connect((US,))
    DynamoDBViewStore(tables.views, tables.client).put(
        ViewItem(pk="t#x", sk="y", kind="doc", data="{}")
    )
    with pytest.raises(SystemExit, match="not empty"):
        main(["--events-table", tables.events, "--views-table", tables.views], tables.client)


def test_projectors_racing_over_the_same_streams_count_every_movement_once(
    tables: Tables,
) -> None:
    # Given three transfers from one warehouse of the same SKU, received in parts
    world = World(InMemoryEventStore())
    world.connect((US,))
    main_warehouse = world.own_warehouse()
    world.count(main_warehouse, {"A": 100})
    for units in (3, 5, 7):
        shipment_id = world.discover({"A": 10})
        world.reconcile(shipment_id, main_warehouse)
        world.mark_shipped(shipment_id)
        world.amazon_receives(shipment_id, "A", units)
    copy_log(world.log, tables.event_store())
    # When three projectors deliver the whole log at once, each in its own order
    errors: list[BaseException] = []
    store = ConflictCounter(DynamoDBViewStore(tables.views, tables.client))

    def run(seed: int) -> None:
        projector = Projector(tables.event_store(), store)
        try:
            for event in random.Random(seed).sample(world.log, len(world.log)):
                projector.project(event)
        except BaseException as error:  # reported below, in the test's thread
            errors.append(error)

    threads = [threading.Thread(target=run, args=(seed,)) for seed in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # Then they did race (conditional writes lost), yet the views are exactly a rebuild's
    assert errors == [] and store.lost > 0
    live = DynamoDBViewStore(tables.views, tables.client)
    rebuilt, _ = rebuild(world.store)
    assert differences(rebuilt.items(), live.items()) == []
    assert_stock_matches_log(live, world.log)
