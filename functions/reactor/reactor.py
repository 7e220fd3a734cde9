"""Keeping a reconciled shipment's orders in step with Amazon, one shipment event at a time.

The decision is `follow_shipment` on the aggregates' current states, so it is idempotent: a
redelivered or late event decides nothing new. Appends carry the triggering event as cause.
"""

from domain.event_store import EventContext, RecordedEvent
from domain.inbound_shipment.state import InboundShipment
from domain.messages import Decision
from domain.orders.follow_shipment import follow_shipment
from domain.orders.purchase_order import PurchaseOrder, PurchaseOrderShipped
from domain.streams import StreamKind
from functions.shared.aggregates import Aggregates, retry_on_conflict

ACTOR = "system:reactor"


class Reactor:
    def __init__(self, aggregates: Aggregates) -> None:
        self._aggregates = aggregates

    def react(self, recorded: RecordedEvent) -> Decision:
        """Append what the event calls for; returns what was appended ({} for nothing)."""
        shipment_id = self._shipment_of(recorded)
        if shipment_id is None:
            return {}
        return retry_on_conflict(lambda: self._follow(recorded, shipment_id))

    def _shipment_of(self, recorded: RecordedEvent) -> str | None:
        """The shipment whose orders may need to follow it after this event."""
        if recorded.stream_id.kind is StreamKind.SHIPMENT:
            return recorded.stream_id.entity_id
        if isinstance(recorded.event, PurchaseOrderShipped):
            # Goods marked shipped after Amazon already closed the shipment: close the order now.
            order: PurchaseOrder | None = self._aggregates.load(
                recorded.tenant_id, StreamKind.PURCHASE_ORDER, recorded.stream_id.entity_id
            ).state
            return order.shipment_id if order is not None else None
        return None

    def _follow(self, recorded: RecordedEvent, shipment_id: str) -> Decision:
        tenant = recorded.tenant_id
        shipment: InboundShipment | None = self._aggregates.load(
            tenant, StreamKind.SHIPMENT, shipment_id
        ).state
        if shipment is None or shipment.reconciliation is None:
            return {}
        reconciliation = shipment.reconciliation
        sales = self._aggregates.load(tenant, StreamKind.SALES_ORDER, reconciliation.sales_order_id)
        purchase = self._aggregates.load(
            tenant, StreamKind.PURCHASE_ORDER, reconciliation.purchase_order_id
        )
        if sales.state is None or purchase.state is None:
            return {}  # reconciling creates both in the same append: never seen in practice
        # Amazon's time, not the reaction's: the latest observation the decision reflects (or
        # the user's command that triggered it, when later), however late the reactor runs.
        at = max(shipment.last_observed_at, recorded.occurred_at)
        decision = follow_shipment(shipment, sales.state, purchase.state, at)
        if decision:
            context = EventContext(
                tenant_id=tenant,
                actor=ACTOR,
                correlation_id=recorded.correlation_id,
                causation_id=recorded.event_id,
                occurred_at=at,
            )
            versions = {
                (StreamKind.SALES_ORDER.value, reconciliation.sales_order_id): sales.version,
                (StreamKind.PURCHASE_ORDER.value, reconciliation.purchase_order_id): (
                    purchase.version
                ),
            }
            self._aggregates.save(context, decision, versions)
        return decision
