"""The real handlers fed from the event store's DynamoDB stream on moto: appends become views,
and the reactor's follow-up commands come back through the stream into the views too."""

from typing import Any

import pytest
from botocore.config import Config

from domain.streams import StreamKind
from domain.warehouse import fba_warehouse_id
from functions.projector import handler as projector_handler
from functions.projector import wiring as projector_wiring
from functions.reactor import wiring as reactor_wiring
from functions.reactor.handler import handle as react
from functions.reactor.reactor import ACTOR
from functions.shared.adapters.stream_records import batch
from functions.shared.views.queries import ViewQueries
from infra.local.stream_tail import StreamTail
from tests.conftest import REGION
from tests.projections.conftest import Tables
from tests.projections.delivery import lambda_context
from tests.projections.world import US, World
from tests.support import cursor_codec


def streams_client(endpoint: str) -> Any:
    import boto3

    return boto3.client(
        "dynamodbstreams",
        region_name=REGION,
        endpoint_url=endpoint,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=Config(account_id_endpoint_mode="disabled"),
    )


def pump(tables: Tables, tail: StreamTail, world: World) -> int:
    """Feed every new stream record to the projector and the reactor until nothing is new."""
    reactor = reactor_wiring.build(tables.settings, tables.client, world.ids, world.clock)
    delivered = 0
    while records := tail.poll():
        delivered += len(records)
        assert tables.project(batch(records)) == {"batchItemFailures": []}
        assert react(batch(records), lambda_context(), reactor) == {"batchItemFailures": []}
    return delivered


def test_stream_records_drive_the_views_and_the_reactors_follow_ups(
    tables: Tables, moto_server: str
) -> None:
    # Given a reconciled, shipped transfer (the reactor only runs from the stream)
    world = World(tables.event_store(), react_inline=False)
    tail = StreamTail.of_table(tables.client, streams_client(moto_server), tables.events)
    world.connect((US,))
    main = world.own_warehouse()
    shipment_id = world.discover({"A": 10})
    world.reconcile(shipment_id, main)
    world.mark_shipped(shipment_id)
    pump(tables, tail, world)
    # When Amazon receives 6 and closes the shipment
    world.amazon_receives(shipment_id, "A", 6)
    world.amazon_status(shipment_id, "CLOSED")
    delivered = pump(tables, tail, world)
    # Then the reactor's receipt and close came back through the stream into the views
    views = ViewQueries(tables.views, tables.client, cursor_codec(), tables.event_store())
    [fba] = views.get_stock(world.tenant_id, fba_warehouse_id(world.connection_id, US), "A").items
    assert (fba.on_hand, fba.discrepancy, fba.in_transit) == (6, 4, 0)
    po = views.orders.get_purchase_order(
        world.tenant_id, world.reconciled[shipment_id].purchase_order_id
    )
    assert po is not None and po.status == "closed_short"
    po_stream = world.stream(StreamKind.PURCHASE_ORDER, po.purchase_order_id)
    reactions = [e for e in tables.event_store().read(po_stream) if e.actor == ACTOR]
    assert [e.type for e in reactions] == [
        "PurchaseOrderReceived",
        "PurchaseOrderFollowedShipment",
        "PurchaseOrderClosed",
        "PurchaseOrderFollowedShipment",
    ]
    assert delivered == 4 + len(reactions)  # two syncs of two events each, and the reactions


def test_the_lambda_handler_builds_its_adapters_from_the_environment_once(
    tables: Tables, moto_server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given the function's environment, as CDK sets it, pointing at moto
    for name, value in {
        "EVENTS_TABLE": tables.events,
        "VIEWS_TABLE": tables.views,
        "STATE_TABLE": "state",
        "AWS_ENDPOINT_URL": moto_server,
        "AWS_DEFAULT_REGION": REGION,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "POWERTOOLS_METRICS_NAMESPACE": "Tests",
    }.items():
        monkeypatch.setenv(name, value)
    projector_wiring.deps.cache_clear()
    world = World(tables.event_store())
    world.connect((US,))
    tail = StreamTail.of_table(tables.client, streams_client(moto_server), tables.events)
    records = tail.poll()
    try:
        # When two invocations arrive
        first = projector_handler.lambda_handler(batch(records[:2]), lambda_context())
        second = projector_handler.lambda_handler(batch(records[2:]), lambda_context())
        deps = projector_wiring.deps()
    finally:
        projector_wiring.deps.cache_clear()
    # Then both succeeded on one set of adapters, and the views show the connection
    assert first == second == {"batchItemFailures": []}
    assert projector_wiring.deps.cache_info().currsize == 0 and deps is not None
    views = ViewQueries(tables.views, tables.client, cursor_codec(), tables.event_store())
    assert [c.connection_id for c in views.list_connections(world.tenant_id)] == [
        world.connection_id
    ]
