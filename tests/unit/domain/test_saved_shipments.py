"""Save to Amazon: one order, several FBA shipments. The save on the order (started, refused,
failed, ended), binding the shipments Amazon made of it, and following all of them as one:
given these events, when this, then that."""

import json
from dataclasses import dataclass, field
from datetime import date

import pytest

from domain.errors import DomainError, InvalidCommand, InvalidTransition, OrderLocked
from domain.inbound_shipment.amazon import AmazonShipmentLine, AmazonShipmentSnapshot
from domain.inbound_shipment.observe import observe
from domain.inbound_shipment.state import InboundShipment
from domain.inbound_shipment.state import evolve as evolve_shipment
from domain.messages import Command, Decision, DomainEvent
from domain.orders import purchase_order as po
from domain.orders import sales_order as so
from domain.orders import transfer_order as to
from domain.orders.follow_shipment import BoundShipments, follow_shipment
from domain.orders.lines import LineChange
from domain.orders.placing import CreateTransferOrder, create_transfer_order
from domain.orders.saved_shipments import bind_saved_shipment
from domain.orders.transfer import (
    ReconcileToPurchaseOrder,
    mark_shipped,
    reconcile_to_purchase_order,
)
from domain.registry import decode_event, encode_event
from domain.streams import StreamKind
from domain.warehouse import Warehouse, WarehouseKind, fba_warehouse_id
from tests.unit.domain.builders import US, at, fold, types
from tests.unit.domain.scenario import own_warehouse

CONNECTION = "conn1"
FBA = Warehouse(
    warehouse_id=fba_warehouse_id(CONNECTION, US),
    name="FBA US",
    kind=WarehouseKind.FBA,
    connection_id=CONNECTION,
    marketplace_id=US,
)
PO_ID, JOB, OTHER_JOB = "po-1", "job-1", "job-2"
S1, S2, S3 = "FBA1SAVED", "FBA2SAVED", "FBA3SAVED"
DAY = 24 * 60
IN_PROGRESS = "a save to Amazon is in progress (job job-1)"

Lines = dict[str, tuple[int, int]]  # sku -> (quantity shipped, cumulative received)


def snapshot(sid: str, status: str, lines: Lines, need_by: date | None) -> AmazonShipmentSnapshot:
    return AmazonShipmentSnapshot(
        shipment_id=sid,
        connection_id=CONNECTION,
        marketplace_id=US,
        name=f"Saved {sid}",
        destination_fc="PHX7",
        status=status,
        confirmed_need_by_date=need_by,
        lines=tuple(
            AmazonShipmentLine(sku=sku, fnsku=f"X0{sku}", quantity_shipped=q, quantity_received=r)
            for sku, (q, r) in lines.items()
        ),
    )


@dataclass
class Book:
    """Every stream an order's save touches, by (kind, id), built through the real deciders."""

    streams: dict[tuple[str, str], list[DomainEvent]] = field(default_factory=dict)
    transfer_order_id: str | None = None
    sales_order_id: str | None = None
    amazon: dict[str, tuple[str, Lines, date | None]] = field(default_factory=dict)

    def apply(self, decision: Decision) -> Decision:
        for key, events in decision.items():
            self.streams.setdefault(key, []).extend(events)
        return decision

    def events(self, kind: StreamKind, entity_id: str) -> list[DomainEvent]:
        return self.streams.get((kind, entity_id), [])

    def order(self) -> po.PurchaseOrder:
        return fold(po.evolve, self.events(StreamKind.PURCHASE_ORDER, PO_ID))

    def sales(self) -> so.SalesOrder | None:
        if self.sales_order_id is None:
            return None
        return fold(so.evolve, self.events(StreamKind.SALES_ORDER, self.sales_order_id))

    def transfer(self) -> to.TransferOrder | None:
        if self.transfer_order_id is None:
            return None
        return fold(to.evolve, self.events(StreamKind.TRANSFER_ORDER, self.transfer_order_id))

    def shipment(self, sid: str) -> InboundShipment:
        return fold(evolve_shipment, self.events(StreamKind.SHIPMENT, sid))

    def version(self, sid: str) -> int:
        return len(self.events(StreamKind.SHIPMENT, sid))

    def decide(self, command: Command) -> list[DomainEvent]:
        events = po.decide(command, self.order())
        self.apply({(StreamKind.PURCHASE_ORDER, PO_ID): events})
        return events

    # Amazon, seen by the sync

    def amazon_makes(
        self, sid: str, lines: Lines, minute: int, need_by: date | None = None
    ) -> None:
        self.amazon[sid] = ("WORKING", dict(lines), need_by)
        self._sync(sid, minute)

    def amazon_moves(self, sid: str, status: str, minute: int) -> None:
        _, lines, need_by = self.amazon[sid]
        self.amazon[sid] = (status, lines, need_by)
        self._sync(sid, minute)

    def amazon_receives(self, sid: str, minute: int, **units: int) -> None:
        status, lines, need_by = self.amazon[sid]
        for sku, n in units.items():
            shipped, received = lines.get(sku, (0, 0))
            lines[sku] = (shipped, received + n)
        if status not in ("CLOSED", "CANCELLED", "DELETED"):
            status = "RECEIVING"
        self.amazon[sid] = (status, lines, need_by)
        self._sync(sid, minute)

    def _sync(self, sid: str, minute: int) -> None:
        status, lines, need_by = self.amazon[sid]
        state = self.shipment(sid) if self.events(StreamKind.SHIPMENT, sid) else None
        events = observe(state, snapshot(sid, status, lines, need_by), at(minute))
        self.apply({(StreamKind.SHIPMENT, sid): events})

    # The saving job

    def bind(self, sid: str, job: str = JOB) -> Decision:
        decision = bind_saved_shipment(
            self.shipment(sid), self.order(), job, self.transfer(), self.sales()
        )
        return self.apply(decision)

    # The reactor, following every observation in turn

    def follow(self, trigger: str) -> Decision:
        """The order's shipments as one, `trigger`'s observation first, each as it is now."""
        order = self.order()
        ids = [trigger, *(sid for sid in order.shipment_ids if sid != trigger)]
        shipments = BoundShipments(
            tuple(self.shipment(sid) for sid in ids), tuple(self.version(sid) for sid in ids)
        )
        return self.apply(
            follow_shipment(shipments, self.sales(), order, shipments.last_observed_at)
        )

    def ordered(self) -> dict[str, int]:
        return {
            s: line.quantity_ordered
            for s, line in self.order().lines.items()
            if line.quantity_ordered
        }

    def received(self) -> dict[str, int]:
        lines = self.order().lines.values()
        return {line.sku: line.quantity_received for line in lines if line.quantity_received}

    def committed(self) -> dict[str, int]:
        sales = self.sales()
        assert sales is not None
        return {line.sku: line.units for line in sales.lines if line.units}


def vendor_order(**quantities: int) -> Book:
    """A vendor's open purchase order into FBA."""
    book = Book()
    created = po.PurchaseOrderCreated(
        purchase_order_id=PO_ID,
        warehouse_id=FBA.warehouse_id,
        lines=tuple(po.PurchaseLine(sku=sku, quantity=n) for sku, n in quantities.items()),
        source_type=po.SourceType.VENDOR,
        vendor_id="vendor-1",
        received_by_amazon=True,
    )
    book.apply({(StreamKind.PURCHASE_ORDER, PO_ID): [created]})
    return book


def transfer_order(**quantities: int) -> Book:
    """A user's transfer from MAIN to FBA: a sales order out of MAIN, the purchase order in."""
    book = Book(transfer_order_id="to-1", sales_order_id="so-1")
    main = own_warehouse()
    command = CreateTransferOrder(
        transfer_order_id="to-1",
        sales_order_id="so-1",
        purchase_order_id=PO_ID,
        source_warehouse_id=main.warehouse_id,
        destination_warehouse_id=FBA.warehouse_id,
        lines=tuple(po.PurchaseLine(sku=sku, quantity=n) for sku, n in quantities.items()),
    )
    book.apply(create_transfer_order(command, main, FBA))
    return book


def saved_into_three(book: Book, s3_plan: int = 4) -> Book:
    """A10 B6 C4 saved: Amazon made S1 (A4 B6), S2 (A6), S3 (C `s3_plan`), all bound, ended."""
    book.decide(po.StartSaveToAmazon(purchase_order_id=PO_ID, job_id=JOB))
    book.amazon_makes(S1, {"A": (4, 0), "B": (6, 0)}, 1)
    book.amazon_makes(S2, {"A": (6, 0)}, 1)
    book.amazon_makes(S3, {"C": (s3_plan, 0)}, 1)
    for sid in (S1, S2, S3):
        book.bind(sid)
    book.decide(po.EndSaveToAmazon(purchase_order_id=PO_ID, job_id=JOB))
    return book


def refused(error: type[DomainError], command: Command, state: po.PurchaseOrder) -> DomainError:
    with pytest.raises(error) as raised:
        po.decide(command, state)
    assert type(raised.value) is error
    return raised.value


START = po.StartSaveToAmazon(purchase_order_id=PO_ID, job_id=JOB)


# Starting a save


def test_a_save_starts_on_an_open_order_into_fba_and_the_same_job_again_decides_nothing() -> None:
    book = vendor_order(A=10)
    assert book.decide(START) == [po.PurchaseOrderSaveStarted(purchase_order_id=PO_ID, job_id=JOB)]
    assert book.order().saving_job_id == JOB
    assert not book.order().locked
    assert book.decide(START) == []


def test_an_order_into_an_own_warehouse_has_nothing_to_save() -> None:
    created = po.PurchaseOrderCreated(
        purchase_order_id=PO_ID,
        warehouse_id="wh-main",
        lines=(po.PurchaseLine(sku="A", quantity=10),),
        source_type=po.SourceType.VENDOR,
        vendor_id="vendor-1",
        received_by_amazon=False,
    )
    error = refused(InvalidCommand, START, fold(po.evolve, [created]))
    assert error.field == "purchase_order_id" and "not an FBA warehouse" in str(error)


@pytest.mark.parametrize(
    "event",
    [
        po.PurchaseOrderReceived(
            purchase_order_id=PO_ID,
            receipts=(po.LineReceipt(sku="A", quantity_received=2, delta=2),),
        ),
        po.PurchaseOrderCancelled(purchase_order_id=PO_ID, reason="not needed"),
        po.PurchaseOrderClosed(purchase_order_id=PO_ID, discrepancies=()),
    ],
    ids=["partially received", "cancelled", "closed"],
)
def test_only_an_open_order_is_saved(event: DomainEvent) -> None:
    book = vendor_order(A=10)
    book.apply({(StreamKind.PURCHASE_ORDER, PO_ID): [event]})
    error = refused(InvalidTransition, START, book.order())
    assert error.field == "purchase_order_id" and "only an open order" in str(error)


def test_an_order_without_units_to_send_is_not_saved() -> None:
    error = refused(InvalidCommand, START, vendor_order(A=0).order())
    assert error.field == "purchase_order_id" and "no line with units" in str(error)


def test_an_order_bound_already_is_saved_already() -> None:
    book = saved_into_three(vendor_order(A=10, B=6, C=4))
    error = refused(OrderLocked, START, book.order())
    assert error.code == "order_locked" and error.field == "purchase_order_id"
    assert "already saved" in str(error) and S3 in str(error)


def test_a_second_job_waits_for_the_save_in_progress() -> None:
    book = vendor_order(A=10)
    book.decide(START)
    error = refused(
        OrderLocked, po.StartSaveToAmazon(purchase_order_id=PO_ID, job_id=OTHER_JOB), book.order()
    )
    assert IN_PROGRESS in str(error) and "wait for it to end" in str(error)


# While saving


@pytest.mark.parametrize(
    "command",
    [
        po.EditPurchaseOrder(purchase_order_id=PO_ID, reference="changed"),
        po.WithdrawPurchaseOrder(purchase_order_id=PO_ID, reason="not needed"),
        po.ReceiveUnits(purchase_order_id=PO_ID, units={"A": 1}, received_at=at(5)),
        po.CloseReceiving(purchase_order_id=PO_ID, closed_at=at(5)),
        po.BindToShipment(purchase_order_id=PO_ID, shipment_id="FBA9HAND", planned={"A": 10}),
    ],
    ids=["edit", "withdraw", "receive", "close", "bind by hand"],
)
def test_while_saving_the_users_changes_wait_for_the_save(command: Command) -> None:
    book = vendor_order(A=10)
    book.decide(START)
    error = refused(OrderLocked, command, book.order())
    assert error.code == "order_locked" and isinstance(error, InvalidTransition)  # 409
    assert IN_PROGRESS in str(error) and "wait for it to end" in str(error)


def test_while_saving_a_shipment_is_not_reconciled_onto_the_order_by_hand() -> None:
    book = vendor_order(A=10)
    book.decide(START)
    book.amazon_makes("FBA9HAND", {"A": (10, 0)}, 1)
    with pytest.raises(OrderLocked, match="in progress"):
        reconcile_to_purchase_order(
            ReconcileToPurchaseOrder(shipment_id="FBA9HAND", purchase_order_id=PO_ID),
            book.shipment("FBA9HAND"),
            book.order(),
            None,
        )


def test_a_transfers_purchase_order_is_saved_the_same_way() -> None:
    book = transfer_order(A=10)
    assert types(book.decide(START)) == ["PurchaseOrderSaveStarted"]
    refused(OrderLocked, po.EditPurchaseOrder(purchase_order_id=PO_ID, reference="x"), book.order())


# Binding the saved shipments


def test_three_shipments_are_bound_one_by_one_and_the_save_ends_locked_to_all() -> None:
    # Given a vendor's A10 B6 C4 being saved, and Amazon's split of it (C planned 3, not 4)
    book = vendor_order(A=10, B=6, C=4)
    book.decide(START)
    book.amazon_makes(S1, {"A": (4, 0), "B": (6, 0)}, 1)
    book.amazon_makes(S2, {"A": (6, 0)}, 1)
    book.amazon_makes(S3, {"C": (3, 0)}, 1)
    # When the job binds each
    first = book.bind(S1)
    second = book.bind(S2)
    third = book.bind(S3)
    # Then each shipment is reconciled to the order (a vendor's: no transfer, no sales order)
    reconciled = first[(StreamKind.SHIPMENT, S1)][0]
    assert reconciled == (
        reconciled.model_copy(
            update={
                "purchase_order_id": PO_ID,
                "vendor_id": "vendor-1",
                "destination_warehouse_id": FBA.warehouse_id,
                "transfer_order_id": None,
                "sales_order_id": None,
            }
        )
    )
    assert set(first) == {(StreamKind.SHIPMENT, S1), (StreamKind.PURCHASE_ORDER, PO_ID)}
    # and each binding's differences are the order against the plans bound so far
    bound = [d[(StreamKind.PURCHASE_ORDER, PO_ID)][0] for d in (first, second, third)]
    assert [b.shipment_id for b in bound] == [S1, S2, S3]  # type: ignore[attr-defined]
    assert [b.differences for b in bound] == [  # type: ignore[attr-defined]
        (LineChange(sku="A", from_quantity=10, to_quantity=4), change("C", 4, 0)),
        (change("C", 4, 0),),
        (change("C", 4, 3),),
    ]
    order = book.order()
    assert order.shipment_ids == (S1, S2, S3) and order.shipment_id == S1 and order.locked
    assert order.saving_job_id == JOB  # still saving: the job ends it
    # When the job ends the save
    ended = book.decide(po.EndSaveToAmazon(purchase_order_id=PO_ID, job_id=JOB))
    # Then the order is locked to all three, its plan differences the whole order's
    assert ended == [
        po.PurchaseOrderSaveEnded(purchase_order_id=PO_ID, job_id=JOB, outcome="saved")
    ]
    order = book.order()
    assert order.saving_job_id is None and order.shipment_ids == (S1, S2, S3)
    assert order.bound_differences == (change("C", 4, 3),)
    assert book.decide(po.EndSaveToAmazon(purchase_order_id=PO_ID, job_id=JOB)) == []
    refused(OrderLocked, po.EditPurchaseOrder(purchase_order_id=PO_ID, reference="x"), order)


def change(sku: str, from_quantity: int, to_quantity: int) -> LineChange:
    return LineChange(sku=sku, from_quantity=from_quantity, to_quantity=to_quantity)


def test_a_transfers_saved_shipments_bring_its_transfer_and_sales_order() -> None:
    book = transfer_order(A=10)
    book.decide(START)
    book.amazon_makes(S1, {"A": (4, 0)}, 1)
    book.amazon_makes(S2, {"A": (6, 0)}, 1)
    first, second = book.bind(S1), book.bind(S2)
    for sid, decision in ((S1, first), (S2, second)):
        reconciled = decision[(StreamKind.SHIPMENT, sid)][0]
        assert (reconciled.transfer_order_id, reconciled.sales_order_id) == ("to-1", "so-1")  # type: ignore[attr-defined]
        assert reconciled.source_warehouse_id is not None  # type: ignore[attr-defined]
        assert decision[(StreamKind.TRANSFER_ORDER, "to-1")] == [
            to.TransferOrderBound(transfer_order_id="to-1", shipment_id=sid)
        ]
    transfer = book.transfer()
    assert transfer is not None
    assert transfer.shipment_id == S1 and transfer.shipment_ids == (S1, S2)
    assert book.shipment(S2).reconciliation is not None


def test_a_shipment_bound_again_decides_nothing() -> None:
    book = vendor_order(A=10)
    book.decide(START)
    book.amazon_makes(S1, {"A": (10, 0)}, 1)
    book.bind(S1)
    assert book.bind(S1) == {}
    book.decide(po.EndSaveToAmazon(purchase_order_id=PO_ID, job_id=JOB))
    assert book.bind(S1) == {}  # a job retried after its end too
    assert book.order().shipment_ids == (S1,)


def test_a_shipment_bound_to_another_order_is_refused() -> None:
    book = vendor_order(A=10)
    book.decide(START)
    book.amazon_makes(S1, {"A": (10, 0)}, 1)
    other = po.PurchaseOrderCreated(
        purchase_order_id="po-other",
        warehouse_id=FBA.warehouse_id,
        lines=(po.PurchaseLine(sku="A", quantity=10),),
        source_type=po.SourceType.VENDOR,
        vendor_id="vendor-1",
    )
    book.apply({(StreamKind.PURCHASE_ORDER, "po-other"): [other]})
    book.apply(
        reconcile_to_purchase_order(
            ReconcileToPurchaseOrder(shipment_id=S1, purchase_order_id="po-other"),
            book.shipment(S1),
            fold(po.evolve, [other]),
            None,
        )
    )
    with pytest.raises(InvalidTransition, match="already reconciled to purchase order po-other"):
        book.bind(S1)
    assert not book.order().locked


def test_only_the_job_saving_the_order_binds_its_shipments() -> None:
    book = vendor_order(A=10)
    book.decide(START)
    book.amazon_makes(S1, {"A": (4, 0)}, 1)
    book.amazon_makes(S2, {"A": (6, 0)}, 1)
    with pytest.raises(OrderLocked, match="job job-1 is saving it") as raised:
        book.bind(S1, job=OTHER_JOB)
    assert raised.value.field == "job_id"
    book.bind(S1)
    book.decide(po.EndSaveToAmazon(purchase_order_id=PO_ID, job_id=JOB))
    with pytest.raises(OrderLocked, match="no save to Amazon is in progress"):
        book.bind(S2)


def test_a_save_ends_with_a_shipment_bound_and_by_its_own_job() -> None:
    book = vendor_order(A=10)
    book.decide(START)
    end = po.EndSaveToAmazon(purchase_order_id=PO_ID, job_id=JOB)
    refused(InvalidTransition, end, book.order())
    book.amazon_makes(S1, {"A": (10, 0)}, 1)
    book.bind(S1)
    refused(
        OrderLocked, po.EndSaveToAmazon(purchase_order_id=PO_ID, job_id=OTHER_JOB), book.order()
    )
    assert types(book.decide(end)) == ["PurchaseOrderSaveEnded"]


def test_a_failed_save_gives_the_order_back_to_the_user() -> None:
    # Given a save in progress
    book = vendor_order(A=10)
    book.decide(START)
    # When the job fails
    fail = po.FailSaveToAmazon(purchase_order_id=PO_ID, job_id=JOB, code="PlacementFailed")
    refused(OrderLocked, fail.model_copy(update={"job_id": OTHER_JOB}), book.order())
    failed = book.decide(fail)
    # Then the order is open and editable again, and can be saved again
    assert failed == [
        po.PurchaseOrderSaveEnded(
            purchase_order_id=PO_ID, job_id=JOB, outcome="failed", code="PlacementFailed"
        )
    ]
    assert book.order().saving_job_id is None and not book.order().locked
    assert book.decide(fail) == []
    edited = book.decide(po.EditPurchaseOrder(purchase_order_id=PO_ID, reference="again"))
    assert types(edited) == ["PurchaseOrderEdited"]
    assert types(book.decide(START.model_copy(update={"job_id": OTHER_JOB}))) == [
        "PurchaseOrderSaveStarted"
    ]


def test_a_save_failing_after_some_shipments_were_bound_leaves_the_order_bound_to_them() -> None:
    book = vendor_order(A=10)
    book.decide(START)
    book.amazon_makes(S1, {"A": (4, 0)}, 1)
    book.bind(S1)
    book.decide(po.FailSaveToAmazon(purchase_order_id=PO_ID, job_id=JOB, code="Timeout"))
    order = book.order()
    assert order.saving_job_id is None and order.shipment_ids == (S1,)
    error = refused(
        OrderLocked, po.EditPurchaseOrder(purchase_order_id=PO_ID, reference="x"), order
    )
    assert "bound to FBA shipment" in str(error)


# Following several shipments


def test_three_shipments_receiving_over_days_are_followed_as_one_order() -> None:
    # Given a transfer A10 B6 C4 saved into S1 (A4 B6), S2 (A6), S3 (C4)
    book = saved_into_three(transfer_order(A=10, B=6, C=4))
    ended = book.follow(S1)  # the save's end: every shipment's version recorded, nothing else
    assert types(ended[(StreamKind.PURCHASE_ORDER, PO_ID)]) == ["PurchaseOrderFollowedShipment"] * 3
    assert book.order().followed_shipment_versions == {
        sid: book.version(sid) for sid in (S1, S2, S3)
    }
    assert book.ordered() == {"A": 10, "B": 6, "C": 4} and book.committed() == book.ordered()
    # When S1 leaves on day 1: the order waits for the others
    book.amazon_moves(S1, "SHIPPED", DAY)
    book.follow(S1)
    sales = book.sales()
    assert sales is not None and sales.status is so.SalesOrderStatus.OPEN
    # When S2 and S3 leave on day 2: it ships, as of the latest of those observations
    book.amazon_moves(S2, "IN_TRANSIT", 2 * DAY)
    book.follow(S2)
    book.amazon_moves(S3, "SHIPPED", 2 * DAY + 30)
    book.follow(S3)
    sales = book.sales()
    assert sales is not None and sales.status is so.SalesOrderStatus.SHIPPED
    assert sales.shipped_at == at(2 * DAY + 30) and book.order().shipped_at == at(2 * DAY + 30)
    # When each receives over the next days
    book.amazon_receives(S1, 3 * DAY, A=4, B=6)
    book.follow(S1)
    assert book.received() == {"A": 4, "B": 6}
    book.amazon_receives(S2, 4 * DAY, A=5)
    book.follow(S2)
    assert book.received() == {"A": 9, "B": 6}
    # Then it closes only once every shipment closed
    book.amazon_moves(S1, "CLOSED", 5 * DAY)
    book.follow(S1)
    book.amazon_moves(S2, "CLOSED", 5 * DAY)
    book.follow(S2)
    assert not book.order().closed
    book.amazon_receives(S3, 6 * DAY, C=4)
    book.follow(S3)
    assert book.received() == {"A": 9, "B": 6, "C": 4} and not book.order().closed
    book.amazon_moves(S3, "CLOSED", 7 * DAY)
    closing = book.follow(S3)
    order = book.order()
    assert order.closed and order.status is po.PurchaseOrderStatus.CLOSED_SHORT
    assert order.open_discrepancies() == (po.LineDiscrepancy(sku="A", quantity=1),)
    assert types(closing[(StreamKind.PURCHASE_ORDER, PO_ID)]) == [
        "PurchaseOrderClosed",
        "PurchaseOrderFollowedShipment",
    ]
    # and following again decides nothing new
    assert book.follow(S1) == {} and book.follow(S3) == {}


def test_a_transfers_receipts_wait_until_every_live_shipment_left() -> None:
    # Given a transfer saved into three shipments, none gone
    book = saved_into_three(transfer_order(A=10, B=6, C=4))
    book.follow(S1)
    # When Amazon receives S1's units while S2 and S3 are still WORKING
    book.amazon_receives(S1, DAY, A=4, B=6)
    waiting = book.follow(S1)
    # Then nothing is booked yet: MAIN still holds them all (booked at FBA too, twice counted)
    assert types(waiting[(StreamKind.PURCHASE_ORDER, PO_ID)]) == ["PurchaseOrderFollowedShipment"]
    assert book.received() == {} and not book.order().shipped
    assert book.committed() == {"A": 10, "B": 6, "C": 4}
    # When the other two leave: the order ships as of the last of them, and books the receipts
    book.amazon_moves(S2, "SHIPPED", 2 * DAY)
    book.follow(S2)
    book.amazon_moves(S3, "SHIPPED", 3 * DAY)
    shipped = book.follow(S3)
    assert types(shipped[(StreamKind.PURCHASE_ORDER, PO_ID)]) == [
        "PurchaseOrderShipped",
        "PurchaseOrderReceived",
        "PurchaseOrderFollowedShipment",
    ]
    assert book.order().shipped_at == at(3 * DAY) and book.received() == {"A": 4, "B": 6}


def test_a_vendors_order_books_amazons_receipts_at_once() -> None:
    book = saved_into_three(vendor_order(A=10, B=6, C=4))
    book.follow(S1)
    book.amazon_receives(S1, DAY, A=4)
    book.follow(S1)
    assert book.received() == {"A": 4} and not book.order().shipped


def test_a_shipment_cancelled_before_its_goods_left_takes_its_units_off_the_order() -> None:
    book = saved_into_three(transfer_order(A=10, B=6, C=4))
    book.follow(S1)
    # When Amazon deletes S3 before anything left
    book.amazon_moves(S3, "DELETED", DAY)
    reduced = book.follow(S3)
    # Then C leaves the order (both halves), the rest stays
    assert book.ordered() == {"A": 10, "B": 6} and book.committed() == {"A": 10, "B": 6}
    amended = reduced[(StreamKind.PURCHASE_ORDER, PO_ID)][0]
    assert isinstance(amended, po.PurchaseOrderLinesAmended)
    assert amended.changes == (change("C", 4, 0),) and amended.shipment_id == S3
    assert not book.order().cancelled
    # and the order ships once the live ones left, closes once they closed
    for sid in (S1, S2):
        book.amazon_moves(sid, "SHIPPED", 2 * DAY)
        book.follow(sid)
    assert book.order().shipped
    book.amazon_receives(S1, 3 * DAY, A=4, B=6)
    book.amazon_moves(S1, "CLOSED", 3 * DAY)
    book.follow(S1)
    book.amazon_receives(S2, 4 * DAY, A=6)
    book.amazon_moves(S2, "CLOSED", 4 * DAY)
    book.follow(S2)
    order = book.order()
    assert order.closed and order.status is po.PurchaseOrderStatus.RECEIVED
    assert book.ordered() == book.received() == {"A": 10, "B": 6}


def test_the_order_is_released_only_when_every_shipment_is_cancelled_before_leaving() -> None:
    book = saved_into_three(transfer_order(A=10, B=6, C=4))
    book.follow(S1)
    for minute, sid in ((DAY, S1), (DAY + 1, S2)):
        book.amazon_moves(sid, "CANCELLED", minute)
        book.follow(sid)
        assert not book.order().cancelled
    assert book.ordered() == {"C": 4}
    # When the last one goes too
    book.amazon_moves(S3, "ERROR", DAY + 2)
    released = book.follow(S3)
    # Then both orders are released
    assert types(released[(StreamKind.SALES_ORDER, "so-1")]) == ["SalesOrderCancelled"]
    cancelled = released[(StreamKind.PURCHASE_ORDER, PO_ID)][0]
    assert isinstance(cancelled, po.PurchaseOrderCancelled)
    assert cancelled.reason == (
        f"inbound shipments {S3} (ERROR), {S1} (CANCELLED), {S2} (CANCELLED) are all cancelled"
    )
    # When Amazon brings S2 back: the order reopens with S2's plan
    book.amazon_moves(S2, "WORKING", 2 * DAY)
    reopened = book.follow(S2)
    reason = reopened[(StreamKind.PURCHASE_ORDER, PO_ID)][0]
    assert isinstance(reason, po.PurchaseOrderReopened)
    assert reason.reason == f"inbound shipment {S2} is WORKING again"
    sales = book.sales()
    assert sales is not None and sales.status is so.SalesOrderStatus.OPEN
    assert book.ordered() == {"A": 6} and book.committed() == {"A": 6}


def test_the_users_word_that_the_goods_left_stands_until_amazon_sees_some_leave() -> None:
    # Given a transfer saved into three shipments, marked shipped by the user
    book = saved_into_three(transfer_order(A=10, B=6, C=4))
    book.follow(S1)
    book.apply(mark_shipped(book.sales(), book.order(), at(DAY)))
    # When Amazon cancels S3 before it saw any of them leave: its goods left, on the user's word
    book.amazon_moves(S3, "CANCELLED", 2 * DAY)
    book.follow(S3)
    assert book.ordered() == {"A": 10, "B": 6, "C": 4} and book.committed() == book.ordered()
    # When Amazon receives S1: it saw goods leave, and S3's never did
    book.amazon_receives(S1, 3 * DAY, A=4, B=6)
    book.follow(S1)
    assert book.ordered() == {"A": 10, "B": 6} and book.committed() == {"A": 10, "B": 6}
    assert book.received() == {"A": 4, "B": 6}


def test_the_expected_date_is_the_latest_confirmed_need_by_date() -> None:
    book = vendor_order(A=10)
    book.decide(START)
    book.amazon_makes(S1, {"A": (4, 0)}, 1)
    book.amazon_makes(S2, {"A": (6, 0)}, 1)
    book.bind(S1)
    book.bind(S2)
    book.decide(po.EndSaveToAmazon(purchase_order_id=PO_ID, job_id=JOB))
    book.follow(S1)
    # When Amazon confirms when it needs each
    for sid, need_by in ((S1, date(2026, 12, 5)), (S2, date(2026, 12, 1))):
        status, lines, _ = book.amazon[sid]
        book.amazon[sid] = (status, lines, need_by)
        book.amazon_moves(sid, status, 60)
        book.follow(sid)
    # Then the order is expected when the last of them is
    assert book.order().expected_date == date(2026, 12, 5)


def test_one_shipment_is_seen_exactly_as_it_is() -> None:
    book = vendor_order(A=10)
    book.amazon_makes(S1, {"A": (10, 0), "B": (2, 0)}, 1, need_by=date(2026, 12, 5))
    book.amazon_receives(S1, 60, A=3)
    shipment = book.shipment(S1)
    one = BoundShipments.one(shipment, book.version(S1))
    assert (one.shipment_id, one.status, one.phase) == (S1, "RECEIVING", shipment.phase)
    assert one.left_source_at == shipment.left_source_at is not None
    assert one.received_totals() == shipment.received_totals()
    assert one.planned_quantities() == shipment.planned_quantities()
    assert one.confirmed_need_by_date == shipment.confirmed_need_by_date
    assert one.last_observed_at == shipment.last_observed_at
    assert one.followed_versions() == {S1: book.version(S1)}


# Events and states recorded before several shipments


def test_events_and_states_recorded_with_one_shipment_still_read() -> None:
    created = {
        "type": "PurchaseOrderCreated",
        "purchase_order_id": PO_ID,
        "transfer_order_id": "to-1",
        "shipment_id": "FBA1OLD",
        "warehouse_id": FBA.warehouse_id,
        "lines": [{"sku": "A", "quantity": 10}],
    }
    followed = {
        "type": "PurchaseOrderFollowedShipment",
        "purchase_order_id": PO_ID,
        "shipment_version": 7,
    }
    order = fold(po.evolve, [decode_event(created), decode_event(followed)])
    assert order.shipment_ids == ("FBA1OLD",) and order.shipment_id == "FBA1OLD"
    assert order.followed_shipment_versions == {"FBA1OLD": 7}
    assert order.followed_shipment_version == 7 and order.saving_job_id is None
    # a view's doc or a snapshot of the state as it was stored then
    stored = json.loads(order.model_dump_json())
    del stored["shipment_ids"], stored["followed_shipment_versions"], stored["saving_job_id"]
    stored |= {"shipment_id": "FBA1OLD", "followed_shipment_version": 7}
    assert po.PurchaseOrder.model_validate_json(json.dumps(stored)) == order
    transfer = json.loads(
        to.TransferOrder(
            transfer_order_id="to-1",
            sales_order_id="so-1",
            purchase_order_id=PO_ID,
            source_warehouse_id="wh-main",
            destination_warehouse_id=FBA.warehouse_id,
            lines=(),
        ).model_dump_json()
    )
    del transfer["shipment_ids"]
    transfer["shipment_id"] = "FBA1OLD"
    assert to.TransferOrder.model_validate(transfer).shipment_ids == ("FBA1OLD",)


def test_the_new_events_read_back_as_written() -> None:
    book = saved_into_three(transfer_order(A=10, B=6, C=4))
    book.follow(S1)
    book.decide(po.FailSaveToAmazon(purchase_order_id=PO_ID, job_id=JOB, code="x"))  # nothing
    for events in book.streams.values():
        for event in events:
            assert decode_event(json.loads(encode_event(event))) == event
