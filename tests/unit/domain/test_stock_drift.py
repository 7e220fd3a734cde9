"""The drift check: our ledger as of each Amazon report against Amazon's figures; a difference
beyond the tolerance is drift, and one that stays the same past two reads is booked as an
adjustment with both figures."""

import itertools
from datetime import UTC, datetime, timedelta

from domain.inventory import AmazonInventoryFigures, AmazonStockAdjusted
from domain.planning import (
    DEFAULT_DRIFT_TOLERANCE,
    ChangePlanningSettings,
    IgnoreUnreceived,
    PlanningSettings,
    decide,
    evolve,
)
from domain.stock.drift import Drift, Figure, adjustment, adjustment_fact, drifts
from domain.stock.figures import StockFigures
from domain.stock.ledger import REPORTS_KEPT, AmazonReport, LedgerFact, apply_report, fold

T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
WH, SKU = "fba-c1-US", "W-1"


def report(minutes: int, fulfillable: int, **figures: int) -> AmazonReport:
    return AmazonReport(
        tenant_id="t1",
        warehouse_id=WH,
        sku=SKU,
        figures=AmazonInventoryFigures(fulfillable=fulfillable, **figures),
        reported_at=T0 + timedelta(minutes=minutes),
        source="summaries",
        event_id=f"r{minutes:04d}",
    )


def receipt(minutes: int, units: int, event_id: str | None = None) -> LedgerFact:
    return LedgerFact(
        tenant_id="t1",
        warehouse_id=WH,
        sku=SKU,
        at=T0 + timedelta(minutes=minutes),
        event_id=event_id or f"f{minutes:04d}",
        event_type="PurchaseOrderFollowedShipment",
        stream_id="t1#purchase_order#po-1",
        version=minutes,
        actor="system:reactor",
        delta=StockFigures(on_hand=units),
    )


def booked(drift_adjustment: AmazonStockAdjusted) -> LedgerFact:
    return adjustment_fact(
        drift_adjustment,
        tenant_id="t1",
        event_id="adj-1",
        stream_id=f"t1#fba_inventory#{WH}",
        version=9,
        actor="system:reactor",
    )


def on_hand_drift(
    reports: list[AmazonReport], facts: list[LedgerFact], tolerance: int = 2
) -> Drift | None:
    found = [d for d in drifts(reports, facts, tolerance) if d.figure is Figure.ON_HAND]
    return found[0] if found else None


def test_a_difference_within_the_tolerance_is_no_drift() -> None:
    facts = [receipt(0, 100)]
    reports = [report(10, 100), report(20, 98), report(30, 102)]

    assert drifts(reports, facts, tolerance=2) == []
    assert on_hand_drift(reports, facts, tolerance=1) is not None  # 102 vs 100 at the latest


def test_a_difference_seen_once_is_drift_but_no_adjustment() -> None:
    facts = [receipt(0, 100)]
    reports = [report(10, 100), report(20, 95)]

    drift = on_hand_drift(reports, facts)

    assert drift is not None
    assert (drift.ours, drift.amazon, drift.difference, drift.reads) == (100, 95, -5, 1)
    assert drift.since == T0 + timedelta(minutes=20)
    assert adjustment(drift) is None


def test_a_difference_persisting_past_two_reads_is_one_adjustment_with_both_figures() -> None:
    facts = [receipt(0, 100)]
    reports = [report(10, 100), report(20, 95), report(30, 90, reserved=5), report(40, 95)]

    drift = on_hand_drift(reports, facts)
    assert drift is not None
    adjusted = adjustment(drift)

    assert adjusted is not None
    assert (adjusted.ours, adjusted.amazon, adjusted.difference) == (100, 95, -5)
    assert adjusted.report_event_id == "r0040"
    assert adjusted.reported_at == T0 + timedelta(minutes=40)
    assert (adjusted.since, adjusted.reads) == (T0 + timedelta(minutes=20), 3)
    # booked, on hand follows Amazon and the drift is gone
    after = [*facts, booked(adjusted)]
    assert fold(after).on_hand == 95
    assert on_hand_drift(reports, after) is None


def test_a_changing_difference_is_not_settled_until_it_holds_for_three_reads() -> None:
    facts = [receipt(0, 100)]
    reports = [report(10, 95), report(20, 93), report(30, 93)]

    drift = on_hand_drift(reports, facts)

    assert drift is not None and drift.reads == 3 and drift.settled_reads == 2
    assert adjustment(drift) is None
    drift = on_hand_drift([*reports, report(40, 93)], facts)
    assert drift is not None and adjustment(drift) is not None


def test_a_late_receipt_dated_before_the_reports_closes_the_drift_instead() -> None:
    facts = [receipt(0, 100)]
    reports = [report(10, 110), report(20, 110), report(30, 110)]
    late = receipt(5, 10, event_id="late")  # Amazon received 10 before its reports

    drift = on_hand_drift(reports, facts)
    assert drift is not None and adjustment(drift) is not None

    assert on_hand_drift(reports, [*facts, late]) is None


def test_inbound_drift_is_reported_never_adjusted() -> None:
    facts = [receipt(0, 100)]
    reports = [report(m, 100, inbound_shipped=20) for m in (10, 20, 30)]

    found = drifts(reports, facts, tolerance=2)

    (inbound,) = found
    assert (inbound.figure, inbound.ours, inbound.amazon, inbound.reads) == (
        Figure.INBOUND,
        0,
        20,
        3,
    )
    assert inbound.persisted
    assert adjustment(inbound) is None


def test_the_same_facts_give_the_same_drift_whatever_order_they_arrived_in() -> None:
    facts = [receipt(0, 100), receipt(15, -3), receipt(25, 4)]
    reports = [report(10, 100), report(20, 90), report(30, 91), report(40, 91), report(50, 91)]
    expected = drifts(reports, facts, tolerance=2)
    assert expected and expected[0].reads == 4

    for order in itertools.permutations(range(len(reports))):
        arrived = [reports[i] for i in order]
        assert drifts(arrived, list(reversed(facts)), tolerance=2) == expected
        assert drifts([*arrived, arrived[0]], facts, tolerance=2) == expected  # redelivered


def test_a_row_keeps_the_latest_reports_in_time_order_whatever_the_arrival_order() -> None:
    reports = [report(m, m) for m in range(REPORTS_KEPT + 3)]
    in_order = None
    for r in reports:
        in_order = apply_report(in_order, r) or in_order
    shuffled = None
    for r in [*reversed(reports), reports[-1]]:
        shuffled = apply_report(shuffled, r) or shuffled

    assert in_order is not None and shuffled is not None
    assert in_order.reports == shuffled.reports == tuple(reports[-REPORTS_KEPT:])
    assert in_order.amazon == reports[-1]
    assert apply_report(in_order, reports[0]) is None  # older than all those kept


def test_the_tolerance_is_a_bounded_setting_changed_on_its_own() -> None:
    command = ChangePlanningSettings(ignore_unreceived=IgnoreUnreceived(), drift_tolerance_units=5)

    (changed,) = decide(command, None)
    state = evolve(None, changed)
    unchanged = ChangePlanningSettings(ignore_unreceived=IgnoreUnreceived())

    assert PlanningSettings().drift_tolerance_units == DEFAULT_DRIFT_TOLERANCE
    assert state is not None and state.drift_tolerance_units == 5
    assert decide(unchanged, state) == []  # omitted: kept as it is
    assert decide(command, state) == []
