"""Amazon's own FBA figures, read by the runs: getInventorySummaries (details=true) of every SKU of
a marketplace, page after page, at most every `inventory_summaries_minutes`, recorded as
`AmazonInventoryReported` (source "summaries") on the marketplace's FBA inventory stream.

Only SKUs whose figures changed, or were last recorded more than `confirm` ago, are recorded: a
fingerprint of each SKU's figures as last recorded, and when, is kept per marketplace (state
item `sync#{tenant}#{connection}` / `inventory#{marketplace}`, with the stream's version after
them). The periodic confirmation is what lets a difference with our ledger persist "past two
reads" (`domain/stock/drift.py`) when Amazon's figure does not move. A SKU something else
recorded since (a notification) is recorded again whatever its figures, so that the stream's
last word is Amazon's latest. Past `MAX_TRACKED_SKUS` (the item's size) further SKUs are
recorded at every read.

A listing that cannot be read whole (an unreadable page, paging that leads nowhere) records what
it read and is quarantined; its marketplace is read again by the next run. A refused nextToken
(they expire after 30 s) starts the listing again once.
"""

import hashlib
from datetime import timedelta
from functools import partial
from typing import Final

from pydantic import AwareDatetime, BaseModel

from domain.amazon_gateway import (
    GET_INVENTORY_SUMMARIES,
    AmazonRejected,
    AmazonUnreadable,
    InventoryPage,
    InventorySummary,
    MalformedRecord,
)
from domain.connection_terms import fba_warehouse_id
from domain.event_store import EventContext
from domain.inventory import AmazonInventoryReported
from domain.ports import Clock
from domain.sales.gateway import SellerReads
from functions.connection_state.keys import sync_pk
from functions.connection_state.status import RunCounters
from functions.shared.adapters.state_store import StateTable
from functions.shared.inventory_stream import InventoryRecorder
from functions.sync.engine.pacing import Pacer
from functions.sync.engine.quarantine import quarantine
from functions.sync.engine.recorder import SYNC_ACTOR, RunIdentity
from functions.sync.observability import SyncMetrics, logger

SUMMARIES_SOURCE: Final = "summaries"
MAX_TRACKED_SKUS: Final = 4_000  # ~60 bytes each: well inside DynamoDB's 400 KB item


class InventoryFingerprints(BaseModel):
    read_at: AwareDatetime | None = None
    version: int = 0  # the FBA inventory stream's version after our last records
    # SKU -> "<fingerprint of the figures last recorded>@<when, in minutes since the epoch>"
    skus: dict[str, str] = {}


class _Stopped(Exception):
    """The listing cannot be read whole."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class _TokenRefused(_Stopped):
    """Amazon refused a nextToken (they expire after 30 s)."""


class InventorySummariesSync:
    def __init__(
        self,
        run: RunIdentity,
        pacer: Pacer,
        table: StateTable,
        recorder: InventoryRecorder,
        counters: RunCounters,
        metrics: SyncMetrics,
        clock: Clock,
        every: timedelta,
        max_pages: int,
        confirm: timedelta,
    ) -> None:
        self._run = run
        self._pacer = pacer
        self._table = table
        self._recorder = recorder
        self._counters = counters
        self._metrics = metrics
        self._clock = clock
        self._every = every
        self._max_pages = max_pages
        self._confirm = confirm

    def run(self, marketplace_ids: tuple[str, ...]) -> None:
        for marketplace_id in marketplace_ids:
            tracked = self._tracked(marketplace_id)
            now = self._clock.now()
            if tracked.read_at is not None and now - tracked.read_at < self._every:
                continue
            try:
                summaries = self._read(marketplace_id)
            except _Stopped as stopped:
                problem = f"{stopped.detail}; the next run reads the marketplace again"
                record = MalformedRecord(
                    operation=GET_INVENTORY_SUMMARIES, reference="summaries", problem=problem
                )
                self._quarantine(marketplace_id, record)
                continue
            self._record(marketplace_id, tracked, summaries, now)

    def _read(self, marketplace_id: str) -> list[InventorySummary]:
        """Every SKU's summary, in Amazon's order; a refused nextToken starts over once."""
        try:
            return self._pages(marketplace_id)
        except _TokenRefused:
            logger.info(
                "inventory nextToken refused; reading again", extra={"run_id": self._run.run_id}
            )
        return self._pages(marketplace_id)

    def _pages(self, marketplace_id: str) -> list[InventorySummary]:
        summaries: dict[str, InventorySummary] = {}
        seen: set[str] = set()
        token: str | None = None
        for _ in range(self._max_pages):
            try:
                page = self._pacer.call(
                    GET_INVENTORY_SUMMARIES,
                    partial(_summaries, marketplace_id=marketplace_id, token=token),
                )
            except AmazonUnreadable as unreadable:
                raise _Stopped(unreadable.detail) from None
            except AmazonRejected as refused:
                if token is None:
                    raise _Stopped(f"Amazon refused the request: {refused.detail}") from None
                raise _TokenRefused(f"Amazon refused a nextToken: {refused.detail}") from None
            for record in page.malformed:
                self._quarantine(marketplace_id, record)
            summaries.update((summary.sku, summary) for summary in page.summaries)
            token = page.next_token
            if not token or (not page.summaries and not page.malformed):
                return list(summaries.values())
            if token in seen:
                raise _Stopped("NextToken repeated")
            seen.add(token)
        raise _Stopped(f"more than {self._max_pages} pages")

    def _record(
        self,
        marketplace_id: str,
        tracked: InventoryFingerprints,
        summaries: list[InventorySummary],
        now: AwareDatetime,
    ) -> None:
        tenant, connection = self._run.tenant_id, self._run.connection_id
        warehouse_id = fba_warehouse_id(connection, marketplace_id)
        known = dict(tracked.skus)
        for recorded in self._recorder.events_after(tenant, warehouse_id, tracked.version):
            if isinstance(recorded.event, AmazonInventoryReported):
                known.pop(recorded.event.sku, None)  # someone else's word came after ours
        stale = _stamp(now - self._confirm)
        changed = [s for s in summaries if not _fresh(known.get(s.sku), _fingerprint(s), stale)]
        events = [
            AmazonInventoryReported(
                warehouse_id=warehouse_id,
                sku=summary.sku,
                fnsku=summary.fnsku,
                figures=summary.figures,
                reported_at=now,
                source=SUMMARIES_SOURCE,
            )
            for summary in changed
        ]
        context = EventContext(
            tenant_id=tenant,
            actor=SYNC_ACTOR,
            correlation_id=self._run.correlation_id,
            causation_id=self._run.run_id,
            occurred_at=now,
        )
        version = self._recorder.record_all(context, warehouse_id, events)
        for summary in changed:
            if summary.sku in known or len(known) < MAX_TRACKED_SKUS:
                known[summary.sku] = f"{_fingerprint(summary)}@{_stamp(now)}"
        self._counters.inventory_reported += len(events)
        fingerprints = InventoryFingerprints(read_at=now, version=version, skus=known)
        self._table.put(sync_pk(tenant, connection), _sk(marketplace_id), fingerprints)

    def _tracked(self, marketplace_id: str) -> InventoryFingerprints:
        key = sync_pk(self._run.tenant_id, self._run.connection_id)
        stored = self._table.get(key, _sk(marketplace_id), InventoryFingerprints)
        return InventoryFingerprints() if stored is None else stored.doc

    def _quarantine(self, marketplace_id: str, record: MalformedRecord) -> None:
        quarantine(self._counters, self._metrics, marketplace_id, record)


def _summaries(gateway: SellerReads, marketplace_id: str, token: str | None) -> InventoryPage:
    return gateway.inventory_summaries(marketplace_id, (), token)


def _sk(marketplace_id: str) -> str:
    return f"inventory#{marketplace_id}"


def _stamp(moment: AwareDatetime) -> int:
    return int(moment.timestamp() // 60)


def _fresh(held: str | None, fingerprint: str, stale: int) -> bool:
    """Whether the SKU was last recorded with these figures, and recently enough."""
    if held is None:
        return False
    recorded, _, at = held.partition("@")
    return recorded == fingerprint and at.isdigit() and int(at) > stale


def _fingerprint(summary: InventorySummary) -> str:
    text = f"{summary.fnsku}|{summary.figures.model_dump_json()}"
    return hashlib.sha256(text.encode()).hexdigest()[:16]
