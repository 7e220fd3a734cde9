"""InboundShipment: given what we knew, when Amazon shows this, then these events."""

from domain.inbound_shipment.amazon import ShipmentPhase
from domain.inbound_shipment.events import (
    InboundShipmentCancelled,
    InboundShipmentClosed,
    InboundShipmentReceiptsChanged,
    InboundShipmentStatusChanged,
    ReceiptChange,
    ShipmentDiscrepancy,
)
from domain.inbound_shipment.observe import observe
from domain.inbound_shipment.state import InboundShipment, evolve
from domain.messages import DomainEvent
from tests.unit.domain.builders import at, fold, shipment_id, snapshot, types


def known(*events: DomainEvent) -> InboundShipment:
    return fold(evolve, events)


def test_a_new_shipment_is_discovered_with_its_lines() -> None:
    sid = shipment_id()
    events = observe(None, snapshot(sid, lines={"A": (10, 0), "B": (5, 0)}), at(0))
    assert types(events) == ["InboundShipmentDiscovered", "InboundShipmentLinesAdded"]
    state = known(*events)
    assert state.status == "WORKING"
    assert {sku: line.quantity_shipped for sku, line in state.lines.items()} == {"A": 10, "B": 5}
    assert state.reconciliation is None


def test_observing_the_same_snapshot_again_decides_nothing() -> None:
    sid = shipment_id()
    seen = snapshot(sid, status="RECEIVING", lines={"A": (10, 4)})
    state = known(*observe(None, seen, at(0)))
    assert observe(state, seen, at(15)) == []


def test_a_snapshot_without_items_leaves_the_lines_alone() -> None:
    sid = shipment_id()
    state = known(*observe(None, snapshot(sid, lines={"A": (10, 0)}), at(0)))
    assert observe(state, snapshot(sid, lines=None), at(15)) == []


def test_a_status_change_is_recorded_with_its_observation_time() -> None:
    sid = shipment_id()
    state = known(*observe(None, snapshot(sid, lines={"A": (10, 0)}), at(0)))
    events = observe(state, snapshot(sid, status="SHIPPED", lines={"A": (10, 0)}), at(15))
    assert events == [
        InboundShipmentStatusChanged(
            shipment_id=sid, from_status="WORKING", to_status="SHIPPED", observed_at=at(15)
        )
    ]
    after = known(*observe(None, snapshot(sid, lines={"A": (10, 0)}), at(0)), *events)
    assert [(h.status, h.observed_at) for h in after.status_history] == [
        ("WORKING", at(0)),
        ("SHIPPED", at(15)),
    ]


def test_received_quantities_are_recorded_as_cumulative_totals_with_their_delta() -> None:
    sid = shipment_id()
    first = observe(None, snapshot(sid, status="RECEIVING", lines={"A": (10, 4)}), at(0))
    state = known(*first)
    events = observe(state, snapshot(sid, status="RECEIVING", lines={"A": (10, 9)}), at(15))
    assert events == [
        InboundShipmentReceiptsChanged(
            shipment_id=sid,
            receipts=(ReceiptChange(sku="A", quantity_received=9, delta=5),),
            observed_at=at(15),
        )
    ]


def test_amazon_correcting_its_count_down_gives_a_negative_delta() -> None:
    sid = shipment_id()
    state = known(*observe(None, snapshot(sid, "RECEIVING", {"A": (10, 9)}), at(0)))
    events = observe(state, snapshot(sid, "RECEIVING", {"A": (10, 7)}), at(15))
    assert isinstance(events[0], InboundShipmentReceiptsChanged)
    assert events[0].receipts == (ReceiptChange(sku="A", quantity_received=7, delta=-2),)


def test_lines_added_changed_and_removed_are_each_recorded() -> None:
    sid = shipment_id()
    state = known(*observe(None, snapshot(sid, lines={"A": (10, 0), "B": (5, 0)}), at(0)))
    events = observe(state, snapshot(sid, lines={"A": (12, 0), "C": (3, 0)}), at(15))
    assert types(events) == [
        "InboundShipmentLinesAdded",
        "InboundShipmentLinesChanged",
        "InboundShipmentLinesRemoved",
    ]
    after = known(*observe(None, snapshot(sid, lines={"A": (10, 0), "B": (5, 0)}), at(0)), *events)
    assert {sku: line.quantity_shipped for sku, line in after.lines.items()} == {"A": 12, "C": 3}


def test_an_unplanned_sku_received_by_amazon_becomes_a_line_with_nothing_shipped() -> None:
    sid = shipment_id()
    state = known(*observe(None, snapshot(sid, "RECEIVING", {"A": (10, 2)}), at(0)))
    events = observe(state, snapshot(sid, "RECEIVING", {"A": (10, 2), "Z": (0, 3)}), at(15))
    assert types(events) == ["InboundShipmentLinesAdded", "InboundShipmentReceiptsChanged"]
    after = fold(
        evolve, [*observe(None, snapshot(sid, "RECEIVING", {"A": (10, 2)}), at(0)), *events]
    )
    assert (after.lines["Z"].quantity_shipped, after.lines["Z"].quantity_received) == (0, 3)


def test_closing_short_records_the_discrepancy_per_sku() -> None:
    sid = shipment_id()
    state = known(*observe(None, snapshot(sid, "RECEIVING", {"A": (10, 6), "B": (4, 4)}), at(0)))
    events = observe(state, snapshot(sid, "CLOSED", {"A": (10, 8), "B": (4, 5)}), at(15))
    assert types(events) == [
        "InboundShipmentStatusChanged",
        "InboundShipmentReceiptsChanged",
        "InboundShipmentClosed",
    ]
    closed = events[-1]
    assert isinstance(closed, InboundShipmentClosed)
    assert closed.lines == (
        ShipmentDiscrepancy(sku="A", quantity_shipped=10, quantity_received=8, discrepancy=2),
        ShipmentDiscrepancy(sku="B", quantity_shipped=4, quantity_received=5, discrepancy=-1),
    )


def test_units_found_after_close_still_post_without_closing_again() -> None:
    sid = shipment_id()
    history = observe(None, snapshot(sid, "CLOSED", {"A": (10, 8)}), at(0))
    assert types(history)[-1] == "InboundShipmentClosed"
    events = observe(known(*history), snapshot(sid, "CLOSED", {"A": (10, 10)}), at(60))
    assert types(events) == ["InboundShipmentReceiptsChanged"]


def test_a_cancelled_or_deleted_shipment_is_recorded_as_cancelled() -> None:
    for status in ("CANCELLED", "DELETED"):
        sid = shipment_id()
        state = known(*observe(None, snapshot(sid, lines={"A": (10, 0)}), at(0)))
        events = observe(state, snapshot(sid, status, {"A": (10, 0)}), at(15))
        assert events[-1] == InboundShipmentCancelled(
            shipment_id=sid, status=status, observed_at=at(15)
        )
        assert known(
            *observe(None, snapshot(sid, lines={"A": (10, 0)}), at(0)), *events
        ).is_cancelled


def test_an_unknown_status_is_kept_and_treated_as_not_yet_shipped() -> None:
    sid = shipment_id()
    state = known(*observe(None, snapshot(sid, "AWAITING_PICKUP_V9", {"A": (1, 0)}), at(0)))
    assert state.status == "AWAITING_PICKUP_V9"
    assert state.phase is ShipmentPhase.NOT_SHIPPED


def test_evolve_is_total_and_ignores_events_it_cannot_apply() -> None:
    sid = shipment_id()
    receipts = InboundShipmentReceiptsChanged(
        shipment_id=sid,
        receipts=(ReceiptChange(sku="A", quantity_received=1, delta=1),),
        observed_at=at(0),
    )
    assert evolve(None, receipts) is None
