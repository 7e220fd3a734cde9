"""Deciding what an observation of Amazon means: the events for what changed, nothing otherwise."""

from pydantic import AwareDatetime

from domain.inbound_shipment.amazon import AmazonShipmentLine, AmazonShipmentSnapshot, ShipmentPhase
from domain.inbound_shipment.events import (
    InboundShipmentCancelled,
    InboundShipmentClosed,
    InboundShipmentDetailsChanged,
    InboundShipmentDiscovered,
    InboundShipmentLinesAdded,
    InboundShipmentLinesChanged,
    InboundShipmentLinesRemoved,
    InboundShipmentReceiptsChanged,
    InboundShipmentStatusChanged,
    ReceiptChange,
    ShipmentDiscrepancy,
    ShipmentLine,
)
from domain.inbound_shipment.state import InboundShipment, LineState, evolve
from domain.messages import DomainEvent


def observe(
    state: InboundShipment | None, snapshot: AmazonShipmentSnapshot, observed_at: AwareDatetime
) -> list[DomainEvent]:
    """The events that bring our record in line with what Amazon showed at `observed_at`."""
    events: list[DomainEvent] = []
    if state is None:
        events.append(
            InboundShipmentDiscovered(
                shipment_id=snapshot.shipment_id,
                connection_id=snapshot.connection_id,
                marketplace_id=snapshot.marketplace_id,
                name=snapshot.name,
                destination_fc=snapshot.destination_fc,
                ship_from=snapshot.ship_from,
                status=snapshot.status,
                observed_at=observed_at,
                confirmed_need_by_date=snapshot.confirmed_need_by_date,
            )
        )
        previous_phase = None
    else:
        previous_phase = state.phase
        events += _details_and_status(state, snapshot, observed_at)
    current = state
    for event in events:
        current = evolve(current, event)
    assert current is not None  # discovered above when there was no state
    if snapshot.lines is not None:
        line_events = _line_events(current, snapshot.lines, observed_at)
        events += line_events
        for event in line_events:
            current = evolve(current, event)
    assert current is not None
    events += _terminal_events(previous_phase, current, observed_at)
    return events


def _details_and_status(
    state: InboundShipment, snapshot: AmazonShipmentSnapshot, observed_at: AwareDatetime
) -> list[DomainEvent]:
    events: list[DomainEvent] = []
    details = (
        snapshot.name,
        snapshot.destination_fc,
        snapshot.ship_from,
        snapshot.confirmed_need_by_date,
    )
    known = (state.name, state.destination_fc, state.ship_from, state.confirmed_need_by_date)
    if details != known:
        events.append(
            InboundShipmentDetailsChanged(
                shipment_id=state.shipment_id,
                name=snapshot.name,
                destination_fc=snapshot.destination_fc,
                ship_from=snapshot.ship_from,
                observed_at=observed_at,
                confirmed_need_by_date=snapshot.confirmed_need_by_date,
            )
        )
    if snapshot.status != state.status:
        events.append(
            InboundShipmentStatusChanged(
                shipment_id=state.shipment_id,
                from_status=state.status,
                to_status=snapshot.status,
                observed_at=observed_at,
            )
        )
    return events


def _as_line(line: AmazonShipmentLine) -> ShipmentLine:
    return ShipmentLine(
        sku=line.sku,
        fnsku=line.fnsku,
        quantity_shipped=line.quantity_shipped,
        quantity_in_case=line.quantity_in_case,
    )


def _same_plan(known: LineState, seen: ShipmentLine) -> bool:
    return (known.fnsku, known.quantity_shipped, known.quantity_in_case) == (
        seen.fnsku,
        seen.quantity_shipped,
        seen.quantity_in_case,
    )


def _line_events(
    state: InboundShipment, seen: tuple[AmazonShipmentLine, ...], observed_at: AwareDatetime
) -> list[DomainEvent]:
    seen_by_sku = {line.sku: line for line in seen}
    added = [_as_line(line) for sku, line in seen_by_sku.items() if sku not in state.lines]
    changed = [
        _as_line(line)
        for sku, line in seen_by_sku.items()
        if sku in state.lines and not _same_plan(state.lines[sku], _as_line(line))
    ]
    removed = [
        sku
        for sku, line in state.lines.items()
        if sku not in seen_by_sku and line.quantity_received == 0
    ]
    receipts = [
        ReceiptChange(
            sku=sku,
            quantity_received=line.quantity_received,
            delta=line.quantity_received - _received(state, sku),
        )
        for sku, line in seen_by_sku.items()
        if line.quantity_received != _received(state, sku)
    ]
    shipment_id = state.shipment_id
    events: list[DomainEvent] = []
    if added:
        events.append(
            InboundShipmentLinesAdded(
                shipment_id=shipment_id, lines=tuple(added), observed_at=observed_at
            )
        )
    if changed:
        events.append(
            InboundShipmentLinesChanged(
                shipment_id=shipment_id, lines=tuple(changed), observed_at=observed_at
            )
        )
    if removed:
        events.append(
            InboundShipmentLinesRemoved(
                shipment_id=shipment_id, skus=tuple(removed), observed_at=observed_at
            )
        )
    if receipts:
        events.append(
            InboundShipmentReceiptsChanged(
                shipment_id=shipment_id, receipts=tuple(receipts), observed_at=observed_at
            )
        )
    return events


def _received(state: InboundShipment, sku: str) -> int:
    line = state.lines.get(sku)
    return line.quantity_received if line else 0


def _terminal_events(
    previous: ShipmentPhase | None, current: InboundShipment, observed_at: AwareDatetime
) -> list[DomainEvent]:
    if current.phase == previous:
        return []
    if current.phase is ShipmentPhase.CLOSED:
        lines = tuple(
            ShipmentDiscrepancy(
                sku=line.sku,
                quantity_shipped=line.quantity_shipped,
                quantity_received=line.quantity_received,
                discrepancy=line.discrepancy,
            )
            for line in current.lines.values()
        )
        return [
            InboundShipmentClosed(
                shipment_id=current.shipment_id, lines=lines, observed_at=observed_at
            )
        ]
    if current.phase is ShipmentPhase.CANCELLED:
        return [
            InboundShipmentCancelled(
                shipment_id=current.shipment_id, status=current.status, observed_at=observed_at
            )
        ]
    return []
