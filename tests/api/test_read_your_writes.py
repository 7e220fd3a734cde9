"""Read your writes: a 2xx from a command means the resource reads back at once, although the
projector has not run (here it never runs until a test makes it), and the answer is the very
one the views give once the projector has caught up. Lists stay eventually consistent."""

from domain.streams import StreamId, StreamKind
from functions.api.wiring import Services
from functions.projector.dynamodb_store import DynamoDBViewStore
from functions.projector.projector import Projector
from tests.api.conftest import Aws
from tests.api.gateway import ApiClient
from tests.api.givens import a_connection, a_synced_shipment, an_own_warehouse


def project(aws: Aws, services: Services, tenant: str, *streams: tuple[StreamKind, str]) -> None:
    """What the projector does after a while: apply every event of `streams` to the views."""
    projector = Projector(
        services.events, DynamoDBViewStore(aws.settings.views_table, aws.clients.dynamodb)
    )
    for kind, entity_id in streams:
        stream_id = StreamId(tenant_id=tenant, kind=kind, entity_id=entity_id)
        for event in services.events.read(stream_id):
            projector.project(event)


def test_a_created_warehouse_reads_back_at_once_and_lists_follow(
    aws: Aws, services: Services, api: ApiClient
) -> None:
    warehouse_id = an_own_warehouse(api, "Reno")

    read = api.get(f"/warehouses/{warehouse_id}")
    listed_before = api.get("/warehouses")
    project(aws, services, str(api.tenant), (StreamKind.WAREHOUSE, warehouse_id))
    listed_after = api.get("/warehouses")

    assert read.status == 200, read.text
    assert (read.json["name"], read.json["version"]) == ("Reno", 1)
    # The list is eventually consistent: the row appears once the projector has run.
    assert listed_before.json["items"] == []
    assert listed_after.json["items"] == [read.json]
    assert api.get(f"/warehouses/{warehouse_id}").json == read.json


def test_a_created_connection_reads_back_at_once(aws: Aws, api: ApiClient) -> None:
    connection_id = a_connection(api)

    read = api.get(f"/connections/{connection_id}")

    assert read.status == 200, read.text
    assert read.json["connection_id"] == connection_id
    assert read.json["version"] == 1


def test_a_reconciled_shipment_and_its_orders_read_back_at_once_then_their_changes(
    aws: Aws, services: Services, api: ApiClient
) -> None:
    tenant = str(api.tenant)
    connection_id = a_connection(api)
    source = an_own_warehouse(api)
    shipment_id = a_synced_shipment(services, tenant, connection_id, {"SKU-1": 4})
    # The views saw the shipment before the reconcile, and nothing since.
    project(aws, services, tenant, (StreamKind.SHIPMENT, shipment_id))
    reconciled = api.post(
        f"/inbound-shipments/{shipment_id}/reconcile", {"source_warehouse_id": source}
    )
    ids = reconciled.json

    order = api.get(f"/transfer-orders/{ids['transfer_order_id']}")
    shipment = api.get(f"/inbound-shipments/{shipment_id}")
    shipped = api.post(f"/sales-orders/{ids['sales_order_id']}/status", {"status": "shipped"})
    after_shipping = api.get(f"/transfer-orders/{ids['transfer_order_id']}")
    sales_order = api.get(f"/sales-orders/{ids['sales_order_id']}")
    purchase_order = api.get(f"/purchase-orders/{ids['purchase_order_id']}")

    assert reconciled.status == 201, reconciled.text
    assert order.status == 200, order.text
    assert order.json["sales_order"]["status"] == "open"
    assert shipment.json["reconciled"] is True, shipment.text
    assert shipped.status == 200, shipped.text
    assert after_shipping.json["sales_order"]["status"] == "shipped"
    assert sales_order.json["status"] == "shipped"
    assert purchase_order.json["purchase_order_id"] == ids["purchase_order_id"]
    # What was read from the log is what the views hold once the projector has caught up.
    project(
        aws,
        services,
        tenant,
        (StreamKind.SHIPMENT, shipment_id),
        (StreamKind.TRANSFER_ORDER, ids["transfer_order_id"]),
        (StreamKind.SALES_ORDER, ids["sales_order_id"]),
        (StreamKind.PURCHASE_ORDER, ids["purchase_order_id"]),
    )
    for path, before in (
        (f"/transfer-orders/{ids['transfer_order_id']}", after_shipping),
        (f"/sales-orders/{ids['sales_order_id']}", sales_order),
        (f"/purchase-orders/{ids['purchase_order_id']}", purchase_order),
    ):
        assert api.get(path).json == before.json, path


def test_an_unknown_resource_is_still_not_found(api: ApiClient) -> None:
    for path in ("/warehouses/nope", "/transfer-orders/nope", "/connections/nope"):
        assert api.get(path).status == 404, path
