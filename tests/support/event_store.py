"""Building appends for event store tests: fresh streams, real domain events, known metadata."""

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

from domain.event_store import EventContext, StreamAppend
from domain.inbound_shipment.amazon import Address
from domain.inbound_shipment.events import (
    InboundShipmentDiscovered,
    InboundShipmentReceiptsChanged,
    InboundShipmentStatusChanged,
    ReceiptChange,
)
from domain.messages import DomainEvent
from domain.streams import StreamId, StreamKind
from domain.warehouse import CountLine, StockCounted
from tests.support import fixed_clock

INDIA = timezone(timedelta(hours=5, minutes=30))
OBSERVED_AT = datetime(2026, 11, 23, 14, 5, 7, 123456, tzinfo=INDIA)


def a_stream(kind: StreamKind = StreamKind.SHIPMENT) -> StreamId:
    return StreamId(tenant_id=f"t{uuid.uuid4().hex[:8]}", kind=kind, entity_id=uuid.uuid4().hex)


def appending(
    stream_id: StreamId,
    expected_version: int,
    events: Sequence[DomainEvent],
    actor: str = "user:alice",
    causation_id: str | None = "cmd-1",
) -> StreamAppend:
    context = EventContext(
        tenant_id=stream_id.tenant_id,
        actor=actor,
        correlation_id=f"corr-{uuid.uuid4().hex[:8]}",
        causation_id=causation_id,
        occurred_at=OBSERVED_AT,
    )
    return StreamAppend.of(
        stream_id,
        expected_version,
        events,
        context,
        event_ids=[str(uuid.uuid4()) for _ in events],
        recorded_at=fixed_clock().now(),
    )


def shipment_discovered(shipment_id: str = "FBA15ABC") -> InboundShipmentDiscovered:
    return InboundShipmentDiscovered(
        shipment_id=shipment_id,
        connection_id="conn-1",
        marketplace_id="ATVPDKIKX0DER",
        name="Spring restock",
        destination_fc="PHX7",
        ship_from=Address(name="Acme", address_line_1="1 Main St", city="Pune", country_code="IN"),
        status="WORKING",
        observed_at=OBSERVED_AT,
    )


def status_changed(to_status: str, shipment_id: str = "FBA15ABC") -> InboundShipmentStatusChanged:
    return InboundShipmentStatusChanged(
        shipment_id=shipment_id, from_status="WORKING", to_status=to_status, observed_at=OBSERVED_AT
    )


def receipts_changed(total: int, shipment_id: str = "FBA15ABC") -> InboundShipmentReceiptsChanged:
    return InboundShipmentReceiptsChanged(
        shipment_id=shipment_id,
        receipts=(ReceiptChange(sku="SKU-1", quantity_received=total, delta=total),),
        observed_at=OBSERVED_AT,
    )


def stock_counted(unit_cost: Decimal = Decimal("12.3450")) -> StockCounted:
    return StockCounted(
        warehouse_id="wh-1",
        lines=(CountLine(sku="SKU-1", quantity=40, unit_cost=unit_cost),),
        counted_at=datetime(2026, 11, 22, 23, 59, tzinfo=UTC).astimezone(INDIA),
    )
