"""Turning "this SKU's inventory moved" into a targeted re-poll of the items of the seller's
watched shipments carrying the SKU (Amazon names no shipment), at most once a minute per
shipment: a conditional put with a TTL claims each shipment; the job carries the winners."""

from collections.abc import Callable
from datetime import timedelta

from pydantic import AwareDatetime, BaseModel

from functions.connection_state.registry import RegisteredConnection
from functions.connection_state.sync_jobs import SyncJob, SyncReason
from functions.connection_state.watch_index import LONGEST_WATCH_WINDOW_DAYS, WatchIndex
from functions.notifications.keys import repoll_pk
from functions.shared.adapters.state_store import StateTable

DEBOUNCE = timedelta(minutes=1)
# The registry does not carry the connection's watch window: read the index under the longest
# one a connection may set. The worker applies the connection's window before reading items.
WATCH_WINDOW_DAYS = LONGEST_WATCH_WINDOW_DAYS


class RepollMarker(BaseModel):
    requested_at: AwareDatetime


class Repolls:
    def __init__(
        self, table: StateTable, watch: WatchIndex, enqueue: Callable[[SyncJob], object]
    ) -> None:
        self._table = table
        self._watch = watch
        self._enqueue = enqueue

    def request(
        self,
        connection: RegisteredConnection,
        sku: str,
        marketplace_ids: set[str],
        now: AwareDatetime,
        correlation_id: str,
    ) -> tuple[str, ...]:
        """Queue a re-poll of the shipments to read now; returns their ids (none: debounced)."""
        tenant, connection_id = connection.tenant_id, connection.connection_id
        entries = self._watch.entries(tenant, connection_id, now, WATCH_WINDOW_DAYS)
        carrying = sorted(
            sid
            for sid, entry in entries.items()
            if sku in entry.skus and entry.marketplace_id in marketplace_ids
        )
        pk = repoll_pk(tenant, connection_id)
        expires_at, epoch = int((now + DEBOUNCE).timestamp()), int(now.timestamp())
        marker = RepollMarker(requested_at=now)
        due = tuple(
            sid
            for sid in carrying
            if self._table.put_if_absent(pk, sid, marker, expires_at=expires_at, now=epoch)
        )
        if not due:
            return ()
        job = SyncJob(
            tenant_id=tenant,
            connection_id=connection_id,
            reason=SyncReason.NOTIFICATION,
            requested_at=now,
            shipment_ids=due,
            correlation_id=correlation_id,
        )
        try:
            self._enqueue(job)
        except Exception:
            for sid in due:  # let the redelivered notification ask again
                self._table.delete(pk, sid)
            raise
        return due
