"""Orders follow Amazon, whatever Amazon does and whenever the reactor answers: a stateful test.

Amazon edits the plan, moves the status anywhere (cancel, revive, error, close), receives units
(negative corrections and unplanned SKUs too); the user reconciles, marks shipped, acknowledges
and counts MAIN with what is physically there; the reactor answers late. After every step:
- units are conserved per SKU, now and as of every instant a movement is dated at: MAIN's on
  hand + what is at FBA (in transit, receiving, on hand, missing, written off) = the 50 MAIN
  started with, and what MAIN has committed is on order at FBA;
- the purchase order has received exactly Amazon's last cumulative totals;
- replaying the stored events (encoded and decoded) gives the same states;
- the views projected live, in shuffled batches with redeliveries, equal a rebuild in order.

The user also saves a transfer from MAIN to Amazon ("Save to Amazon"), which Amazon splits into
one to three shipments, each then moved, re-planned and received on its own (while the reactor
answers in between the bindings, or late). The order follows all of them as one, and after every
step: it ordered the sum of its live shipments' plans (a shipment cancelled before its goods left
holds nothing; the order is released when all are), shipped exactly when every live shipment's
goods left (or the user marked it), and received the sum of Amazon's totals from then on; units
stay conserved at MAIN and FBA, and replay and rebuild still equal what was lived. (Nobody counts
MAIN while a split order is partly gone: it leaves the books at once, as of the last departure.)

Alongside, the user works stock orders between two more own warehouses (MAIN and FBA are left
alone, so the figures above stay exact): purchase orders to a vendor placed, edited, received
(partial, over, unplanned SKUs), closed, acknowledged and cancelled; transfers created, shipped
and received (over plan too) and closed. Each act is refused exactly when a model of the orders
says it must be, and after every step:
- each order's state is what the user did to it;
- each order's ledger facts fold, as of every instant, to what it contributed then, and its units
  are conserved then (the identities are derived at `StockOrder.expected`);
- each own warehouse's stock row is the sum of its orders' contributions.

And Amazon's customers order units at FBA (one SKU an order): the sync reads each order as
Amazon shows it (pending, shipped, cancelled, in any order) and again unchanged, and reads
returns of shipped units, once and again. Reading what the log holds appends nothing; shipped
units leave FBA's on hand when Amazon first showed them shipped and returns come back when
returned, so the conservation above counts them as out (shipped less returned); and the
daily sales rows are what Amazon showed: sold on the purchase day unless cancelled, cancelled
on the day first shown cancelled, returned on the return day.

And at a workshop (one more own warehouse, counted once at the start) the user makes kits from
parts: assembly orders created, received a part at a time (refused exactly when the model says:
beyond the order, short of a part as the views have it, or cancelled) and cancelled. After every
step each order is what the user did to it; the kits still to make are on order; and units are
conserved through the bill of materials, now and as of every instant since the count: each
part's on hand + the kits on hand x the part's units per kit = the part's count.
"""

import contextlib
import json
import random
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from domain import vendor as vendors
from domain.errors import DomainError, InvalidCommand, InvalidTransition
from domain.event_store import RecordedEvent
from domain.inbound_shipment.amazon import GOODS_LEFT_PHASES, ShipmentPhase, phase_of
from domain.inventory import AmazonStockAdjusted
from domain.messages import Command, Decision
from domain.orders import assembly_order as ao
from domain.orders import purchase_order as po
from domain.orders import sales_order as so
from domain.orders.follow_shipment import ENDED, BoundShipments
from domain.orders.placing import (
    CreateTransferOrder,
    PlacePurchaseOrder,
    create_transfer_order,
    place_purchase_order,
)
from domain.orders.purchase_order import PurchaseLine, PurchaseOrder, PurchaseOrderStatus
from domain.orders.sales_order import SalesOrder
from domain.orders.saved_shipments import bind_saved_shipment
from domain.orders.transfer import mark_shipped
from domain.products import product
from domain.products.product import (
    CreateProduct,
    ProductComponent,
    SetComponents,
    product_id_for,
)
from domain.registry import KINDS, decode_event, encode_event, evolver
from domain.replenishment.assembly import Component
from domain.sales import LineStatus
from domain.sales.figures import NO_SALES, SalesFigures, day_of
from domain.stock import ZERO, Contribution, StockFigures
from domain.stock.ledger import LedgerFact, fold
from domain.streams import StreamId, StreamKind
from functions.projector.compare import differences
from functions.projector.in_memory_store import InMemoryViewStore
from functions.projector.projector import Projector
from functions.projector.rebuild import rebuild
from functions.shared.views.rows import LEDGER_KIND
from tests.projections.amazon_sales import AmazonCustomers, sales_days
from tests.projections.figures import Figures, accounted
from tests.projections.test_when_amazon_departs import Seller
from tests.projections.world import US, World

SKUS = ("A", "B", "C")
STOCK = 50
STATUSES = (
    "WORKING",
    "READY_TO_SHIP",
    "SHIPPED",
    "IN_TRANSIT",
    "CHECKED_IN",
    "RECEIVING",
    "CLOSED",
    "CANCELLED",
    "DELETED",
    "ERROR",
)


# Stock orders between the seller's other own warehouses (SKU "Z" is never planned)
ORDER_SKUS = (*SKUS, "Z")
PLAN = st.dictionaries(st.sampled_from(SKUS), st.integers(1, 20), min_size=1, max_size=3)
UNITS = st.dictionaries(  # now and then an unplanned SKU
    st.sampled_from((*SKUS, *SKUS, "Z")), st.integers(1, 12), min_size=1, max_size=3
)
PICK = st.integers(0, 5)  # which order, modulo how many there are
MAX_ORDERS = 3  # of each kind: enough to interleave, few enough to keep every step fast
# Which shipment Amazon acts on: 0 the one the user reconciles, else one of the saved order's
WHICH = st.integers(0, 3)
SAVED_PLAN = st.dictionaries(st.sampled_from(SKUS), st.integers(1, 8), min_size=1, max_size=3)
PARTS = st.integers(1, 3)  # how many shipments Amazon makes of the saved order
MAX_CUSTOMER_ORDERS = 4
LINE_STATUSES = st.sampled_from(list(LineStatus))
# Kits made at the workshop: KIT = 2 x PART-1 + 3 x PART-2, from the parts counted at the start
KIT = "KIT"
BILL = {"PART-1": 2, "PART-2": 3}
PARTS_COUNTED = {"PART-1": 30, "PART-2": 40}
KITS = st.integers(1, 8)


@dataclass
class KitOrder:
    """An assembly order of `quantity` kits at the workshop: what was received, and whether
    the user cancelled it."""

    assembly_order_id: str
    quantity: int
    received: int = 0
    cancelled: bool = False

    @property
    def open(self) -> int:
        return 0 if self.cancelled else self.quantity - self.received


@dataclass
class CustomerOrder:
    """An Amazon customer order of `units` of one SKU at FBA, as Amazon showed it: its status,
    since when it is cancelled, when units were seen leaving (or coming back: a shipped line
    Amazon no longer shows shipped) and what came back."""

    order_id: str
    sku: str
    units: int
    purchased_at: datetime
    status: LineStatus
    cancelled_at: datetime | None = None
    shipped: list[tuple[datetime, int]] = field(default_factory=list)
    returns: list[tuple[datetime, int]] = field(default_factory=list)

    def show(self, status: LineStatus, at: datetime) -> None:
        was_shipped, is_shipped = self.status is LineStatus.SHIPPED, status is LineStatus.SHIPPED
        if is_shipped != was_shipped:
            self.shipped.append((at, self.units if is_shipped else -self.units))
        if status is LineStatus.CANCELLED and self.status is not LineStatus.CANCELLED:
            self.cancelled_at = at
        self.status = status

    def out(self, at: datetime | None) -> int:
        """Units with customers as of `at` (None: now): shipped less returned."""
        shipped = sum(units for when, units in self.shipped if at is None or when <= at)
        returned = sum(units for when, units in self.returns if at is None or when <= at)
        return shipped - returned

    def returnable(self) -> int:
        return self.units - sum(units for _, units in self.returns)


@dataclass
class SavedOrder:
    """The user's transfer from MAIN to FBA, saved to Amazon into `shipments`; what Amazon
    showed of each (goods seen gone: sticky, as the shipment's `left_source_at`), and whether
    its goods left MAIN (the books' rule: every live shipment's goods seen gone, or the user
    marked it shipped; sticky)."""

    transfer_order_id: str
    sales_order_id: str
    purchase_order_id: str
    shipments: list[str]
    seen_gone: dict[str, bool]
    shipped: bool = False


@dataclass(frozen=True)
class Acts:
    """What the user did to an order, as of one instant."""

    ordered: dict[str, int]
    received: dict[str, int] = field(default_factory=dict)
    written_off: dict[str, int] = field(default_factory=dict)
    shipped: bool = False
    closed: bool = False
    cancelled: bool = False

    def skus(self) -> list[str]:
        return sorted({*self.ordered, *self.received})

    def missing(self, sku: str) -> int:
        return max(self.ordered.get(sku, 0) - self.received.get(sku, 0), 0)

    def shortfall(self, sku: str) -> int:
        return self.missing(sku) - self.written_off.get(sku, 0)

    def arrived_or_due(self, sku: str) -> int:
        """max(ordered, received): every unit the order brings, received or still missing."""
        return max(self.ordered.get(sku, 0), self.received.get(sku, 0))


@dataclass
class StockOrder:
    """A vendor's purchase order (no source), or a user's transfer from `source`, with what the
    user did to it after each of their acts."""

    purchase_order_id: str
    destination: str
    history: list[tuple[datetime, Acts]]
    source: str | None = None
    transfer_order_id: str | None = None
    sales_order_id: str | None = None

    @property
    def acts(self) -> Acts:
        return self.history[-1][1]

    def act(self, at: datetime, **changes: object) -> None:
        self.history.append((at, replace(self.acts, **changes)))  # type: ignore[arg-type]

    def as_of(self, at: datetime) -> Acts | None:
        past = [acts for when, acts in self.history if when <= at]
        return past[-1] if past else None

    def expected(self, acts: Acts | None) -> Contribution:
        """What the order contributes (contributions.py), per SKU, with
        missing = max(ordered - received, 0) and shortfall = missing - written off:
        - at the destination: on hand = received, and the shortfall is on order (not shipped,
          not closed), in transit (shipped, nothing of the SKU received yet), receiving
          (shipped, some received) or the discrepancy (closed); written off = written off.
          Exactly one of those four holds the shortfall, so
              on hand + on order + in transit + receiving + discrepancy + written off
            = received + shortfall + written off = received + missing = max(ordered, received).
          A vendor's order never ships: on hand + on order + discrepancy + written off =
          max(ordered, received); nothing once cancelled (only with nothing received).
        - at a transfer's source: committed = planned until shipped; then on hand falls by what
          left, the plan and whatever was received over it: max(planned, received). The
          purchase order's plan is the sales order's, so what left the source =
          in transit + receiving + on hand + discrepancy + written off at the destination."""
        if acts is None or acts.cancelled:
            return {}
        contribution: Contribution = {}
        for sku in acts.skus():
            shortfall, moving = acts.shortfall(sku), acts.shipped and not acts.closed
            received = acts.received.get(sku, 0)
            arriving = StockFigures(
                on_hand=received,
                on_order=shortfall if not acts.shipped and not acts.closed else 0,
                in_transit=shortfall if moving and not received else 0,
                receiving=shortfall if moving and received else 0,
                discrepancy=shortfall if acts.closed else 0,
                written_off=acts.written_off.get(sku, 0),
            )
            if not arriving.is_zero():
                contribution[(self.destination, sku)] = arriving
            if self.source is None:
                continue
            leaving = (
                StockFigures(on_hand=-acts.arrived_or_due(sku))
                if acts.shipped
                else StockFigures(committed=acts.ordered.get(sku, 0))
            )
            if not leaving.is_zero():
                contribution[(self.source, sku)] = leaving
        return contribution


class Rebuilt(Figures):
    """Figures read off views already projected."""

    def __init__(self, world: World, views: InMemoryViewStore) -> None:
        self.world, self.views = world, views


def fold_by_place(facts: Iterable[LedgerFact]) -> Contribution:
    """The facts' figures per (warehouse, SKU), without the zeros."""
    by_place: dict[tuple[str, str], list[LedgerFact]] = {}
    for fact in facts:
        by_place.setdefault((fact.warehouse_id, fact.sku), []).append(fact)
    folded = {place: fold(facts) for place, facts in by_place.items()}
    return {place: figures for place, figures in folded.items() if not figures.is_zero()}


class OrdersFollowAmazon(RuleBasedStateMachine):
    @initialize(
        plan=st.dictionaries(st.sampled_from(SKUS[:2]), st.integers(1, 20), min_size=1),
        seed=st.integers(0, 2**32 - 1),
        vendor_plan=PLAN,
        transfer_plan=PLAN,
        save_at_start=st.booleans(),
        saved_plan=SAVED_PLAN,
        parts=PARTS,
    )
    def start(
        self,
        plan: dict[str, int],
        seed: int,
        vendor_plan: dict[str, int],
        transfer_plan: dict[str, int],
        save_at_start: bool,
        saved_plan: dict[str, int],
        parts: int,
    ) -> None:
        self.rng = random.Random(seed)
        self.seller = Seller(SKUS, react_inline=False, rng=random.Random(seed))
        self.world = self.seller.world
        self.shipment_id = self.world.discover(plan)
        self.reacted = 0
        self.goods_left = False  # physically: the user shipped, or Amazon shows them gone
        self.live = InMemoryViewStore()
        self.live_projector = Projector(self.world.store, self.live)
        self.fed = 0
        self.figures_of: tuple[int, Figures] | None = None
        self.replayed = 0
        self.store, self.back_room = (self.world.own_warehouse(n) for n in ("Store", "Back"))
        self.vendor_id = f"v{self.world.ids.new_id()[:8]}"
        acme = vendors.CreateVendor(
            vendor_id=self.vendor_id,
            name="Acme",
            lead_time_days=14,
            currency="USD",
            products=(vendors.VendorProduct(sku="A", unit_cost=Decimal("2.5")),),
        )
        self.world.save({(StreamKind.VENDOR, self.vendor_id): vendors.decide(acme, None)})
        self.vendor_orders: list[StockOrder] = []
        self.transfers: list[StockOrder] = []
        # one of each from the start, so their rules have an order to work from the first step
        self.place_a_vendor_order(into_the_store=True, plan=vendor_plan)
        self.create_a_transfer(from_the_store=True, plan=transfer_plan)
        self.saved: SavedOrder | None = None
        self.customers = AmazonCustomers(self.world, US)
        self.customer_orders: list[CustomerOrder] = []
        self.return_ids = 0
        self.adjustments: list[AmazonStockAdjusted] = []
        if save_at_start:
            self.save_an_order_to_amazon(saved_plan, parts, reactor_between=False)
        self._a_workshop_with_parts()

    # Amazon

    @rule(plan=st.dictionaries(st.sampled_from(SKUS), st.integers(1, 20), max_size=3), which=WHICH)
    def amazon_changes_the_plan(self, plan: dict[str, int], which: int) -> None:
        self._tick()
        shipment_id = self._shipment(which)
        if self.world.amazon[shipment_id].status != "CLOSED":  # Amazon refuses (409)
            self.world.amazon_plan(shipment_id, plan)
            self._observe_amazon(shipment_id)

    @rule(status=st.sampled_from(STATUSES), which=WHICH)
    def amazon_moves_the_status(self, status: str, which: int) -> None:
        self._tick()
        shipment_id = self._shipment(which)
        self.world.amazon_status(shipment_id, status)
        self._observe_amazon(shipment_id)

    @rule(sku=st.sampled_from(SKUS), units=st.integers(-3, 12), which=WHICH)
    def amazon_receives(self, sku: str, units: int, which: int) -> None:
        self._tick()
        shipment_id = self._shipment(which)
        self.world.amazon_receives(shipment_id, sku, units)
        self._observe_amazon(shipment_id)

    # Amazon's customers

    @precondition(lambda self: len(self.customer_orders) < MAX_CUSTOMER_ORDERS)
    @rule(sku=st.sampled_from(SKUS), units=st.integers(1, 3), status=LINE_STATUSES, hours=PICK)
    def a_customer_orders_at_amazon(
        self, sku: str, units: int, status: LineStatus, hours: int
    ) -> None:
        """Read first when Amazon shows it `status`, purchased some hours before."""
        self._tick()
        now = self.world.clock.now()
        order = CustomerOrder(
            order_id=f"111-{len(self.customer_orders):07d}",
            sku=sku,
            units=units,
            purchased_at=now - timedelta(hours=5 * hours),
            status=LineStatus.PENDING,
        )
        order.show(status, now)
        self.customer_orders.append(order)
        assert self._read_customer_order(order)

    @precondition(lambda self: self.customer_orders)
    @rule(pick=PICK, status=LINE_STATUSES)
    def amazon_shows_a_customer_order(self, pick: int, status: LineStatus) -> None:
        """Amazon moves the order anywhere (or not: the sync reads it again unchanged)."""
        self._tick()
        order = self.customer_orders[pick % len(self.customer_orders)]
        changed = status is not order.status
        order.show(status, self.world.clock.now())
        assert self._read_customer_order(order) == changed

    @precondition(
        lambda self: any(
            o.status is LineStatus.SHIPPED and o.returnable() for o in self.customer_orders
        )
    )
    @rule(pick=PICK, read_twice=st.booleans())
    def a_customer_returns_a_unit(self, pick: int, read_twice: bool) -> None:
        self._tick()
        shipped = [
            o for o in self.customer_orders if o.status is LineStatus.SHIPPED and o.returnable()
        ]
        order = shipped[pick % len(shipped)]
        self.return_ids += 1
        return_id = f"LPN{self.return_ids}"
        order.returns.append((self.world.clock.now(), 1))
        for read in range(2 if read_twice else 1):
            appended = self.customers.returns(
                order.order_id, return_id, order.sku, 1, self.seller.fba
            )
            assert len(appended) == (0 if read else 1)

    @rule(sku=st.sampled_from(SKUS), units=st.integers(-3, 3).filter(bool))
    def amazon_books_units_we_cannot_explain(self, sku: str, units: int) -> None:
        """Amazon lost, damaged or found units: the drift check books an `amazon_adjustment`
        at the report it settles on, both figures kept."""
        self._tick()
        reported_at = self.world.clock.now()
        adjusted = AmazonStockAdjusted(
            warehouse_id=self.seller.fba,
            sku=sku,
            ours=0,
            amazon=units,
            difference=units,
            report_event_id=f"report-{len(self.adjustments)}",
            reported_at=reported_at,
            since=reported_at - timedelta(hours=8),
            reads=3,
        )
        self.adjustments.append(adjusted)
        self.world.save({(StreamKind.FBA_INVENTORY, self.seller.fba): [adjusted]}, "system:reactor")

    # The user

    @precondition(lambda self: self.shipment_id not in self.world.reconciled)
    @rule()
    def reconcile(self) -> None:
        self._tick()
        with contextlib.suppress(DomainError):
            self.world.reconcile(self.shipment_id, self.seller.main)

    @precondition(lambda self: self.shipment_id in self.world.reconciled)
    @rule()
    def mark_shipped(self) -> None:
        self._tick()
        try:
            self.world.mark_shipped(self.shipment_id)
        except DomainError:
            return
        self.goods_left = True

    @precondition(lambda self: self.shipment_id in self.world.reconciled)
    @rule()
    def acknowledge(self) -> None:
        self._tick()
        with contextlib.suppress(DomainError):
            self.world.acknowledge(self.shipment_id)

    @precondition(lambda self: self.shipment_id in self.world.reconciled)
    @rule()
    def count_main(self) -> None:
        """What is physically on MAIN's shelves, whatever the system knows yet."""
        self._tick()
        shelves = {sku: STOCK - self._left(sku) for sku in SKUS}
        if self._saved_partly_gone() or min(shelves.values()) < 0:
            return  # (see the docstring; and Amazon's numbers can exceed MAIN's 50)
        self.world.count(self.seller.main, shelves)

    # The user's order saved to Amazon

    @precondition(lambda self: self.saved is None)
    @rule(plan=SAVED_PLAN, parts=PARTS, reactor_between=st.booleans())
    def save_an_order_to_amazon(
        self, plan: dict[str, int], parts: int, reactor_between: bool
    ) -> None:
        """A transfer from MAIN to FBA, saved by a job: Amazon deals its units into `parts`
        shipments (an empty one is not made), the job binds each and ends the save."""
        self._tick()
        new_id = self.world.ids.new_id
        saved = SavedOrder(
            transfer_order_id=f"to{new_id()[:8]}",
            sales_order_id=f"so{new_id()[:8]}",
            purchase_order_id=f"po{new_id()[:8]}",
            shipments=[],
            seen_gone={},
        )
        create = CreateTransferOrder(
            transfer_order_id=saved.transfer_order_id,
            sales_order_id=saved.sales_order_id,
            purchase_order_id=saved.purchase_order_id,
            source_warehouse_id=self.seller.main,
            destination_warehouse_id=self.seller.fba,
            lines=_lines(plan),
        )
        main, fba = (
            self._load(StreamKind.WAREHOUSE, w) for w in (self.seller.main, self.seller.fba)
        )
        self.world.save(create_transfer_order(create, main, fba))
        job = f"job{new_id()[:8]}"
        po_id = saved.purchase_order_id
        start = po.StartSaveToAmazon(purchase_order_id=po_id, job_id=job)
        self._save_on(po_id, start)
        split: list[dict[str, int]] = [{} for _ in range(parts)]
        for sku, units in plan.items():
            for _ in range(units):
                part = split[self.rng.randrange(parts)]
                part[sku] = part.get(sku, 0) + 1
        for part in (p for p in split if p):
            self._tick()
            shipment_id = self.world.discover(part)
            saved.shipments.append(shipment_id)
            saved.seen_gone[shipment_id] = False
            decision = bind_saved_shipment(
                self._load(StreamKind.SHIPMENT, shipment_id),
                self._load(StreamKind.PURCHASE_ORDER, po_id),
                job,
                self._load(StreamKind.TRANSFER_ORDER, saved.transfer_order_id),
                self._load(StreamKind.SALES_ORDER, saved.sales_order_id),
            )
            self.world.save(decision, actor="system:job")
            if reactor_between:  # it follows nothing of the order while the save goes on
                start_at = len(self.world.log)
                self.reactor_answers()
                mine = {saved.purchase_order_id, saved.sales_order_id}
                assert not [e for e in self.world.log[start_at:] if e.stream_id.entity_id in mine]
        self._save_on(po_id, po.EndSaveToAmazon(purchase_order_id=po_id, job_id=job))
        order = self._load(StreamKind.PURCHASE_ORDER, po_id)
        assert order.shipment_ids == tuple(saved.shipments) and order.saving_job_id is None
        self.saved = saved

    @precondition(lambda self: self.saved is not None and self.reacted == len(self.world.log))
    @rule()
    def mark_the_saved_order_shipped(self) -> None:
        """As a transfer's ship: the goods left, as of when Amazon showed them all gone if it
        did. (With the reactor caught up: Amazon's showing them all gone may have been true
        only for a while, and the order's shipping as of then is the reactor's to decide.)"""
        saved = self.saved
        assert saved is not None
        self._tick()
        sales = self._load(StreamKind.SALES_ORDER, saved.sales_order_id)
        purchase = self._load(StreamKind.PURCHASE_ORDER, saved.purchase_order_id)
        shipments = BoundShipments(
            tuple(self._load(StreamKind.SHIPMENT, sid) for sid in saved.shipments),
            tuple(0 for _ in saved.shipments),
        ).of_order(purchase)
        try:
            decision = mark_shipped(
                sales, purchase, self.world.clock.now(), shipments.left_source_at
            )
        except InvalidTransition:
            return  # shipped already, or released
        self.world.save(decision)
        saved.shipped = True

    @precondition(lambda self: self.saved is not None)
    @rule()
    def acknowledge_the_saved_order(self) -> None:
        assert self.saved is not None
        self._tick()
        with contextlib.suppress(DomainError):
            self._save_on(
                self.saved.purchase_order_id,
                po.AcknowledgeDiscrepancy(purchase_order_id=self.saved.purchase_order_id),
            )

    # The user's stock orders: to a vendor

    @precondition(lambda self: len(self.vendor_orders) < MAX_ORDERS)
    @rule(into_the_store=st.booleans(), plan=PLAN)
    def place_a_vendor_order(self, into_the_store: bool, plan: dict[str, int]) -> None:
        self._tick()
        destination = self.store if into_the_store else self.back_room
        order = StockOrder(
            purchase_order_id=f"po{self.world.ids.new_id()[:8]}",
            destination=destination,
            history=[(self.world.clock.now(), Acts(ordered=dict(plan)))],
        )
        command = PlacePurchaseOrder(
            purchase_order_id=order.purchase_order_id,
            vendor_id=self.vendor_id,
            destination_warehouse_id=destination,
            lines=_lines(plan),
        )
        vendor = self._load(StreamKind.VENDOR, self.vendor_id)
        self.world.save(
            place_purchase_order(command, vendor, self._load(StreamKind.WAREHOUSE, destination))
        )
        self.vendor_orders.append(order)

    @precondition(lambda self: self.vendor_orders)
    @rule(pick=PICK, plan=PLAN)
    def edit_a_vendor_order(self, pick: int, plan: dict[str, int]) -> None:
        self._tick()
        order = self._pick(self.vendor_orders, pick)
        acts = order.acts
        edit = po.EditPurchaseOrder(purchase_order_id=order.purchase_order_id, lines=_lines(plan))
        refused = acts.cancelled or acts.closed or any(acts.received.values())
        if self._decide(order, edit, refused):
            order.act(self.world.clock.now(), ordered=dict(plan))

    @precondition(lambda self: self.vendor_orders)
    @rule(pick=PICK, units=UNITS)
    def receive_a_vendor_order(self, pick: int, units: dict[str, int]) -> None:
        self._tick()
        order = self._pick(self.vendor_orders, pick)
        receipt = po.ReceiveUnits(
            purchase_order_id=order.purchase_order_id,
            units=units,
            received_at=self.world.clock.now(),
        )
        if self._decide(order, receipt, refused=order.acts.cancelled or order.acts.closed):
            order.act(self.world.clock.now(), received=_plus(order.acts.received, units))

    @precondition(lambda self: self.vendor_orders or self.transfers)
    @rule(pick=PICK)
    def close_an_order(self, pick: int) -> None:
        """Nothing more will come: a vendor's order, or a transfer's once it shipped."""
        self._tick()
        order = self._pick([*self.vendor_orders, *self.transfers], pick)
        acts = order.acts
        close = po.CloseReceiving(
            purchase_order_id=order.purchase_order_id, closed_at=self.world.clock.now()
        )
        not_shipped = order.source is not None and not acts.shipped
        if self._decide(order, close, refused=acts.cancelled or acts.closed or not_shipped):
            order.act(self.world.clock.now(), closed=True)

    @precondition(lambda self: self.vendor_orders or self.transfers)
    @rule(pick=PICK)
    def cancel_an_order(self, pick: int) -> None:
        """A vendor's order with nothing received; never a transfer's purchase order alone."""
        self._tick()
        order = self._pick([*self.vendor_orders, *self.transfers], pick)
        acts = order.acts
        withdraw = po.WithdrawPurchaseOrder(purchase_order_id=order.purchase_order_id, reason="x")
        refused = order.source is not None or (
            not acts.cancelled and (acts.closed or any(acts.received.values()))
        )
        if self._decide(order, withdraw, refused):
            order.act(self.world.clock.now(), cancelled=True)

    @precondition(lambda self: self.vendor_orders or self.transfers)
    @rule(pick=PICK)
    def acknowledge_a_discrepancy(self, pick: int) -> None:
        self._tick()
        order = self._pick([*self.vendor_orders, *self.transfers], pick)
        acts = order.acts
        acknowledge = po.AcknowledgeDiscrepancy(purchase_order_id=order.purchase_order_id)
        shortfall = {sku: acts.shortfall(sku) for sku in acts.skus() if acts.shortfall(sku)}
        if self._decide(order, acknowledge, refused=not acts.closed or not shortfall):
            order.act(self.world.clock.now(), written_off=_plus(acts.written_off, shortfall))

    # The user's stock orders: transfers between their own warehouses

    @precondition(lambda self: len(self.transfers) < MAX_ORDERS)
    @rule(from_the_store=st.booleans(), plan=PLAN)
    def create_a_transfer(self, from_the_store: bool, plan: dict[str, int]) -> None:
        self._tick()
        source, destination = (self.store, self.back_room)[:: 1 if from_the_store else -1]
        new_id = self.world.ids.new_id
        order = StockOrder(
            purchase_order_id=f"po{new_id()[:8]}",
            destination=destination,
            history=[(self.world.clock.now(), Acts(ordered=dict(plan)))],
            source=source,
            transfer_order_id=f"to{new_id()[:8]}",
            sales_order_id=f"so{new_id()[:8]}",
        )
        assert order.transfer_order_id is not None and order.sales_order_id is not None
        command = CreateTransferOrder(
            transfer_order_id=order.transfer_order_id,
            sales_order_id=order.sales_order_id,
            purchase_order_id=order.purchase_order_id,
            source_warehouse_id=source,
            destination_warehouse_id=destination,
            lines=_lines(plan),
        )
        load = self._load
        self.world.save(
            create_transfer_order(
                command, load(StreamKind.WAREHOUSE, source), load(StreamKind.WAREHOUSE, destination)
            )
        )
        self.transfers.append(order)

    @precondition(lambda self: self.transfers)
    @rule(pick=PICK)
    def ship_a_transfer(self, pick: int) -> None:
        """As the API's ship: `mark_shipped` on the sales order and its purchase order."""
        order = self._pick(self.transfers, pick)
        self._tick()
        sales, purchase = self._transfer_orders(order)
        try:
            decision = mark_shipped(sales, purchase, self.world.clock.now())
        except InvalidTransition as refused:
            assert order.acts.shipped, refused
            return
        assert not order.acts.shipped
        self.world.save(decision)
        order.act(self.world.clock.now(), shipped=True)

    @precondition(lambda self: self.transfers)
    @rule(pick=PICK, units=UNITS)
    def receive_a_transfer(self, pick: int, units: dict[str, int]) -> None:
        """As the API's `receive_transfer`: the purchase order's receipt, then what was received
        over the sales order's own plan left the source too."""
        order = self._pick(self.transfers, pick)
        assert order.sales_order_id is not None
        self._tick()
        now = self.world.clock.now()
        sales, purchase = self._transfer_orders(order)
        receipt = po.ReceiveUnits(
            purchase_order_id=order.purchase_order_id, units=units, received_at=now
        )
        try:
            purchase_events = po.decide(receipt, purchase)
        except InvalidTransition as refused:
            assert type(refused) is InvalidTransition
            assert not order.acts.shipped or order.acts.closed, refused
            return
        assert order.acts.shipped and not order.acts.closed
        after = po.fold_onto(purchase, purchase_events)
        over_plan = so.FollowAmazonPlan(
            sales_order_id=order.sales_order_id,
            shipment_id=None,
            planned={line.sku: line.quantity for line in sales.lines},
            received={sku: line.quantity_received for sku, line in after.lines.items()},
            observed_at=now,
        )
        decision: Decision = {(StreamKind.PURCHASE_ORDER, order.purchase_order_id): purchase_events}
        if sales_events := so.decide(over_plan, sales):
            decision[(StreamKind.SALES_ORDER, order.sales_order_id)] = sales_events
        self.world.save(decision)
        order.act(now, received=_plus(order.acts.received, units))

    # Time and the reactor

    # The user's assemblies at the workshop

    @precondition(lambda self: len(self.kit_orders) < MAX_ORDERS)
    @rule(quantity=KITS)
    def order_kits(self, quantity: int) -> None:
        self._tick()
        order = KitOrder(assembly_order_id=f"ao{self.world.ids.new_id()[:8]}", quantity=quantity)
        command = ao.CreateAssemblyOrder(
            assembly_order_id=order.assembly_order_id,
            warehouse_id=self.workshop,
            product_id=product_id_for(KIT),
            quantity=quantity,
        )
        parts = {
            product_id_for(sku): self._load(StreamKind.PRODUCT, product_id_for(sku)) for sku in BILL
        }
        events = ao.create(
            command,
            self._load(StreamKind.WAREHOUSE, self.workshop),
            self._load(StreamKind.PRODUCT, product_id_for(KIT)),
            parts,
        )
        self.world.save({(StreamKind.ASSEMBLY_ORDER, order.assembly_order_id): events})
        self.kit_orders.append(order)

    @precondition(lambda self: self.kit_orders)
    @rule(pick=PICK, quantity=KITS)
    def receive_kits(self, pick: int, quantity: int) -> None:
        """On hand as the views have it (rebuilt from the log: current here)."""
        self._tick()
        order = self.kit_orders[pick % len(self.kit_orders)]
        figures = self._figures()
        on_hand = {sku: figures.of(self.workshop, sku).on_hand for sku in BILL}
        receipt = ao.ReceiveAssemblies(
            assembly_order_id=order.assembly_order_id, quantity=quantity, on_hand=on_hand
        )
        made = sum(o.received for o in self.kit_orders)
        short = any(
            PARTS_COUNTED[sku] - made * per_kit < quantity * per_kit
            for sku, per_kit in BILL.items()
        )
        expected: type[Exception] | None = (
            InvalidTransition
            if order.cancelled
            else InvalidCommand
            if quantity > order.open
            else ao.ComponentsShort
            if short
            else None
        )
        state = self._load(StreamKind.ASSEMBLY_ORDER, order.assembly_order_id)
        try:
            events = ao.decide(receipt, state)
        except DomainError as error:
            assert expected is not None and type(error) is expected, (error, expected)
            return
        assert expected is None, expected
        self.world.save({(StreamKind.ASSEMBLY_ORDER, order.assembly_order_id): events})
        order.received += quantity

    @precondition(lambda self: self.kit_orders)
    @rule(pick=PICK)
    def cancel_kits(self, pick: int) -> None:
        self._tick()
        order = self.kit_orders[pick % len(self.kit_orders)]
        command = ao.CancelAssemblyOrder(assembly_order_id=order.assembly_order_id, reason="x")
        state = self._load(StreamKind.ASSEMBLY_ORDER, order.assembly_order_id)
        refused = not order.cancelled and order.received >= order.quantity
        try:
            events = ao.decide(command, state)
        except InvalidTransition:
            assert refused
            return
        assert not refused
        if events:
            self.world.save({(StreamKind.ASSEMBLY_ORDER, order.assembly_order_id): events})
        order.cancelled = True

    @rule(minutes=st.sampled_from((1, 15, 120, 1440)))
    def time_passes(self, minutes: int) -> None:
        self.world.clock.advance(minutes)

    @rule()
    def reactor_answers(self) -> None:
        while self.reacted < len(self.world.log):
            self.world.reactor.react(self.world.log[self.reacted])
            self.reacted += 1

    # Invariants

    @invariant()
    def units_are_conserved_now_and_at_every_instant(self) -> None:
        """Every unit is at MAIN, on its way to or at FBA, or with a customer (shipped by
        Amazon, not returned), counting the units Amazon's adjustments added or took."""
        if self.reacted < len(self.world.log):
            return  # the reactor has not caught up: the books are behind, not wrong
        figures = self._figures()
        main, fba = self.seller.main, self.seller.fba
        for sku in SKUS:
            assert figures.of(main, sku).on_hand == STOCK - self._left(sku), sku
            now = (
                figures.of(main, sku),
                figures.of(fba, sku),
                self._with_customers(sku, None),
                self._adjusted(sku, None),
            )
            past = [
                (
                    figures.as_of(main, sku, at),
                    figures.as_of(fba, sku, at),
                    self._with_customers(sku, at),
                    self._adjusted(sku, at),
                )
                for at in self._instants(figures)
            ]
            for at_main, at_fba, out, adjusted in [now, *past]:
                assert at_main.on_hand + accounted(at_fba) + out == STOCK + adjusted, (
                    sku,
                    at_main,
                    at_fba,
                )
                assert at_main.committed == at_fba.on_order, (sku, at_main, at_fba)

    @invariant()
    def the_daily_sales_are_what_amazon_showed(self) -> None:
        expected: dict[tuple[str, str, date], SalesFigures] = {}

        def book(at: datetime, sku: str, figures: SalesFigures) -> None:
            key = (self.seller.fba, sku, day_of(at))
            expected[key] = expected.get(key, NO_SALES) + figures

        for order in self.customer_orders:
            if order.status is LineStatus.CANCELLED:
                assert order.cancelled_at is not None
                book(order.cancelled_at, order.sku, SalesFigures(cancelled=order.units))
            else:
                book(order.purchased_at, order.sku, SalesFigures(sold=order.units))
            for when, units in order.returns:
                book(when, order.sku, SalesFigures(returned=units))
        booked = {key: figures for key, figures in expected.items() if not figures.is_zero()}
        assert sales_days(self._figures().views) == booked

    @invariant()
    def the_saved_order_follows_all_its_shipments_as_one(self) -> None:
        """Ordered: the live shipments' plans summed; shipped exactly when the model says;
        received: Amazon's totals summed, from the shipping on; released only when every
        shipment is; once shipped, the sales order's units left MAIN."""
        saved = self.saved
        if self.reacted < len(self.world.log) or saved is None:
            return
        sales = self._load(StreamKind.SALES_ORDER, saved.sales_order_id)
        purchase = self._load(StreamKind.PURCHASE_ORDER, saved.purchase_order_id)
        live = self._live(saved)
        if not live and not saved.shipped:
            assert purchase.cancelled and sales.status is so.SalesOrderStatus.CANCELLED
            return
        assert not purchase.cancelled
        ordered = {
            s: line.quantity_ordered for s, line in purchase.lines.items() if line.quantity_ordered
        }
        assert ordered == _summed(self.world.amazon[sid].shipped for sid in live)
        assert purchase.shipped == saved.shipped
        assert (sales.status is so.SalesOrderStatus.SHIPPED) == saved.shipped
        booked = {
            s: line.quantity_received
            for s, line in purchase.lines.items()
            if line.quantity_received
        }
        received = _summed(self.world.amazon[sid].received for sid in saved.shipments)
        assert booked == (received if saved.shipped else {})
        ended = all(phase_of(self.world.amazon[sid].status) in ENDED for sid in live)
        assert purchase.closed == (saved.shipped and ended)

    @invariant()
    def the_purchase_order_received_amazons_last_totals(self) -> None:
        if self.reacted < len(self.world.log) or self.shipment_id not in self.world.reconciled:
            return
        purchase = self.seller.orders(self.shipment_id)[1]
        amazon = self.world.amazon[self.shipment_id]
        if purchase.cancelled:
            assert not self.goods_left and not any(amazon.received.values())
            return
        booked = {
            s: line.quantity_received
            for s, line in purchase.lines.items()
            if line.quantity_received
        }
        assert booked == {s: n for s, n in amazon.received.items() if n}

    @invariant()
    def replaying_the_stored_events_gives_the_same_states(self) -> None:
        """Of every stream appended to since the last step (the others are as they were)."""
        changed = {recorded.stream_id for recorded in self.world.log[self.replayed :]}
        self.replayed = len(self.world.log)
        streams: dict[StreamId, list[RecordedEvent]] = {}
        for recorded in self.world.log:
            if recorded.stream_id in changed:
                streams.setdefault(recorded.stream_id, []).append(recorded)
        for stream_id, events in streams.items():
            if KINDS[stream_id.kind].state is None:
                continue  # Amazon's inventory reports: no aggregate state
            evolve = evolver(stream_id.kind)
            live: object = None
            replayed: object = None
            for recorded in events:
                live = evolve(live, recorded.event)
                stored = json.loads(encode_event(recorded.event))
                replayed = evolve(replayed, decode_event(stored, stream_id.kind))
            assert replayed == live, stream_id
            loaded = self.world.aggregates.load(
                self.world.tenant_id, stream_id.kind, stream_id.entity_id
            )
            assert loaded.state == live, stream_id

    @invariant()
    def live_views_in_any_order_equal_a_rebuild(self) -> None:
        new = self.world.log[self.fed :]
        self.fed = len(self.world.log)
        again = self.rng.sample(self.world.log, k=min(3, len(self.world.log)))
        batch = [*new, *again]
        self.rng.shuffle(batch)
        for recorded in batch:
            self.live_projector.project(recorded)
        assert differences(self._figures().views.items(), self.live.items()) == []

    @invariant()
    def each_stock_order_is_what_the_user_did_to_it(self) -> None:
        for order in (*self.vendor_orders, *self.transfers):
            acts = order.acts
            purchase = self._load(StreamKind.PURCHASE_ORDER, order.purchase_order_id)
            assert isinstance(purchase, PurchaseOrder)
            assert not purchase.locked and not purchase.received_by_amazon
            lines = purchase.lines.values()
            assert {line.sku: line.quantity_ordered for line in lines if line.quantity_ordered} == (
                acts.ordered
            )
            assert {
                line.sku: line.quantity_received for line in lines if line.quantity_received
            } == (acts.received)
            assert {line.sku: line.written_off for line in lines if line.written_off} == (
                acts.written_off
            )
            assert (purchase.closed, purchase.cancelled) == (acts.closed, acts.cancelled)
            assert purchase.status is _status(acts)
            if order.source is None:
                continue
            sales, _ = self._transfer_orders(order)
            assert sales.status is (
                so.SalesOrderStatus.SHIPPED if acts.shipped else so.SalesOrderStatus.OPEN
            )
            assert purchase.shipped == acts.shipped
            units = {line.sku: line.units for line in sales.lines if line.units}
            assert units == {sku: acts.arrived_or_due(sku) for sku in acts.skus()}

    @invariant()
    def each_stock_order_contributed_what_it_should_at_every_instant(self) -> None:
        """Its ledger facts, folded as of every instant one of them or one of the user's acts is
        dated at, give what the order contributed then; and its units are conserved then."""
        facts = self._facts_by_order()
        for order in (*self.vendor_orders, *self.transfers):
            mine = facts.get(order.transfer_order_id or order.purchase_order_id, [])
            instants = sorted({*(when for when, _ in order.history), *(f.at for f in mine)})
            for at in instants:
                acts = order.as_of(at)
                figures = fold_by_place(fact for fact in mine if fact.at <= at)
                assert figures == order.expected(acts), (order.purchase_order_id, at)
                _assert_conserved(order, acts, figures)

    @invariant()
    def the_own_warehouses_hold_what_their_stock_orders_contribute(self) -> None:
        figures = self._figures()
        expected: dict[tuple[str, str], StockFigures] = {}
        for order in (*self.vendor_orders, *self.transfers):
            for place, contribution in order.expected(order.acts).items():
                expected[place] = expected.get(place, ZERO) + contribution
        for warehouse_id in (self.store, self.back_room):
            for sku in ORDER_SKUS:
                got = figures.of(warehouse_id, sku)
                assert got == expected.get((warehouse_id, sku), ZERO), (warehouse_id, sku)

    @invariant()
    def each_kit_order_is_what_the_user_did_to_it(self) -> None:
        for order in self.kit_orders:
            state = self._load(StreamKind.ASSEMBLY_ORDER, order.assembly_order_id)
            assert isinstance(state, ao.AssemblyOrder)
            assert (state.received, state.cancelled) == (order.received, order.cancelled)
            assert state.open_units == order.open

    @invariant()
    def kits_conserve_their_parts_now_and_at_every_instant(self) -> None:
        """Parts consumed = kits received x the bill's units; kits still to make on order and
        their parts committed; each movement of an assembly order says why."""
        figures = self._figures()
        made = sum(order.received for order in self.kit_orders)
        kit = figures.of(self.workshop, KIT)
        assert (kit.on_hand, kit.on_order) == (made, sum(o.open for o in self.kit_orders))
        to_make = sum(order.open for order in self.kit_orders)
        for sku, per_kit in BILL.items():
            part = figures.of(self.workshop, sku)
            assert part.on_hand == PARTS_COUNTED[sku] - made * per_kit, sku
            assert part.committed == to_make * per_kit, sku  # reserved for the kits to make
        for at in (at for at in figures.instants() if at >= self.parts_counted_at):
            kits = figures.as_of(self.workshop, KIT, at).on_hand
            for sku, per_kit in BILL.items():
                part = figures.as_of(self.workshop, sku, at).on_hand
                assert part + kits * per_kit == PARTS_COUNTED[sku], (sku, at, part, kits)
        orders = {order.assembly_order_id for order in self.kit_orders}
        reasons = {
            (fact.sku == KIT, fact.reason)
            for facts in self._facts_by_order().items()
            if facts[0] in orders
            for fact in facts[1]
        }
        assert reasons <= {(True, "assembly"), (False, "assembly_consumed")}, reasons

    def _a_workshop_with_parts(self) -> None:
        """The workshop, the kit and its parts (the bill set), and the parts counted there."""
        self.workshop = self.world.own_warehouse("Workshop")
        self.kit_orders: list[KitOrder] = []
        for sku in (KIT, *BILL):
            command = CreateProduct(sku=sku, name=sku)
            self.world.save(
                {(StreamKind.PRODUCT, command.product_id): product.decide(command, None)}
            )
        bill = SetComponents(
            product_id=product_id_for(KIT),
            components=tuple(
                ProductComponent(product_id=product_id_for(sku), quantity=n)
                for sku, n in BILL.items()
            ),
        )

        def bom(product_id: str) -> list[Component]:
            found = self._load(StreamKind.PRODUCT, product_id)
            return [Component(c.product_id, c.quantity) for c in found.components] if found else []

        events = product.decide_components(
            bill,
            self._load(StreamKind.PRODUCT, bill.product_id),
            lambda product_id: self._load(StreamKind.PRODUCT, product_id) is not None,
            bom,
        )
        self.world.save({(StreamKind.PRODUCT, bill.product_id): events})
        self._tick()
        self.parts_counted_at = self.world.clock.now()
        self.world.count(self.workshop, PARTS_COUNTED)

    def _adjusted(self, sku: str, at: datetime | None) -> int:
        """Units Amazon's adjustments added to FBA (removed when negative), as of `at`."""
        return sum(
            a.difference
            for a in self.adjustments
            if a.sku == sku and (at is None or a.reported_at <= at)
        )

    def _with_customers(self, sku: str, at: datetime | None) -> int:
        return sum(order.out(at) for order in self.customer_orders if order.sku == sku)

    def _read_customer_order(self, order: CustomerOrder) -> bool:
        """The sync reads the order as Amazon shows it now; whether it appended anything."""
        lines = {order.sku: (order.units, order.status)}
        return bool(
            self.customers.order(order.order_id, lines, self.seller.fba, order.purchased_at)
        )

    def _instants(self, figures: Figures) -> list[datetime]:
        """Every instant a movement is dated at, and every event's time."""
        return sorted({*figures.instants(), *(e.occurred_at for e in self.world.log)})

    # Stock orders

    def _load(self, kind: StreamKind, entity_id: str) -> Any:
        return self.world.aggregates.load(self.world.tenant_id, kind, entity_id).state

    def _pick(self, orders: list[StockOrder], pick: int) -> StockOrder:
        return orders[pick % len(orders)]

    def _transfer_orders(self, order: StockOrder) -> tuple[SalesOrder, PurchaseOrder]:
        sales = self._load(StreamKind.SALES_ORDER, order.sales_order_id or "")
        purchase = self._load(StreamKind.PURCHASE_ORDER, order.purchase_order_id)
        assert isinstance(sales, SalesOrder) and isinstance(purchase, PurchaseOrder)
        return sales, purchase

    def _decide(self, order: StockOrder, command: Command, refused: bool) -> bool:
        """Decide and save the user's command on the order's purchase order; False when it was
        refused, which must be exactly when the model says so (never as locked or Amazon's: no
        shipment and an own warehouse)."""
        state = self._load(StreamKind.PURCHASE_ORDER, order.purchase_order_id)
        try:
            events = po.decide(command, state)
        except InvalidTransition as error:
            assert type(error) is InvalidTransition, error
            assert refused, (command, error)
            return False
        assert not refused, command
        if events:
            self.world.save({(StreamKind.PURCHASE_ORDER, order.purchase_order_id): events})
        return True

    def _figures(self) -> Figures:
        """The views rebuilt from the log in order, once per log (every invariant reads them)."""
        if self.figures_of is None or self.figures_of[0] != len(self.world.log):
            rebuilt, _ = rebuild(self.world.store)
            self.figures_of = (len(self.world.log), Rebuilt(self.world, rebuilt))
        return self.figures_of[1]

    def _facts_by_order(self) -> dict[str, list[LedgerFact]]:
        """Ledger facts by order: a transfer's (both of its orders) by its id, a vendor's
        purchase order's by the order's id."""
        facts: dict[str, list[LedgerFact]] = {}
        for item in self._figures().views.items():
            if item.kind == LEDGER_KIND:
                fact = item.parse(LedgerFact)
                key = fact.transfer_order_id or fact.order_id or ""
                facts.setdefault(key, []).append(fact)
        return facts

    # The physical world

    def _tick(self) -> None:
        """Every act at its own minute: at one instant, a count and a shipment have no order."""
        self.world.clock.advance(1)

    def _shipment(self, which: int) -> str:
        if which == 0 or self.saved is None:
            return self.shipment_id
        return self.saved.shipments[which % len(self.saved.shipments)]

    def _observe_amazon(self, shipment_id: str) -> None:
        amazon = self.world.amazon[shipment_id]
        gone = phase_of(amazon.status) in GOODS_LEFT_PHASES or any(amazon.received.values())
        if shipment_id == self.shipment_id:
            self.goods_left = self.goods_left or gone
            return
        saved = self.saved
        assert saved is not None
        saved.seen_gone[shipment_id] = saved.seen_gone[shipment_id] or gone
        live = self._live(saved)
        if not saved.shipped and live:
            saved.shipped = all(saved.seen_gone[sid] for sid in live)

    def _live(self, saved: SavedOrder) -> list[str]:
        """The saved order's shipments that hold units: not cancelled before their goods were
        seen gone (the user's word that they left stands while Amazon saw none of them go)."""
        anyone_gone = any(saved.seen_gone.values())
        return [
            sid
            for sid in saved.shipments
            if phase_of(self.world.amazon[sid].status) is not ShipmentPhase.CANCELLED
            or saved.seen_gone[sid]
            or (saved.shipped and not anyone_gone)
        ]

    def _saved_partly_gone(self) -> bool:
        saved = self.saved
        return (
            saved is not None
            and not saved.shipped
            and any(saved.seen_gone[sid] for sid in self._live(saved))
        )

    def _left(self, sku: str) -> int:
        """Units of `sku` that left MAIN: once the goods went, Amazon's plan, or what Amazon
        received when it is more. Nothing left while the shipment was not reconciled (the
        seller shipped someone else's stock, as far as MAIN is concerned). The saved order's:
        once shipped, its live shipments' plans or all they received, when that is more."""
        amazon = self.world.amazon[self.shipment_id]
        left = 0
        if self.goods_left and self.shipment_id in self.world.reconciled:
            left = max(amazon.shipped.get(sku, 0), amazon.received.get(sku, 0))
        saved = self.saved
        if saved is not None and saved.shipped:
            planned = sum(self.world.amazon[sid].shipped.get(sku, 0) for sid in self._live(saved))
            received = sum(self.world.amazon[sid].received.get(sku, 0) for sid in saved.shipments)
            left += max(planned, received)
        return left

    def _save_on(self, purchase_order_id: str, command: Command) -> None:
        state = self._load(StreamKind.PURCHASE_ORDER, purchase_order_id)
        if events := po.decide(command, state):
            self.world.save({(StreamKind.PURCHASE_ORDER, purchase_order_id): events})


def _status(acts: Acts) -> PurchaseOrderStatus:
    missing = any(acts.missing(sku) for sku in acts.skus())
    if acts.cancelled:
        return PurchaseOrderStatus.CANCELLED
    if acts.closed:
        return PurchaseOrderStatus.CLOSED_SHORT if missing else PurchaseOrderStatus.RECEIVED
    if not missing:
        return PurchaseOrderStatus.RECEIVED
    if any(acts.received.values()):
        return PurchaseOrderStatus.PARTIALLY_RECEIVED
    return PurchaseOrderStatus.OPEN


def _assert_conserved(order: StockOrder, acts: Acts | None, figures: Contribution) -> None:
    """The identities of `StockOrder.expected`, on the projected figures of one order."""
    skus = acts.skus() if acts else sorted({sku for _, sku in figures})
    for sku in skus:
        arriving = figures.get((order.destination, sku), ZERO)
        brought = 0 if acts is None or acts.cancelled else acts.arrived_or_due(sku)
        if order.source is None:  # from a vendor: never in transit
            assert arriving.in_transit == arriving.receiving == 0, (sku, arriving)
            assert (
                arriving.on_hand + arriving.on_order + arriving.discrepancy + arriving.written_off
                == brought
            ), (order.purchase_order_id, sku, arriving, acts)
            continue
        leaving = figures.get((order.source, sku), ZERO)
        left = -leaving.on_hand
        assert left == accounted(arriving), (order.transfer_order_id, sku, leaving, arriving)
        assert leaving.committed == arriving.on_order, (order.transfer_order_id, sku)
        assert left == (brought if acts is not None and acts.shipped else 0), (sku, left, acts)
        assert leaving.committed + left == brought, (sku, leaving, acts)


def _lines(plan: dict[str, int]) -> tuple[PurchaseLine, ...]:
    return tuple(PurchaseLine(sku=sku, quantity=units) for sku, units in plan.items())


def _summed(counts: Iterable[dict[str, int]]) -> dict[str, int]:
    total: dict[str, int] = {}
    for per_sku in counts:
        for sku, units in per_sku.items():
            total[sku] = total.get(sku, 0) + units
    return {sku: units for sku, units in total.items() if units}


def _plus(counts: dict[str, int], more: dict[str, int]) -> dict[str, int]:
    return {sku: counts.get(sku, 0) + more.get(sku, 0) for sku in sorted({*counts, *more})}


OrdersFollowAmazon.TestCase.settings = settings(
    max_examples=120,
    stateful_step_count=50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
test_orders_follow_amazon = OrdersFollowAmazon.TestCase
