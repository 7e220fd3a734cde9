"""One invocation's work on a connection: list what changed, add what is watched, read the items
of each (a backfill reads most of them by date first, see `backfill.py`), record it. Progress
lives in the plan (the checkpoint) and moves only after a shipment is recorded (or a feed page
spooled), so an `OutOfTime` or a crash anywhere leaves a plan the next invocation can resume.

What Amazon sends that cannot be read, or stored, is set aside and reported (quarantined), and
the run goes on: a malformed record, a shipment whose items cannot be read whole, a shipment
whose events the store or the domain refuses. A listing that stops short (an unreadable page,
its NextTokens leading nowhere, past its page cap) keeps what it listed; the marketplace is
listed again from the same start by the next run (its cursor does not move)."""

from domain.amazon_gateway import (
    AmazonRejected,
    AmazonUnreadable,
    MalformedRecord,
    ShipmentHeader,
    ShipmentQuery,
)
from domain.ports import Clock
from functions.connection_state.status import RunCounters
from functions.connection_state.watch_index import WatchedShipment, WatchIndex, watch_entry
from functions.sync.engine.amazon_reads import (
    Paging,
    PagingStopped,
    ShipmentItems,
    shipment_items,
    shipment_pages,
)
from functions.sync.engine.backfill import Backfill
from functions.sync.engine.checkpoint import MarketplaceProgress, SyncCheckpoint
from functions.sync.engine.pacing import Pacer
from functions.sync.engine.quarantine import quarantine
from functions.sync.engine.recorder import RECORD_SHIPMENT, RunIdentity, ShipmentRecorder
from functions.sync.engine.refusals import refusal
from functions.sync.observability import SyncMetrics, logger

HEADER_BATCH = 50  # ids per getShipments SHIPMENT query: one page, a short URL


class ShipmentSync:
    def __init__(
        self,
        run: RunIdentity,
        pacer: Pacer,
        recorder: ShipmentRecorder,
        watch: WatchIndex,
        watched: dict[str, WatchedShipment],
        counters: RunCounters,
        metrics: SyncMetrics,
        clock: Clock,
        window_days: int,
        backfill: Backfill,
        *,
        max_listing_pages: int,
        max_item_pages: int,
    ) -> None:
        self._run = run
        self._pacer = pacer
        self._recorder = recorder
        self._watch = watch
        self._watched = watched
        self._counters = counters
        self._metrics = metrics
        self._clock = clock
        self._window_days = window_days
        self._backfill = backfill
        self._max_listing_pages = max_listing_pages
        self._max_item_pages = max_item_pages

    def run_plan(self, plan: SyncCheckpoint) -> None:
        while plan.marketplaces:
            progress = plan.marketplaces[0]
            headers = self._list(plan, progress)
            if not progress.watch_added:
                progress.watched = [
                    sid
                    for sid, entry in sorted(self._watched.items())
                    if entry.marketplace_id == progress.marketplace_id
                    and sid not in progress.listed
                ]
                progress.watch_added = True
            self._backfill.read(progress)
            headers.update(self._headers_listed_earlier(plan, progress, headers))
            while progress.listed:
                shipment_id = progress.listed[0]
                self.sync_shipment(
                    progress.marketplace_id,
                    shipment_id,
                    headers.get(shipment_id),
                    self._backfill.items(progress, shipment_id),
                )
                progress.listed.pop(0)
            while progress.watched:
                self.sync_shipment(progress.marketplace_id, progress.watched[0], None)
                progress.watched.pop(0)
            plan.marketplaces.pop(0)

    def run_targeted(self, shipment_ids: list[str]) -> None:
        """Only the items of these shipments (a notification said their SKUs moved), those still
        watched under the connection's window: the notifications consumer does not know the
        window and asks for every shipment of the index carrying the SKU."""
        while shipment_ids:
            if shipment_ids[0] in self._watched:
                state = self._recorder.current(self._run.tenant_id, shipment_ids[0])
                if state is not None and state.connection_id == self._run.connection_id:
                    self.sync_shipment(state.marketplace_id, shipment_ids[0], None)
            shipment_ids.pop(0)

    def sync_shipment(
        self,
        marketplace_id: str,
        shipment_id: str,
        header: ShipmentHeader | None,
        items: ShipmentItems | None = None,
    ) -> None:
        """Record the shipment with `items` (from a backfill's feed), or with its items read now."""
        if items is None:
            items = shipment_items(self._pacer, marketplace_id, shipment_id, self._max_item_pages)
        for record in items.malformed:
            self._quarantine(marketplace_id, record)
        try:
            recorded = self._recorder.record(
                self._run, marketplace_id, shipment_id, header, items.lines
            )
        except Exception as failure:
            problem = refusal(failure)
            if problem is None:
                raise
            self._set_aside(marketplace_id, shipment_id, problem)
            return
        if recorded is None:
            logger.warning(
                "no header for a shipment never seen before", extra={"shipment_id": shipment_id}
            )
            return
        self._counters.shipments_seen += 1
        self._counters.events_appended += recorded.appended
        # `before`: the entry if watched under the current window. One kept outside it (for a
        # longer window later) is written again, unchanged, should its shipment be synced.
        before = self._watched.get(shipment_id)
        now = self._clock.now()
        after = watch_entry(recorded.state, now)
        tenant, connection = self._run.tenant_id, self._run.connection_id
        self._watch.update(tenant, connection, shipment_id, before, after)
        if after is not None and after.watched_at(now, self._window_days):
            self._watched[shipment_id] = after
        else:
            self._watched.pop(shipment_id, None)

    def _list(
        self, plan: SyncCheckpoint, progress: MarketplaceProgress
    ) -> dict[str, ShipmentHeader]:
        headers: dict[str, ShipmentHeader] = {}
        if progress.listing_done:
            return headers
        query = ShipmentQuery(
            marketplace_id=progress.marketplace_id,
            updated_after=progress.updated_after,
            updated_before=plan.updated_before,
        )
        try:
            self._read_listing(plan, query, progress, headers)
        except AmazonRejected:
            if progress.listing_token is None:
                raise
            # The saved NextToken expired: list again from the start (recording is idempotent).
            logger.info("listing token refused; listing again", extra={"run_id": self._run.run_id})
            progress.listing_token = None
            self._read_listing(plan, query, progress, headers)
        progress.listing_done = True
        progress.listing_token = None
        return headers

    def _read_listing(
        self,
        plan: SyncCheckpoint,
        query: ShipmentQuery,
        progress: MarketplaceProgress,
        headers: dict[str, ShipmentHeader],
    ) -> None:
        """The listing's pages, counted across the run's invocations; one that cannot be read,
        and paging that leads nowhere, end it short (see `_listing_stopped`)."""
        paging = Paging(self._max_listing_pages, progress.listing_token, progress.listing_pages)
        try:
            for page in shipment_pages(self._pacer, query, paging):
                for record in page.malformed:
                    self._quarantine(progress.marketplace_id, record)
                for header in page.shipments:
                    headers[header.shipment_id] = header
                    if header.shipment_id not in progress.listed:
                        progress.listed.append(header.shipment_id)
                progress.listing_token = page.next_token
                progress.listing_pages += 1
        except (AmazonUnreadable, PagingStopped) as stopped:
            where = f"listing page {progress.listing_pages + 1}"
            self._listing_stopped(plan, progress.marketplace_id, where, stopped)

    def _headers_listed_earlier(
        self,
        plan: SyncCheckpoint,
        progress: MarketplaceProgress,
        known: dict[str, ShipmentHeader],
    ) -> dict[str, ShipmentHeader]:
        """Headers of shipments a previous invocation listed: asked again by id. A shipment
        whose header cannot be read is recorded from what we hold (or, never seen, not yet)."""
        missing = [sid for sid in progress.listed if sid not in known]
        headers: dict[str, ShipmentHeader] = {}
        for start in range(0, len(missing), HEADER_BATCH):
            chunk = tuple(missing[start : start + HEADER_BATCH])
            query = ShipmentQuery(marketplace_id=progress.marketplace_id, shipment_ids=chunk)
            try:
                for page in shipment_pages(self._pacer, query, Paging(self._max_listing_pages)):
                    headers.update((header.shipment_id, header) for header in page.shipments)
            except (AmazonUnreadable, PagingStopped) as stopped:
                where = f"headers of {chunk[0]} and {len(chunk) - 1} more"
                self._listing_stopped(plan, progress.marketplace_id, where, stopped)
        return headers

    def _listing_stopped(
        self,
        plan: SyncCheckpoint,
        marketplace_id: str,
        where: str,
        stopped: AmazonUnreadable | PagingStopped,
    ) -> None:
        """What was listed is synced; the next run lists the marketplace's window again (its
        cursor stays), and the status says why."""
        problem = f"{stopped.detail}; the listing stopped there, the next run lists it again"
        record = MalformedRecord(operation=stopped.operation, reference=where, problem=problem)
        self._quarantine(marketplace_id, record)
        if marketplace_id not in plan.relist:
            plan.relist.append(marketplace_id)
        logger.warning(
            "listing stopped short",
            extra={"run_id": self._run.run_id, "marketplace_id": marketplace_id, "at": where},
        )

    def _set_aside(self, marketplace_id: str, shipment_id: str, problem: str) -> None:
        """A shipment whose events cannot be written: nothing of it is stored, the run goes on
        (failing it would fail every retry, and stall the connection's later jobs too)."""
        record = MalformedRecord(
            operation=RECORD_SHIPMENT,
            reference=shipment_id,
            problem=problem,
            shipment_id=shipment_id,
        )
        self._quarantine(marketplace_id, record)
        logger.warning(
            "shipment set aside: its events cannot be written",
            extra={"run_id": self._run.run_id, "shipment_id": shipment_id, "problem": problem},
        )

    def _quarantine(self, marketplace_id: str, record: MalformedRecord) -> None:
        quarantine(self._counters, self._metrics, marketplace_id, record)
