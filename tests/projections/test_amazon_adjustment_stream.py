"""Amazon's reports through the real handlers on moto's DynamoDB stream: the reactor (its real
wiring: the views table, Powertools metrics) books a difference persisting past two reads as an
`amazon_adjustment`, which comes back through the stream into the ledger and the stock row."""

from aws_lambda_powertools import Metrics

from domain.warehouse import fba_warehouse_id
from functions.reactor.amazon_adjustments import STOCK_DRIFT_PERSISTED
from functions.shared.views.queries import ViewQueries
from infra.local.stream_tail import StreamTail
from tests.projections.conftest import Tables
from tests.projections.test_stream_end_to_end import pump, streams_client
from tests.projections.world import US, World
from tests.support import cursor_codec


def test_a_persisting_difference_comes_back_as_an_amazon_adjustment(
    tables: Tables, moto_server: str
) -> None:
    # Given an FBA warehouse our events know nothing of, and Amazon reporting 4 units twice
    metrics = Metrics()
    metrics.clear_metrics()
    world = World(tables.event_store(), react_inline=False)
    tail = StreamTail.of_table(tables.client, streams_client(moto_server), tables.events)
    world.connect((US,))
    fba = fba_warehouse_id(world.connection_id, US)
    views = ViewQueries(tables.views, tables.client, cursor_codec(), tables.event_store())
    for _ in range(2):
        world.clock.advance(10)
        world.amazon_reports(fba, "A", 4)
    pump(tables, tail, world)
    assert views.get_ledger(world.tenant_id, fba, "A").items == []
    assert STOCK_DRIFT_PERSISTED not in metrics.metric_set
    # When a third report shows the same
    world.clock.advance(10)
    world.amazon_reports(fba, "A", 4)
    pump(tables, tail, world)
    # Then on hand follows Amazon, with both figures in the ledger, and the metric went out
    (entry,) = views.get_ledger(world.tenant_id, fba, "A").items
    assert (entry.reason, entry.ours, entry.amazon, entry.on_hand_after) == (
        "amazon_adjustment",
        0,
        4,
        4,
    )
    assert entry.at == world.clock.now()
    [row] = views.get_stock(world.tenant_id, fba, "A").items
    assert row.on_hand == 4 and row.amazon is not None and row.amazon.fulfillable == 4
    assert metrics.metric_set[STOCK_DRIFT_PERSISTED]["Value"] == [1.0]
    metrics.clear_metrics()
