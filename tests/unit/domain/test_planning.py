"""Ignore unreceived FBA shipments: when an order's units leave the planning figures, when they
come back, and what a stock row then counts as incoming."""

from datetime import UTC, date, datetime, timedelta

from domain import planning
from domain.planning import (
    ChangePlanningSettings,
    IgnoreUnreceived,
    Incoming,
    PlanningSettings,
    PlanningSettingsChanged,
    ignored_since,
)
from functions.shared.views.stock import planned
from functions.shared.views.stock_models import StockRow

ON = PlanningSettings(ignore_unreceived=IgnoreUnreceived(enabled=True, days_after_expected=10))
LATE = Incoming(
    purchase_order_id="po-1",
    shipment_id="FBA1",
    sku="A",
    units=8,
    expected_date=date(2026, 11, 1),
    anything_received=False,
)
LEAVES_AT = datetime(2026, 11, 11, tzinfo=UTC)


def test_units_leave_planning_exactly_n_days_after_the_expected_date() -> None:
    just_before = LEAVES_AT - timedelta(microseconds=1)

    assert ignored_since(LATE, ON, just_before) is None
    assert ignored_since(LATE, ON, LEAVES_AT) == LEAVES_AT
    assert ignored_since(LATE, ON, LEAVES_AT + timedelta(days=40)) == LEAVES_AT


def test_a_receipt_an_unknown_date_or_the_setting_off_keeps_them_in() -> None:
    later = LEAVES_AT + timedelta(days=1)
    received = LATE.model_copy(update={"anything_received": True})
    undated = LATE.model_copy(update={"expected_date": None})

    assert ignored_since(received, ON, later) is None
    assert ignored_since(undated, ON, later) is None
    assert ignored_since(LATE, PlanningSettings(), later) is None


def test_a_row_counts_incoming_less_what_is_ignored_and_keeps_its_real_figures() -> None:
    row = StockRow(
        warehouse_id="fba-1",
        sku="A",
        on_hand=5,
        committed=0,
        in_transit=8,
        on_order=2,
        receiving=1,
        discrepancy=0,
        written_off=0,
        amazon=None,
    )
    on_time = LATE.model_copy(update={"purchase_order_id": "po-2", "units": 3})
    on_time = on_time.model_copy(update={"expected_date": date(2026, 12, 30)})

    before = planned(row, [LATE, on_time], ON, LEAVES_AT - timedelta(seconds=1))
    after = planned(row, [LATE, on_time], ON, LEAVES_AT)

    assert (before.incoming_for_planning, before.ignored_shipments) == (11, [])
    assert after.incoming_for_planning == 3
    assert [(i.purchase_order_id, i.units, i.ignored_since) for i in after.ignored_shipments] == [
        ("po-1", 8, LEAVES_AT)
    ]
    assert (after.on_order, after.in_transit, after.receiving) == (2, 8, 1)


def test_settings_change_only_when_they_differ() -> None:
    change = ChangePlanningSettings(ignore_unreceived=ON.ignore_unreceived)

    first = planning.decide(change, None)
    state = planning.evolve(None, first[0])

    assert first == [PlanningSettingsChanged(ignore_unreceived=ON.ignore_unreceived)]
    assert state == ON
    assert planning.decide(change, state) == []
