"""Builders for domain tests: fresh ids, snapshots, and folding events into state."""

import uuid
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from domain.inbound_shipment.amazon import AmazonShipmentLine, AmazonShipmentSnapshot
from domain.messages import DomainEvent

T = TypeVar("T")

T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
US = "ATVPDKIKX0DER"


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def new_id(prefix: str = "") -> str:
    return f"{prefix}{uuid.uuid4().hex[:12]}"


def shipment_id() -> str:
    return "FBA" + uuid.uuid4().hex[:9].upper()


def snapshot(
    sid: str,
    status: str = "WORKING",
    lines: dict[str, tuple[int, int]] | None = None,
    connection_id: str = "conn1",
    name: str = "Shipment",
) -> AmazonShipmentSnapshot:
    """`lines` maps sku -> (quantity shipped, cumulative quantity received)."""
    return AmazonShipmentSnapshot(
        shipment_id=sid,
        connection_id=connection_id,
        marketplace_id=US,
        name=name,
        destination_fc="PHX7",
        status=status,
        lines=None
        if lines is None
        else tuple(
            AmazonShipmentLine(
                sku=sku, fnsku=f"X00{sku}", quantity_shipped=shipped, quantity_received=received
            )
            for sku, (shipped, received) in lines.items()
        ),
    )


def fold(evolve: Callable[[T | None, DomainEvent], T | None], events: Iterable[DomainEvent]) -> T:
    state: T | None = None
    for event in events:
        state = evolve(state, event)
    assert state is not None
    return state


def types(events: Iterable[DomainEvent]) -> list[str]:
    return [event.type for event in events]
