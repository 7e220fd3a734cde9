"""The watch index entry a shipment deserves, whatever the connection's window of the day: the
window is applied when the index is read, so a change of it applies at once."""

from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError

from domain.connection import ChangeConnectionSettings
from domain.inbound_shipment.amazon import Address
from domain.inbound_shipment.state import InboundShipment, LineState, Reconciliation
from functions.connection_state.watch_index import (
    LONGEST_WATCH_WINDOW_DAYS,
    WatchedShipment,
    watch_entry,
)

DAY0 = datetime(2026, 3, 1, tzinfo=UTC)


def day(n: float) -> datetime:
    return DAY0 + timedelta(days=n)


def shipment(
    status: str, shipped: int = 10, received: int = 8, **fields: object
) -> InboundShipment:
    return InboundShipment.model_validate(
        {
            "shipment_id": "FBA15ABC",
            "connection_id": "c1",
            "marketplace_id": "ATVPDKIKX0DER",
            "name": "Spring",
            "destination_fc": "PHX7",
            "ship_from": Address(),
            "status": status,
            "lines": {
                "A": LineState(sku="A", quantity_shipped=shipped, quantity_received=received)
            },
            "last_observed_at": DAY0,
            **fields,
        }
    )


RECONCILED = Reconciliation(
    transfer_order_id="to-1",
    sales_order_id="so-1",
    purchase_order_id="po-1",
    source_warehouse_id="w-src",
    destination_warehouse_id="w-fba",
)


def test_the_longest_window_is_the_domain_s_bound_on_the_setting() -> None:
    ChangeConnectionSettings(connection_id="c1", watch_window_days=LONGEST_WATCH_WINDOW_DAYS)
    with pytest.raises(ValidationError):
        ChangeConnectionSettings(
            connection_id="c1", watch_window_days=LONGEST_WATCH_WINDOW_DAYS + 1
        )


def test_an_open_shipment_is_watched_under_any_window() -> None:
    entry = watch_entry(shipment("RECEIVING"), day(400))

    assert entry is not None and entry.ended_at is None
    assert entry.watched_at(day(400), 1)


def test_a_shipment_closed_short_keeps_its_entry_outside_the_current_window() -> None:
    # Given a shipment closed 2 short on day 0
    closed = shipment("CLOSED", closed_at=DAY0)

    # When its entry is computed on day 40 (a 30-day window would exclude it)
    entry = watch_entry(closed, day(40))

    # Then it is kept, and each window decides when the index is read
    assert entry is not None and entry.ended_at == DAY0
    assert not entry.watched_at(day(40), 30)
    assert entry.watched_at(day(40), 60)
    assert not entry.watched_at(day(70), 60)
    assert entry.watched_at(day(70), 120)
    # And it is dropped only past the longest window a connection may set
    assert watch_entry(closed, day(LONGEST_WATCH_WINDOW_DAYS)) == entry
    assert watch_entry(closed, day(LONGEST_WATCH_WINDOW_DAYS + 1)) is None


def test_a_shipment_closed_in_full_is_not_watched() -> None:
    assert watch_entry(shipment("CLOSED", received=10, closed_at=DAY0), DAY0) is None


@pytest.mark.parametrize(
    "fields",
    [
        {"reconciliation": RECONCILED},
        {"left_source_at": day(-5)},
        {"reconciliation": RECONCILED, "left_source_at": day(-5)},
    ],
    ids=["reconciled", "goods left", "both"],
)
def test_a_cancelled_shipment_is_watched_from_its_cancellation_once_units_may_come(
    fields: dict[str, object],
) -> None:
    # Given a shipment reconciled or whose goods had left, cancelled on day 0, all received
    cancelled = shipment("CANCELLED", received=10, cancelled_at=DAY0, **fields)

    entry = watch_entry(cancelled, day(10))

    # Then it is watched for the window after its cancellation, like a closed one
    assert entry is not None and entry.ended_at == DAY0
    assert entry.watched_at(day(60), 60) and not entry.watched_at(day(61), 60)


@pytest.mark.parametrize("status", ["CANCELLED", "DELETED", "ERROR"])
def test_a_cancelled_shipment_never_reconciled_whose_goods_never_left_is_not_watched(
    status: str,
) -> None:
    assert watch_entry(shipment(status, received=0, cancelled_at=DAY0), DAY0) is None


def test_an_entry_stored_before_ended_at_existed_is_read_and_written_again() -> None:
    # Given an entry stored with the time its shipment closed, as entries used to be
    stored = WatchedShipment.model_validate_json(
        '{"shipment_id": "FBA15ABC", "marketplace_id": "ATVPDKIKX0DER", "status": "CLOSED",'
        ' "skus": ["A"], "closed_at": "2026-03-01T00:00:00Z"}'
    )

    # Then it ends when its shipment closed
    assert stored.end == DAY0
    assert stored.watched_at(day(60), 60) and not stored.watched_at(day(61), 60)
    # And differs from the entry computed now: the next run writes it again, with the new TTL
    assert watch_entry(shipment("CLOSED", closed_at=DAY0), day(1)) != stored
