"""One SQS message of SP-API notifications: read it, deduplicate it, and for
FBA_INVENTORY_AVAILABILITY_CHANGES record Amazon's figures per marketplace of each connection the
message's subscription serves, and ask for a re-poll of the shipments carrying the SKU.

A message is routed by the subscription it came through (each connection subscribes with its own
grant), never by the `SellerId` inside it, which anyone can claim: a message of another
application is dropped, and so is one whose seller is not the connection's."""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from domain.connection_terms import fba_warehouse_id
from domain.event_store import EventContext
from domain.inventory import AmazonInventoryFigures, AmazonInventoryReported
from domain.ports import Clock
from functions.connection_state.registry import ConnectionRegistry, RegisteredConnection
from functions.notifications.claims import Claim, Claims, Outcome
from functions.notifications.envelope import (
    InventoryAvailabilityChanged,
    InventoryChangeNotification,
    MarketplaceInventory,
    read_notification,
)
from functions.notifications.repoll import Repolls
from functions.shared.inventory_stream import InventoryRecorder

ACTOR = "system:notifications"


class Handled(StrEnum):
    RECORDED = "recorded"
    DUPLICATE = "duplicate"
    UNKNOWN_TYPE = "unknown_type"
    UNKNOWN_SUBSCRIPTION = "unknown_subscription"
    FOREIGN_APPLICATION = "foreign_application"


class NotificationBusy(Exception):
    """Another delivery of this notification is being processed: try again later."""


@dataclass(frozen=True)
class Result:
    handled: Handled
    notification_type: str
    reports: int = 0
    repolled: tuple[str, ...] = ()


class NotificationConsumer:
    def __init__(
        self,
        claims: Claims,
        registry: ConnectionRegistry,
        recorder: InventoryRecorder,
        repolls: Repolls,
        clock: Clock,
        application_id: str,
    ) -> None:
        self._application_id = application_id
        self._claims = claims
        self._registry = registry
        self._recorder = recorder
        self._repolls = repolls
        self._clock = clock

    def handle(self, body: str) -> Result:
        """Raises MalformedNotification (the record fails, SQS redrives it to the DLQ)."""
        notification = read_notification(body)
        kind, envelope = notification.notification_type, notification.inventory_change
        if envelope is None:
            return Result(Handled.UNKNOWN_TYPE, kind)
        if envelope.metadata.application_id != self._application_id:
            return Result(Handled.FOREIGN_APPLICATION, kind)
        change = envelope.payload
        now = self._clock.now()
        claim = self._claims.claim(envelope.metadata.notification_id, int(now.timestamp()))
        if claim.outcome is Outcome.DUPLICATE:
            return Result(Handled.DUPLICATE, kind)
        if claim.outcome is Outcome.BUSY:
            raise NotificationBusy(f"notification {claim.notification_id} is being processed")
        subscribed = self._registry.connections_of_subscription(envelope.metadata.subscription_id)
        connections = [c for c in subscribed if c.seller_id == change.seller_id]
        reports, repolled = 0, tuple[str, ...]()
        for connection in connections:
            reports += self._record(connection, envelope, change, claim)
            wanted = {m.marketplace_id for m in change.by_marketplace}
            repolled += self._repolls.request(
                connection,
                change.sku,
                wanted & set(connection.marketplace_ids),
                now,
                claim.notification_id,
            )
        self._claims.done(claim, int(self._clock.now().timestamp()))
        handled = Handled.RECORDED if connections else Handled.UNKNOWN_SUBSCRIPTION
        return Result(handled, kind, reports, repolled)

    def _record(
        self,
        connection: RegisteredConnection,
        envelope: InventoryChangeNotification,
        change: InventoryAvailabilityChanged,
        claim: Claim,
    ) -> int:
        reported_at = envelope.event_time or envelope.metadata.publish_time or self._clock.now()
        context = EventContext(
            tenant_id=connection.tenant_id,
            actor=ACTOR,
            correlation_id=claim.notification_id,
            occurred_at=reported_at,
        )
        recorded = 0
        for entry in change.by_marketplace:
            if entry.marketplace_id not in connection.marketplace_ids:
                continue  # a marketplace of the region this connection does not sell in
            event = _reported(connection, entry, change, reported_at, claim.notification_id)
            planned_key = f"{connection.tenant_id}/{event.warehouse_id}"

            def plan(version: int, key: str = planned_key) -> None:
                self._claims.plan(claim, key, version, int(self._clock.now().timestamp()))

            recorded += self._recorder.record(context, event, claim.planned.get(planned_key), plan)
        return recorded


def _reported(
    connection: RegisteredConnection,
    entry: MarketplaceInventory,
    change: InventoryAvailabilityChanged,
    reported_at: datetime,
    notification_id: str,
) -> AmazonInventoryReported:
    inventory = entry.inventory
    return AmazonInventoryReported(
        warehouse_id=fba_warehouse_id(connection.connection_id, entry.marketplace_id),
        sku=change.sku,
        fnsku=change.fnsku,
        figures=AmazonInventoryFigures(
            fulfillable=inventory.fulfillable,
            inbound_working=inventory.inbound.working,
            inbound_shipped=inventory.inbound.shipped,
            inbound_receiving=inventory.inbound.receiving,
            reserved=inventory.reserved,
            unfulfillable=inventory.unfulfillable,
            researching=inventory.researching,
        ),
        reported_at=reported_at,
        source=f"notification:{notification_id}",
    )
