"""PurchaseOrder receipts, close and acknowledgement, command by command."""

import pytest

from domain.errors import InvalidTransition, NotFound
from domain.orders.purchase_order import (
    AcknowledgeDiscrepancy,
    CancelPurchaseOrder,
    ClosePurchaseOrder,
    LineDiscrepancy,
    LineReceipt,
    PurchaseLine,
    PurchaseOrder,
    PurchaseOrderCreated,
    PurchaseOrderLinesAdded,
    PurchaseOrderReceived,
    PurchaseOrderShipped,
    PurchaseOrderStatus,
    RecordAmazonReceipts,
    decide,
    evolve,
    fold_onto,
)
from tests.unit.domain.builders import T0 as T
from tests.unit.domain.builders import fold

PO = "po-1"
CREATED = PurchaseOrderCreated(
    purchase_order_id=PO,
    transfer_order_id="to-1",
    shipment_id="FBA1",
    warehouse_id="fba-c-US",
    lines=(PurchaseLine(sku="A", quantity=10), PurchaseLine(sku="B", quantity=4)),
)


def given(*events: object) -> PurchaseOrder:
    return fold(evolve, [CREATED, *events])  # type: ignore[list-item]


def test_receipts_book_only_the_delta_and_the_same_totals_twice_book_nothing() -> None:
    po = given()
    events = decide(
        RecordAmazonReceipts(purchase_order_id=PO, received_totals={"A": 6}, observed_at=T), po
    )
    assert events == [
        PurchaseOrderReceived(
            purchase_order_id=PO, receipts=(LineReceipt(sku="A", quantity_received=6, delta=6),)
        )
    ]
    again = fold_onto(po, events)
    assert (
        decide(
            RecordAmazonReceipts(purchase_order_id=PO, received_totals={"A": 6}, observed_at=T),
            again,
        )
        == []
    )


def test_a_lower_total_books_a_negative_delta() -> None:
    po = given(
        PurchaseOrderReceived(
            purchase_order_id=PO, receipts=(LineReceipt(sku="A", quantity_received=6, delta=6),)
        )
    )
    events = decide(
        RecordAmazonReceipts(purchase_order_id=PO, received_totals={"A": 5}, observed_at=T), po
    )
    assert events[0] == PurchaseOrderReceived(
        purchase_order_id=PO, receipts=(LineReceipt(sku="A", quantity_received=5, delta=-1),)
    )


def test_an_unplanned_sku_is_added_as_a_line_before_its_receipt() -> None:
    events = decide(
        RecordAmazonReceipts(purchase_order_id=PO, received_totals={"Q": 2}, observed_at=T), given()
    )
    assert events[0] == PurchaseOrderLinesAdded(purchase_order_id=PO, skus=("Q",))
    assert fold_onto(given(), events).lines["Q"].quantity_received == 2


def test_closing_records_what_is_missing_per_line_and_over_receipts_are_no_discrepancy() -> None:
    events = decide(
        ClosePurchaseOrder(purchase_order_id=PO, received_totals={"A": 8, "B": 5}, observed_at=T),
        given(),
    )
    closed = fold_onto(given(), events)
    assert closed.status is PurchaseOrderStatus.CLOSED_SHORT
    assert closed.open_discrepancies() == (LineDiscrepancy(sku="A", quantity=2),)


def test_closing_a_closed_order_only_posts_late_receipts() -> None:
    closed = fold_onto(
        given(),
        decide(
            ClosePurchaseOrder(purchase_order_id=PO, received_totals={"A": 8}, observed_at=T),
            given(),
        ),
    )
    events = decide(
        ClosePurchaseOrder(purchase_order_id=PO, received_totals={"A": 10}, observed_at=T), closed
    )
    assert [e.type for e in events] == ["PurchaseOrderReceived"]


def test_acknowledging_writes_off_the_open_discrepancy() -> None:
    closed = fold_onto(
        given(),
        decide(
            ClosePurchaseOrder(
                purchase_order_id=PO, received_totals={"A": 8, "B": 4}, observed_at=T
            ),
            given(),
        ),
    )
    events = decide(AcknowledgeDiscrepancy(purchase_order_id=PO), closed)
    acknowledged = fold_onto(closed, events)
    assert acknowledged.open_discrepancies() == ()
    assert acknowledged.lines["A"].written_off == 2
    with pytest.raises(InvalidTransition, match="no discrepancy"):
        decide(AcknowledgeDiscrepancy(purchase_order_id=PO), acknowledged)


def test_only_a_closed_order_can_be_acknowledged() -> None:
    with pytest.raises(InvalidTransition, match="closed"):
        decide(AcknowledgeDiscrepancy(purchase_order_id=PO), given())


def test_a_shipped_order_cannot_be_cancelled_and_cancelling_twice_changes_nothing() -> None:
    with pytest.raises(InvalidTransition):
        decide(
            CancelPurchaseOrder(purchase_order_id=PO, reason="x"),
            given(PurchaseOrderShipped(purchase_order_id=PO)),
        )
    cancelled = fold_onto(
        given(), decide(CancelPurchaseOrder(purchase_order_id=PO, reason="x"), given())
    )
    assert cancelled.status is PurchaseOrderStatus.CANCELLED
    assert decide(CancelPurchaseOrder(purchase_order_id=PO, reason="x"), cancelled) == []


def test_commands_to_a_missing_order_are_not_found() -> None:
    with pytest.raises(NotFound):
        decide(AcknowledgeDiscrepancy(purchase_order_id=PO), None)
