"""Where a run stands, saved when an invocation runs out of time (or fails) so that the next one
resumes there; and the per-marketplace cursor of the last completed run (the next date range)."""

from datetime import timedelta
from enum import StrEnum

from pydantic import AwareDatetime, BaseModel

from domain.connection_events import Connection
from functions.connection_state.keys import CHECKPOINT_SK, CURSOR_SK, sync_pk
from functions.connection_state.status import RunCounters
from functions.connection_state.sync_jobs import SyncJob, SyncReason
from functions.shared.adapters.state_store import StateTable


class FeedStage(StrEnum):
    PROBE = "probe"  # do items last updated before the window exist? Whose are they?
    ITEMS = "items"  # the window's items, spooled page by page
    DONE = "done"  # the spool holds the items of every shipment the feed covers


class FeedProgress(BaseModel):
    """A backfill's by-date items feed (see `backfill.py`); a page is counted once spooled."""

    stage: FeedStage = FeedStage.PROBE
    token: str | None = None  # the next page of the current stage
    pages: int = 0  # pages of the current stage read so far
    restarts: int = 0  # after a refused token; the spool is keyed by it
    updated_before: AwareDatetime | None = None  # the items' window end, set at its first page
    # Listed shipments with an item last updated before the window: read per shipment.
    older: list[str] = []
    # (first page, invocation) for each invocation that spooled pages of the current attempt: a
    # page's rows count only from the invocation that spooled it last (one that crashed after
    # spooling pages it never checkpointed may have left rows a later one did not overwrite).
    writers: list[tuple[int, str]] = []


class MarketplaceProgress(BaseModel):
    marketplace_id: str
    updated_after: AwareDatetime
    listing_token: str | None = None  # the next listing page to fetch
    listing_pages: int = 0  # listing pages read so far by the run (capped)
    listing_done: bool = False
    # Items still to read. Listed ones need their header again in a later invocation.
    listed: list[str] = []
    watched: list[str] = []
    watch_added: bool = False
    # A backfill (the marketplace's first listing) reads its items by date; None: per shipment.
    feed: FeedProgress | None = None


class SyncCheckpoint(BaseModel):
    run_id: str
    reason: SyncReason
    correlation_id: str
    started_at: AwareDatetime
    updated_before: AwareDatetime
    marketplaces: list[MarketplaceProgress]  # those not finished yet, the current one first
    counters: RunCounters
    # Marketplaces whose listing stopped short: their cursor stays, the next run lists again.
    relist: list[str] = []


class SyncCursor(BaseModel):
    listed_through: dict[str, AwareDatetime] = {}  # marketplace -> end of its last full listing
    # The connection's FBA_INVENTORY_AVAILABILITY_CHANGES subscription, once made.
    inventory_subscription_id: str | None = None
    # The marketplaces the subscription's registry entry names (the notifications consumer
    # records those only): written again when the connection's change.
    subscribed_marketplace_ids: list[str] | None = None


def new_plan(
    job: SyncJob,
    connection: Connection,
    cursor: SyncCursor,
    now: AwareDatetime,
    run_id: str,
    overlap: timedelta,
    lookback: timedelta,
    backfill_feed: bool = True,
) -> SyncCheckpoint:
    """A run from scratch: each marketplace listed from its last listing's end minus the overlap
    (Amazon's clock and ours disagree a little), or over the lookback on a first run: a backfill,
    whose items come from the by-date feed when `backfill_feed` (and the feed can vouch)."""
    return SyncCheckpoint(
        run_id=run_id,
        reason=job.reason,
        correlation_id=job.correlation_id or run_id,
        started_at=now,
        updated_before=now,
        marketplaces=[
            MarketplaceProgress(
                marketplace_id=marketplace_id,
                updated_after=(
                    cursor.listed_through[marketplace_id] - overlap
                    if marketplace_id in cursor.listed_through
                    else now - lookback
                ),
                feed=(
                    FeedProgress()
                    if backfill_feed and marketplace_id not in cursor.listed_through
                    else None
                ),
            )
            for marketplace_id in connection.marketplace_ids
        ],
        counters=RunCounters(),
    )


class CheckpointStore:
    def __init__(self, table: StateTable, ttl: timedelta) -> None:
        self._table = table
        self._ttl = ttl

    def get(self, tenant_id: str, connection_id: str) -> SyncCheckpoint | None:
        stored = self._table.get(sync_pk(tenant_id, connection_id), CHECKPOINT_SK, SyncCheckpoint)
        return None if stored is None else stored.doc

    def save(
        self, tenant_id: str, connection_id: str, checkpoint: SyncCheckpoint, now: AwareDatetime
    ) -> None:
        expires_at = int((now + self._ttl).timestamp())
        key = sync_pk(tenant_id, connection_id)
        self._table.put(key, CHECKPOINT_SK, checkpoint, expires_at=expires_at)

    def clear(self, tenant_id: str, connection_id: str) -> None:
        self._table.delete(sync_pk(tenant_id, connection_id), CHECKPOINT_SK)

    def cursor(self, tenant_id: str, connection_id: str) -> SyncCursor:
        stored = self._table.get(sync_pk(tenant_id, connection_id), CURSOR_SK, SyncCursor)
        return SyncCursor() if stored is None else stored.doc

    def save_cursor(self, tenant_id: str, connection_id: str, cursor: SyncCursor) -> None:
        self._table.put(sync_pk(tenant_id, connection_id), CURSOR_SK, cursor)
