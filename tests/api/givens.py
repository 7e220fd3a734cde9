"""Given-steps: what the sync and the reactor would have appended, written straight to the log."""

import uuid
from datetime import UTC, datetime

from domain.event_store import EventContext
from domain.inbound_shipment.amazon import AmazonShipmentLine, AmazonShipmentSnapshot
from domain.inbound_shipment.observe import observe
from domain.messages import DomainEvent
from domain.orders.purchase_order import (
    LineDiscrepancy,
    LineReceipt,
    PurchaseOrderClosed,
    PurchaseOrderReceived,
)
from domain.streams import StreamKind
from functions.api.wiring import Services
from tests.api.gateway import ApiClient

US = "ATVPDKIKX0DER"
# The seller the simulated Amazon knows (tests/api/conftest.py), and its refresh token.
SELLER = "A1SELLER"
REFRESH_TOKEN = "Atzr|secret-token-value"
CA = "A2EUQ1WTGCTBG2"
OBSERVED_AT = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)


def new_shipment_id() -> str:
    return "FBA" + uuid.uuid4().hex[:10].upper()


def a_connection(api: ApiClient, marketplaces: tuple[str, ...] = (US,)) -> str:
    reply = api.post(
        "/connections",
        {
            "seller_id": SELLER,
            "region": "NA",
            "marketplace_ids": list(marketplaces),
            "refresh_token": REFRESH_TOKEN,
        },
    )
    assert reply.status == 201, reply.text
    return str(reply.json["connection_id"])


def an_own_warehouse(api: ApiClient, name: str = "Main") -> str:
    reply = api.post("/warehouses", {"name": name})
    assert reply.status == 201, reply.text
    return str(reply.json["warehouse_id"])


def append(
    services: Services, tenant: str, kind: StreamKind, entity_id: str, *events: DomainEvent
) -> None:
    loaded = services.aggregates.load(tenant, kind, entity_id)
    context = EventContext(
        tenant_id=tenant, actor="sync:test", correlation_id="sync-run-1", occurred_at=OBSERVED_AT
    )
    services.aggregates.save(
        context, {(kind, entity_id): list(events)}, {(kind, entity_id): loaded.version}
    )


def a_synced_shipment(
    services: Services,
    tenant: str,
    connection_id: str,
    lines: dict[str, int] | None = None,
    status: str = "WORKING",
) -> str:
    """A shipment the sync discovered, with `lines` (sku -> quantity shipped)."""
    shipment_id = new_shipment_id()
    snapshot = AmazonShipmentSnapshot(
        shipment_id=shipment_id,
        connection_id=connection_id,
        marketplace_id=US,
        name="Spring restock",
        destination_fc="PHX7",
        status=status,
        lines=tuple(
            AmazonShipmentLine(sku=sku, fnsku=f"X0{sku}", quantity_shipped=qty, quantity_received=0)
            for sku, qty in (lines or {"SKU-1": 10, "SKU-2": 5}).items()
        ),
    )
    append(
        services, tenant, StreamKind.SHIPMENT, shipment_id, *observe(None, snapshot, OBSERVED_AT)
    )
    return shipment_id


def a_purchase_order_closed_short(
    services: Services, tenant: str, purchase_order_id: str, received: dict[str, int]
) -> None:
    """What the reactor appends when Amazon closes the shipment having received `received`."""
    order = services.aggregates.load(tenant, StreamKind.PURCHASE_ORDER, purchase_order_id).state
    assert order is not None
    append(
        services,
        tenant,
        StreamKind.PURCHASE_ORDER,
        purchase_order_id,
        PurchaseOrderReceived(
            purchase_order_id=purchase_order_id,
            receipts=tuple(
                LineReceipt(sku=sku, quantity_received=qty, delta=qty)
                for sku, qty in received.items()
            ),
        ),
        PurchaseOrderClosed(
            purchase_order_id=purchase_order_id,
            discrepancies=tuple(
                LineDiscrepancy(sku=sku, quantity=line.quantity_ordered - received.get(sku, 0))
                for sku, line in order.lines.items()
                if line.quantity_ordered != received.get(sku, 0)
            ),
        ),
    )


def reconciled(api: ApiClient, services: Services) -> dict[str, str]:
    """A connection, an own warehouse and a shipment reconciled from it: every id involved."""
    assert api.tenant is not None
    connection_id = a_connection(api)
    source = an_own_warehouse(api)
    shipment_id = a_synced_shipment(services, api.tenant, connection_id)
    reply = api.post(f"/inbound-shipments/{shipment_id}/reconcile", {"source_warehouse_id": source})
    assert reply.status == 201, reply.text
    return {
        "connection_id": connection_id,
        "warehouse_id": source,
        "shipment_id": shipment_id,
        **{k: v for k, v in reply.json.items() if k.endswith("_order_id")},
    }
