"""Keeping a reconciled shipment's orders in step with Amazon, one shipment event at a time,
and importing a shipment nobody reconciled by its connection's rule (`domain.orders.importing`).

The decision is `follow_shipment` on the shipment as that event left it and the orders' current
states; the orders record the shipment version they followed, so a redelivered or late event
decides nothing new. Appends carry the triggering event as cause and Amazon's time. An order a
save to Amazon split into several shipments follows one shipment's event combined with the
others as of the versions it followed of them; while the save goes on it follows nothing, and
the save's end follows them all.
"""

import time
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from domain.connection_events import Connection, OrderRule, OrderType
from domain.connection_events import evolve as evolve_connection
from domain.event_store import EventContext, RecordedEvent
from domain.inbound_shipment.state import InboundShipment, Reconciliation, fold
from domain.messages import Decision
from domain.streams import StreamId, StreamKind
from functions.shared.aggregates import Aggregates, retry_on_conflict

# The orders' code (about 45 ms of CPU at a cold start) is imported where a decision needs it:
# a shipment nobody reconciled and no rule imports decides without it.
if TYPE_CHECKING:
    from domain.orders.follow_shipment import BoundShipments
    from domain.orders.purchase_order import PurchaseOrder

ACTOR = "system:reactor"
# How long an import waits for a Save-to-Amazon job placing shipments of the same connection to
# bind them (it then fails the record, which the stream retries).
PLACING_WAIT_SECONDS = 30.0


class Placing(Protocol):
    def placing(self, tenant_id: str, connection_id: str, now: datetime) -> tuple[str, ...]:
        """The Save-to-Amazon jobs of the connection between confirming a placement and
        binding its shipments (`functions.connection_state.placing`)."""
        ...


class ImportDeferred(Exception):
    """A job is still placing shipments of this connection: the record is tried again."""


class Reactor:
    def __init__(
        self,
        aggregates: Aggregates,
        placing: Placing | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        """`placing` None: no Save-to-Amazon job ever places shipments (tests of following)."""
        self._aggregates = aggregates
        self._placing = placing
        self._sleep = sleep

    def react(self, recorded: RecordedEvent) -> Decision:
        """Append what the event calls for; returns what was appended ({} for nothing)."""
        shipment_id = self._shipment_of(recorded)
        if shipment_id is None:
            return {}
        return retry_on_conflict(
            lambda: self._import(recorded, shipment_id) or self._follow(recorded, shipment_id)
        )

    def _import(self, recorded: RecordedEvent, shipment_id: str) -> Decision:
        """An unreconciled shipment becomes what its connection's rule at discovery says; the
        reconcile is then followed when its own event comes through."""
        if recorded.stream_id.kind is not StreamKind.SHIPMENT:
            return {}
        tenant = recorded.tenant_id
        stream = StreamId(tenant_id=tenant, kind=StreamKind.SHIPMENT, entity_id=shipment_id)
        observations = self._aggregates.store.read(stream)
        shipment = fold([e.event for e in observations])
        if shipment is None or not shipment.importable:
            return {}
        rule = self._rule_at(tenant, shipment, discovered_at=observations[0].recorded_at)
        if rule.default_order_type is OrderType.NONE:
            return {}
        from domain.orders.importing import import_shipment
        from domain.orders.transfer import destination_of

        if self._waited_for_a_job(tenant, shipment.connection_id):
            return self._import(recorded, shipment_id)  # the job may have bound it meanwhile
        source_id = rule.default_source_warehouse_id
        source = (
            self._aggregates.load(tenant, StreamKind.WAREHOUSE, source_id).state
            if source_id
            else None
        )
        destination = self._aggregates.load(
            tenant, StreamKind.WAREHOUSE, destination_of(shipment)
        ).state
        decision = import_shipment(shipment, rule, source, destination)
        if decision:
            context = EventContext(
                tenant_id=tenant,
                actor=ACTOR,
                correlation_id=recorded.correlation_id,
                causation_id=recorded.event_id,
                occurred_at=recorded.occurred_at,
            )
            self._aggregates.save(
                context, decision, {(StreamKind.SHIPMENT.value, shipment_id): len(observations)}
            )
        return decision

    def _waited_for_a_job(self, tenant: str, connection_id: str) -> bool:
        """While a Save-to-Amazon job of the connection places shipments, a new shipment may be
        one it is about to bind: wait for the job (ImportDeferred if it takes too long). True
        when a job was waited for: the caller reads the shipment again."""
        if self._placing is None:
            return False
        waited = 0.0
        while self._placing.placing(tenant, connection_id, self._aggregates.clock.now()):
            if waited >= PLACING_WAIT_SECONDS:
                raise ImportDeferred(
                    f"a Save-to-Amazon job of connection {connection_id} is placing shipments"
                )
            self._sleep(1.0)
            waited += 1.0
        return waited > 0

    def _rule_at(
        self, tenant: str, shipment: InboundShipment, discovered_at: datetime
    ) -> OrderRule:
        """The connection's rule for the shipment's marketplace when its discovery was
        recorded (the settings recorded by then)."""
        stream = StreamId(
            tenant_id=tenant, kind=StreamKind.CONNECTION, entity_id=shipment.connection_id
        )
        connection: Connection | None = None
        for event in self._aggregates.store.read(stream):
            if event.recorded_at > discovered_at:
                break
            connection = evolve_connection(connection, event.event)
        return connection.rule_for(shipment.marketplace_id) if connection else OrderRule()

    def _shipment_of(self, recorded: RecordedEvent) -> str | None:
        """The shipment whose orders may need to follow it after this event."""
        if recorded.stream_id.kind is StreamKind.SHIPMENT:
            return recorded.stream_id.entity_id
        if recorded.stream_id.kind is not StreamKind.PURCHASE_ORDER:
            return None
        from domain.orders.purchase_order import PurchaseOrderSaveEnded, PurchaseOrderShipped

        if isinstance(recorded.event, PurchaseOrderShipped | PurchaseOrderSaveEnded):
            # Goods marked shipped after Amazon already closed the shipment: close the order now.
            # A save to Amazon ended: the order follows the shipments bound while it went on.
            order: PurchaseOrder | None = self._aggregates.load(
                recorded.tenant_id, StreamKind.PURCHASE_ORDER, recorded.stream_id.entity_id
            ).state
            return order.shipment_id if order is not None else None
        return None

    def _follow(self, recorded: RecordedEvent, shipment_id: str) -> Decision:
        """Follow the shipment as this event left it (a later observation is followed when its
        own event comes), so each change is dated by the observation that showed it. An order
        bound to several shipments follows this one combined with each other one as of the
        version it already followed of it (its changes since come with its own events)."""
        tenant = recorded.tenant_id
        observations = self._observations(tenant, shipment_id)
        latest = fold([e.event for e in observations])
        if latest is None or latest.reconciliation is None:
            return {}
        from domain.orders.follow_shipment import BoundShipments, follow_shipment

        reconciliation = latest.reconciliation
        purchase = self._aggregates.load(
            tenant, StreamKind.PURCHASE_ORDER, reconciliation.purchase_order_id
        )
        order = purchase.state
        if order is None or order.saving_job_id is not None:
            return {}  # (saving: the save's end follows every shipment bound by then)
        others = (
            {
                sid: self._observations(tenant, sid)
                for sid in order.shipment_ids
                if sid != shipment_id
            }
            if shipment_id in order.shipment_ids
            else {}
        )
        # None: a vendor's units, straight to FBA (a source set later extends one shipment's)
        sales_order_id = reconciliation.sales_order_id or next(
            (r.sales_order_id for r in _reconciliations(others.values()) if r.sales_order_id),
            None,
        )
        sales = (
            self._aggregates.load(tenant, StreamKind.SALES_ORDER, sales_order_id)
            if sales_order_id
            else None
        )
        if sales is not None and sales.state is None:
            return {}  # reconciling binds them in the same append: never seen in practice
        observed = _observed_version(recorded, observations)
        followed = order.followed_shipment_versions.get(shipment_id, 0)
        if recorded.stream_id.kind is StreamKind.SHIPMENT and observed <= followed:
            return {}  # a redelivered or late event: the orders already reflect a later one
        version = max(observed, followed)
        shipment = fold([e.event for e in observations if e.version <= version])
        if shipment is None or shipment.reconciliation is None:
            return {}  # this observation came before the reconcile: that event follows it
        shipments: BoundShipments | None = BoundShipments.one(shipment, version)
        for other_id, other in others.items():
            shipments = _with_other(shipments, recorded, other, order, other_id)
        if shipments is None:
            return {}  # another one was bound after this observation: its binding follows it
        # Amazon's time, not the reaction's: the observation the decision reflects, however late
        # the reactor runs; never before the sales order's latest movement (a user's command
        # since), because a count at the source replaces on hand: a movement dated before it,
        # decided after it, would vanish. The destination only sums, so its order does not matter.
        floor = sales.latest_at if sales else None
        observed_at = shipments.last_observed_at
        at = observed_at if floor is None else max(observed_at, floor)
        decision = follow_shipment(shipments, sales.state if sales else None, order, at)
        if decision:
            context = EventContext(
                tenant_id=tenant,
                actor=ACTOR,
                correlation_id=recorded.correlation_id,
                causation_id=recorded.event_id,
                occurred_at=at,
            )
            versions = {
                (StreamKind.PURCHASE_ORDER.value, reconciliation.purchase_order_id): (
                    purchase.version
                )
            }
            if sales is not None and sales_order_id:
                versions[(StreamKind.SALES_ORDER.value, sales_order_id)] = sales.version
            self._aggregates.save(context, decision, versions)
        return decision

    def _observations(self, tenant: str, shipment_id: str) -> list[RecordedEvent]:
        stream = StreamId(tenant_id=tenant, kind=StreamKind.SHIPMENT, entity_id=shipment_id)
        return self._aggregates.store.read(stream)


def _reconciliations(streams: Iterable[list[RecordedEvent]]) -> Iterator[Reconciliation]:
    for observations in streams:
        shipment = fold([e.event for e in observations])
        if shipment is not None and shipment.reconciliation is not None:
            yield shipment.reconciliation


def _with_other(
    shipments: "BoundShipments | None",
    recorded: RecordedEvent,
    observations: list[RecordedEvent],
    order: "PurchaseOrder",
    shipment_id: str,
) -> "BoundShipments | None":
    """Another shipment of the order, as of the version the order followed of it; one never
    followed yet (an event recorded before the save's end, which records them all), as it was
    known when this event's observation (or command) was made: never anything observed after
    it (the decision would be dated by that later observation, and this one's changes would
    land after what the user did in between, such as a count at the source). For a user's
    command: as known then, unless the order followed it further. None: not bound to the
    order by then."""
    if shipments is None:
        return None
    followed = order.followed_shipment_versions.get(shipment_id, 0)
    if recorded.stream_id.kind is StreamKind.SHIPMENT and followed:
        version = followed
    else:
        known = [e.version for e in observations if e.occurred_at <= recorded.occurred_at]
        version = max(max(known, default=0), followed)
    shipment = fold([e.event for e in observations if e.version <= version])
    if shipment is None or shipment.reconciliation is None:
        return None
    return shipments.with_shipment(shipment, version)


def _observed_version(recorded: RecordedEvent, observations: list[RecordedEvent]) -> int:
    """The shipment's version to follow for this event: once the whole observation behind it
    was recorded (one sync appends a status, its lines and receipts together); for a user's
    command, the shipment as it was known when the command was given."""
    if recorded.stream_id.kind is not StreamKind.SHIPMENT:
        known = [e.version for e in observations if e.occurred_at <= recorded.occurred_at]
        return max(known, default=0)
    end = recorded.version
    origin = (recorded.occurred_at, recorded.correlation_id, recorded.causation_id)
    for later in observations[recorded.version :]:
        if (later.occurred_at, later.correlation_id, later.causation_id) != origin:
            break
        end = later.version
    return end
