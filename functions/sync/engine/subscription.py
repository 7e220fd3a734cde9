"""A connection's subscription to Amazon's FBA_INVENTORY_AVAILABILITY_CHANGES, made once with
the connection's own grant: the notifications consumer routes each message by the subscription
it came through, so a seller's figures reach exactly the connections whose grants subscribed."""

from pydantic import AwareDatetime

from domain.amazon_gateway import SUBSCRIBE, AmazonError, AmazonGateway
from domain.connection_events import Connection
from functions.connection_state.registry import ConnectionRegistry
from functions.connection_state.status import RunCounters
from functions.sync.engine.checkpoint import SyncCursor
from functions.sync.observability import logger


class InventorySubscription:
    def __init__(self, registry: ConnectionRegistry, destination_arn: str | None) -> None:
        self._registry = registry
        self._destination = destination_arn  # our notifications queue; None: not subscribing

    def ensure(
        self,
        tenant_id: str,
        connection: Connection,
        cursor: SyncCursor,
        gateway: AmazonGateway,
        counters: RunCounters,
        now: AwareDatetime,
    ) -> None:
        """Subscribe unless the cursor says it is done; a failure is logged and tried again by
        the next run (the sync itself goes on: polling still finds every change). Once
        subscribed, the registry entry follows the connection's marketplaces."""
        if self._destination is None:
            return
        if cursor.inventory_subscription_id is not None:
            if cursor.subscribed_marketplace_ids != list(connection.marketplace_ids):
                self._registry.subscribed(
                    cursor.inventory_subscription_id, tenant_id, connection, now
                )
                cursor.subscribed_marketplace_ids = list(connection.marketplace_ids)
            return
        counters.count(counters.calls, SUBSCRIBE)
        try:
            subscription_id = gateway.subscribe_to_inventory_changes(
                connection.marketplace_ids[0], self._destination
            )
        except AmazonError as failure:
            counters.count(counters.retried_errors, SUBSCRIBE)
            logger.warning(
                "subscribing to inventory notifications failed; the next run tries again",
                extra={"connection_id": connection.connection_id, "error": str(failure)},
            )
            return
        self._registry.subscribed(subscription_id, tenant_id, connection, now)
        cursor.inventory_subscription_id = subscription_id
        cursor.subscribed_marketplace_ids = list(connection.marketplace_ids)

    def stop(self, tenant_id: str, connection_id: str, cursor: SyncCursor) -> bool:
        """The connection was disconnected: Amazon's notifications no longer reach it (its next
        subscribing, once connected again, routes them anew). True when the cursor changed."""
        if cursor.inventory_subscription_id is None:
            return False
        self._registry.unsubscribed(cursor.inventory_subscription_id, tenant_id, connection_id)
        cursor.inventory_subscription_id = None
        cursor.subscribed_marketplace_ids = None
        return True
