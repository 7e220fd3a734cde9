"""How the sync paces and bounds itself. Defaults suit Amazon; env variables may override."""

import os
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator


class SyncTuning(BaseModel):
    model_config = ConfigDict(frozen=True, populate_by_name=True)

    lookback_days: int = Field(365, ge=1, alias="SYNC_LOOKBACK_DAYS")  # a connection's first run
    overlap_minutes: int = Field(10, ge=0, alias="SYNC_OVERLAP_MINUTES")
    # Kept free at the end of an invocation to save the checkpoint and queue the rest.
    reserve_seconds: float = Field(15.0, ge=0, alias="SYNC_RESERVE_SECONDS")
    # The longest one SP-API call may take, all of it (connect, headers, body, and the LWA token
    # it may need; not per read): never start one that cannot end.
    call_seconds: float = Field(10.0, gt=0, alias="SYNC_CALL_SECONDS")
    # The most one answer may hold: a larger one is not read, and is set aside as unreadable.
    max_response_bytes: int = Field(10_000_000, ge=1_024, alias="SYNC_MAX_RESPONSE_BYTES")
    # Pages one listing may take in a run (a marketplace's shipments, across continuations; a
    # backfill's items feed): past it (or on a NextToken seen before) the listing stops, the
    # status says why, and the next run lists that window again.
    max_listing_pages: int = Field(2_000, ge=1, alias="SYNC_MAX_LISTING_PAGES")
    # Pages of one shipment's items: past it (or on a repeated NextToken) its lines are set aside.
    max_item_pages: int = Field(100, ge=1, alias="SYNC_MAX_ITEM_PAGES")
    max_attempts: int = Field(6, ge=1, alias="SYNC_MAX_ATTEMPTS")  # per call, on 429/5xx
    max_backoff_seconds: float = Field(20.0, gt=0, alias="SYNC_MAX_BACKOFF_SECONDS")
    # Only the local simulator runs faster than Amazon's published rates.
    rate_scale: float = Field(1.0, gt=0, alias="SYNC_RATE_SCALE")
    secret_max_age_seconds: int = Field(300, ge=0, alias="SYNC_SECRET_MAX_AGE_SECONDS")
    checkpoint_ttl_hours: int = Field(24, ge=1, alias="SYNC_CHECKPOINT_TTL_HOURS")
    # A backfill (a marketplace's first listing) reads items by date, many shipments a page...
    backfill_feed: bool = Field(True, alias="SYNC_BACKFILL_FEED")
    # ...when it lists at least this many: fewer are read per shipment within the burst anyway.
    feed_min_shipments: int = Field(10, ge=1, alias="SYNC_FEED_MIN_SHIPMENTS")

    # Sales from Amazon's order and returns reports (docs/amazon-sales.md), read by each
    # scheduled run of a connection.
    sales_reads: bool = Field(True, alias="SYNC_SALES_READS")
    # Amazon's order reports reach 30 days at most: a backfill is windows of this many days.
    report_window_days: int = Field(30, ge=1, le=30, alias="SYNC_REPORT_WINDOW_DAYS")
    # The incremental order report starts this much before the last one ended: Amazon lists an
    # order up to 30 minutes late (and by when it became eligible, not when it was created).
    sales_overlap_minutes: int = Field(60, ge=30, alias="SYNC_SALES_OVERLAP_MINUTES")
    # How far the orders recorded reach, as told to the drift check, is this much before the
    # last order report's end (Amazon lists an order up to 30 minutes late).
    sales_lateness_minutes: int = Field(30, ge=0, alias="SYNC_SALES_LATENESS_MINUTES")
    # Returns reports: at most every so many minutes, over the last so many days (overlapping).
    returns_every_minutes: int = Field(360, ge=0, alias="SYNC_RETURNS_EVERY_MINUTES")
    returns_days: int = Field(3, ge=1, le=30, alias="SYNC_RETURNS_DAYS")
    # How long one run may pace a backfill (createReport's tokens, Amazon's processing) before
    # it ends and queues the next (`sales_backfill`): the connection's shipments are synced
    # between them, never held behind a backfill. Divided by rate_scale, like the rates.
    sales_wait_seconds: float = Field(10.0, gt=0, alias="SYNC_SALES_WAIT_SECONDS")
    # How often a report in processing is asked about (divided by rate_scale, like the rates).
    report_poll_seconds: float = Field(30.0, gt=0, alias="SYNC_REPORT_POLL_SECONDS")
    # A report Amazon has not finished after this long is dropped and requested again, at most
    # `report_max_attempts` times in all; then its window is given up (quarantined, reported).
    report_max_wait_minutes: float = Field(120.0, gt=0, alias="SYNC_REPORT_MAX_WAIT_MINUTES")
    report_max_attempts: int = Field(3, ge=1, alias="SYNC_REPORT_MAX_ATTEMPTS")
    # Rows of a report that could not be read, kept per connection (the newest) for this long.
    sales_quarantine_rows: int = Field(100, ge=1, le=300, alias="SYNC_SALES_QUARANTINE_ROWS")
    sales_quarantine_days: int = Field(30, ge=1, alias="SYNC_SALES_QUARANTINE_DAYS")
    # Amazon's own FBA figures (getInventorySummaries, every SKU) at most every so many minutes
    # per marketplace, by the runs; None ("off" in the environment): never (0: every run).
    inventory_summaries_minutes: int | None = Field(
        60, ge=0, alias="SYNC_INVENTORY_SUMMARIES_MINUTES"
    )
    # A SKU whose figures did not change is recorded again after this long: Amazon confirming a
    # figure is what makes a difference with our ledger persist (the drift check); 0: every read.
    inventory_confirm_minutes: int = Field(240, ge=0, alias="SYNC_INVENTORY_CONFIRM_MINUTES")

    @field_validator("inventory_summaries_minutes", mode="before")
    @classmethod
    def _off(cls, value: Any) -> Any:
        return None if isinstance(value, str) and value.strip().lower() == "off" else value

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> "SyncTuning":
        source = os.environ if env is None else env
        return cls.model_validate({k: v for k, v in source.items() if k.startswith("SYNC_") and v})
