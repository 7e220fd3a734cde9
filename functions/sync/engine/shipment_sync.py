"""One invocation's work on a connection: list what changed, add what is watched, read the items
of each (a backfill reads most of them by date first, see `backfill.py`), record it. Progress
lives in the plan (the checkpoint) and moves only after a shipment is recorded (or a feed page
spooled), so an `OutOfTime` or a crash anywhere leaves a plan the next invocation can resume."""

from domain.amazon_gateway import AmazonRejected, MalformedRecord, ShipmentHeader, ShipmentQuery
from domain.ports import Clock
from functions.connection_state.status import QuarantinedRecord, RunCounters
from functions.connection_state.watch_index import WatchedShipment, WatchIndex, watch_entry
from functions.sync.engine.amazon_reads import ShipmentItems, shipment_items, shipment_pages
from functions.sync.engine.backfill import Backfill
from functions.sync.engine.checkpoint import MarketplaceProgress, SyncCheckpoint
from functions.sync.engine.pacing import Pacer
from functions.sync.engine.recorder import RunIdentity, ShipmentRecorder
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
            headers.update(self._headers_listed_earlier(progress, headers))
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
            items = shipment_items(self._pacer, marketplace_id, shipment_id)
        for record in items.malformed:
            self._quarantine(marketplace_id, record)
        recorded = self._recorder.record(
            self._run, marketplace_id, shipment_id, header, items.lines
        )
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
            self._read_listing(query, progress, headers)
        except AmazonRejected:
            if progress.listing_token is None:
                raise
            # The saved NextToken expired: list again from the start (recording is idempotent).
            logger.info("listing token refused; listing again", extra={"run_id": self._run.run_id})
            progress.listing_token = None
            self._read_listing(query, progress, headers)
        progress.listing_done = True
        progress.listing_token = None
        return headers

    def _read_listing(
        self,
        query: ShipmentQuery,
        progress: MarketplaceProgress,
        headers: dict[str, ShipmentHeader],
    ) -> None:
        for page in shipment_pages(self._pacer, query, progress.listing_token):
            for record in page.malformed:
                self._quarantine(progress.marketplace_id, record)
            for header in page.shipments:
                headers[header.shipment_id] = header
                if header.shipment_id not in progress.listed:
                    progress.listed.append(header.shipment_id)
            progress.listing_token = page.next_token

    def _headers_listed_earlier(
        self, progress: MarketplaceProgress, known: dict[str, ShipmentHeader]
    ) -> dict[str, ShipmentHeader]:
        """Headers of shipments a previous invocation listed: asked again by id."""
        missing = [sid for sid in progress.listed if sid not in known]
        headers: dict[str, ShipmentHeader] = {}
        for start in range(0, len(missing), HEADER_BATCH):
            chunk = tuple(missing[start : start + HEADER_BATCH])
            query = ShipmentQuery(marketplace_id=progress.marketplace_id, shipment_ids=chunk)
            for page in shipment_pages(self._pacer, query):
                headers.update((header.shipment_id, header) for header in page.shipments)
        return headers

    def _quarantine(self, marketplace_id: str, record: MalformedRecord) -> None:
        quarantined = QuarantinedRecord(
            marketplace_id=marketplace_id, **record.model_dump(exclude={"shipment_id"})
        )
        self._counters.quarantine(quarantined)
        self._metrics.quarantined(quarantined)
