"""A backfill's items by date. A marketplace's first listing (a connection's first sync, or a
marketplace added to it later) lists every shipment of the lookback; rather than one
getShipmentItemsByShipmentId call per shipment, it reads the items of many shipments a page with
getShipmentItems by DATE_RANGE over the run's whole window (the listing's start to the moment the
feed starts).

Such a feed holds only the items last updated in its window, so it gives a shipment's whole item
set only when none of its items was last updated before the window. A shipment takes its lines
from the feed then, and only then: `observe` reads a line missing from a snapshot as removed.
Amazon's v0 answers carry no timestamps, so the feed has to prove it, in stages (`FeedStage`):

1. probe: the items last updated before the window (since `HISTORY_START`). An empty first page,
   one call, proves every listed shipment whole: the seller's history starts inside the window.
   Else the probe reads on, within `probe_budget` pages, and the listed shipments it meets are
   read per shipment; past the budget (a seller whose history runs far back) the backfill gives
   up the feed, having spent at most a tenth of the calls per-shipment reads take.
2. items: the window's items, spooled to the state table page by page: memory holds one page
   (and one shipment while recording), and a continuation resumes from the saved NextToken. An
   item updated after the window's end is in no page: the end is set when the feed starts.
3. done: each listed shipment takes its lines from the spool, in Amazon's order. One with no item
   there, one the probe met, and every one if the feed was given up are read per shipment, as are
   watched shipments and every shipment of an incremental run.

A malformed item whose ShipmentId reads makes its shipment's lines untrustworthy (kept as they
were, quarantined, as per-shipment reads do) and no other's; one whose ShipmentId does not read
could belong to any shipment, so the backfill gives up the feed and reads per shipment.

Spool rows (`feed#{tenant}#{connection}`, `{run}#{marketplace}#{restarts}#{shipment}#{page}`):
one per shipment and page, written with a plain put (a replayed page overwrites its rows) and
expiring with the checkpoint. A row counts only if the invocation that last spooled its page
wrote it (`FeedProgress.writers`): one that crashed between checkpoints may have left rows that
its replay, seeing the page without that shipment, did not overwrite.
"""

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Final

from pydantic import BaseModel

from domain.amazon_gateway import (
    GET_SHIPMENT_ITEMS,
    AmazonRejected,
    AmazonUnreadable,
    ItemPage,
    ItemQuery,
    MalformedRecord,
    ShipmentItem,
)
from domain.inbound_shipment.amazon import AmazonShipmentLine
from domain.ports import Clock
from functions.connection_state.keys import feed_pk
from functions.shared.adapters.state_store import StateTable
from functions.sync.engine.amazon_reads import (
    Paging,
    PagingStopped,
    ShipmentItems,
    updated_item_pages,
    whole_shipment,
)
from functions.sync.engine.checkpoint import FeedProgress, FeedStage, MarketplaceProgress
from functions.sync.engine.pacing import Pacer
from functions.sync.engine.recorder import RunIdentity
from functions.sync.engine.refusals import refusal
from functions.sync.observability import logger

# Older than any FBA inbound shipment: the probe's start.
HISTORY_START: Final = datetime(2006, 1, 1, tzinfo=UTC)
# Pages the probe may read per listed shipment (and at least one) before the feed is given up.
PROBE_PAGES_PER_SHIPMENT: Final = 0.1
# Refused NextTokens (expired between invocations) a feed restarts its stage after.
MAX_RESTARTS: Final = 2


def probe_budget(listed: int) -> int:
    return max(1, int(listed * PROBE_PAGES_PER_SHIPMENT))


class SpooledPage(BaseModel):
    """One shipment's items on one page of the feed."""

    writer: str  # the invocation that spooled it
    lines: list[AmazonShipmentLine] = []
    malformed: list[MalformedRecord] = []


class FeedSpool:
    def __init__(self, table: StateTable, ttl: timedelta, clock: Clock) -> None:
        self._table = table
        self._ttl = ttl
        self._clock = clock

    def put(
        self, run: RunIdentity, attempt: str, shipment_id: str, page: int, doc: SpooledPage
    ) -> None:
        expires_at = int((self._clock.now() + self._ttl).timestamp())
        sk = f"{attempt}#{shipment_id}#{page:06d}"
        self._table.put(feed_pk(run.tenant_id, run.connection_id), sk, doc, expires_at=expires_at)

    def pages(
        self, run: RunIdentity, attempt: str, shipment_id: str
    ) -> list[tuple[int, SpooledPage]]:
        """The shipment's rows, by page number."""
        prefix = f"{attempt}#{shipment_id}#"
        rows = self._table.query(
            feed_pk(run.tenant_id, run.connection_id), SpooledPage, sk_prefix=prefix
        )
        return sorted(((int(sk[len(prefix) :]), row.doc) for sk, row in rows), key=_page)


class _GiveUp(Exception):
    """The feed cannot vouch for the shipments' item sets: read them per shipment."""


class Backfill:
    def __init__(
        self,
        run: RunIdentity,
        pacer: Pacer,
        spool: FeedSpool,
        clock: Clock,
        writer: str,
        min_shipments: int,
        max_pages: int,
    ) -> None:
        """`max_pages`: a stage's cap, past which the feed is given up."""
        self._run = run
        self._pacer = pacer
        self._spool = spool
        self._clock = clock
        self._writer = writer  # this invocation
        self._min_shipments = min_shipments
        self._max_pages = max_pages
        self._older: dict[str, frozenset[str]] = {}  # FeedProgress.older, fixed once probed

    def read(self, progress: MarketplaceProgress) -> None:
        """Read the feed as far as it goes: on return it is done, or given up (None)."""
        feed = progress.feed
        if feed is None or feed.stage is FeedStage.DONE:
            return
        try:
            if feed.stage is FeedStage.PROBE:
                if len(progress.listed) < self._min_shipments:
                    progress.feed = None  # per shipment: all within the burst
                    return
                self._probe(progress, feed)
            self._spool_items(progress, feed)
        except _GiveUp as reason:
            logger.info(
                "backfill reads per shipment",
                extra={
                    "run_id": self._run.run_id,
                    "marketplace_id": progress.marketplace_id,
                    "reason": str(reason),
                },
            )
            progress.feed = None
            return
        logger.info(
            "backfill items read by date",
            extra={
                "run_id": self._run.run_id,
                "marketplace_id": progress.marketplace_id,
                "pages": feed.pages,
                "read_per_shipment": len(feed.older),
            },
        )

    def items(self, progress: MarketplaceProgress, shipment_id: str) -> ShipmentItems | None:
        """The shipment's lines from the feed, or None: read it per shipment."""
        feed = progress.feed
        if feed is None or feed.stage is not FeedStage.DONE:
            return None
        older = self._older.setdefault(progress.marketplace_id, frozenset(feed.older))
        if shipment_id in older:
            return None
        rows = [
            doc
            for page, doc in self._spool.pages(
                self._run, _attempt(self._run, progress), shipment_id
            )
            if doc.writer == _writer_of(feed, page)
        ]
        if not rows:
            return None  # none of its items in the window: the feed cannot vouch for it
        items = [
            ShipmentItem(shipment_id=shipment_id, line=line) for doc in rows for line in doc.lines
        ]
        malformed = [record for doc in rows for record in doc.malformed]
        return whole_shipment(shipment_id, GET_SHIPMENT_ITEMS, items, malformed)

    def _probe(self, progress: MarketplaceProgress, feed: FeedProgress) -> None:
        if progress.updated_after <= HISTORY_START:
            feed.stage = FeedStage.ITEMS  # the window starts before any item existed
            return
        listed = set(progress.listed)  # nothing is recorded before the feed is done
        older = set(feed.older)
        budget = probe_budget(len(listed))

        def query() -> ItemQuery:
            return ItemQuery(
                marketplace_id=progress.marketplace_id,
                updated_after=HISTORY_START,
                updated_before=progress.updated_after,
            )

        def restart() -> None:
            feed.older, feed.pages = [], 0
            older.clear()

        for page in self._stage_pages(feed, query, restart):
            met = {item.shipment_id for item in page.items}
            for record in page.malformed:
                if record.shipment_id is None:
                    raise _GiveUp("an item updated before the window has no readable ShipmentId")
                met.add(record.shipment_id)
            for shipment_id in sorted((met & listed) - older):
                older.add(shipment_id)
                feed.older.append(shipment_id)
            feed.pages += 1
            feed.token = page.next_token
            if feed.token and not page.is_empty and feed.pages >= budget:
                raise _GiveUp(f"items updated before the window fill over {budget} page(s)")
        feed.stage, feed.token, feed.pages = FeedStage.ITEMS, None, 0

    def _spool_items(self, progress: MarketplaceProgress, feed: FeedProgress) -> None:
        covered = set(progress.listed) - set(feed.older)

        def query() -> ItemQuery:
            if feed.updated_before is None:
                feed.updated_before = self._clock.now()
            return ItemQuery(
                marketplace_id=progress.marketplace_id,
                updated_after=progress.updated_after,
                updated_before=feed.updated_before,
            )

        def restart() -> None:  # a new attempt: rows of the last one no longer count
            feed.pages, feed.writers, feed.updated_before = 0, [], None

        for page in self._stage_pages(feed, query, restart):
            number = feed.pages
            if not feed.writers or feed.writers[-1][1] != self._writer:
                feed.writers.append((number, self._writer))
            spooled = _by_shipment(page, covered, self._writer)
            attempt = _attempt(self._run, progress)
            for shipment_id, doc in spooled.items():
                self._put(attempt, shipment_id, number, doc)
            feed.pages += 1
            feed.token = page.next_token
        feed.stage, feed.token = FeedStage.DONE, None

    def _put(self, attempt: str, shipment_id: str, page: int, doc: SpooledPage) -> None:
        try:
            self._spool.put(self._run, attempt, shipment_id, page, doc)
        except Exception as failure:
            problem = refusal(failure)
            if problem is None:
                raise
            raise _GiveUp(f"the spool refused a page: {problem}") from None

    def _stage_pages(
        self, feed: FeedProgress, query: Callable[[], ItemQuery], restart: Callable[[], None]
    ) -> Iterator[ItemPage]:
        """The stage's pages from its saved token; a refused token restarts the stage (it
        expired between invocations), a refused first page gives the feed up, as do an
        unreadable page and paging that leads nowhere (a repeated token, past the cap): what
        the feed read may then miss items of any shipment."""
        while True:
            paging = Paging(self._max_pages, feed.token, feed.pages)
            try:
                yield from updated_item_pages(self._pacer, query(), paging)
                return
            except (AmazonUnreadable, PagingStopped) as stopped:
                raise _GiveUp(f"the feed stopped short: {stopped}") from None
            except AmazonRejected as refused:
                if feed.token is None or feed.restarts >= MAX_RESTARTS:
                    raise _GiveUp(f"Amazon refused the feed: {refused.detail}") from None
                logger.info("feed token refused; reading the stage again")
                feed.restarts += 1
                feed.token = None
                restart()


def _by_shipment(page: ItemPage, covered: set[str], writer: str) -> dict[str, SpooledPage]:
    """A page's lines and malformed records of the covered shipments, by shipment."""
    spooled: dict[str, SpooledPage] = {}
    for item in page.items:
        if item.shipment_id in covered:
            spooled.setdefault(item.shipment_id, SpooledPage(writer=writer))
            spooled[item.shipment_id].lines.append(item.line)
    for record in page.malformed:
        if record.shipment_id is None:
            raise _GiveUp("an item has no readable ShipmentId")
        if record.shipment_id in covered:
            spooled.setdefault(record.shipment_id, SpooledPage(writer=writer))
            spooled[record.shipment_id].malformed.append(record)
    return spooled


def _attempt(run: RunIdentity, progress: MarketplaceProgress) -> str:
    """The spool's key for the rows of this run, marketplace and attempt of the feed."""
    restarts = progress.feed.restarts if progress.feed else 0
    return f"{run.run_id}#{progress.marketplace_id}#{restarts}"


def _writer_of(feed: FeedProgress, page: int) -> str | None:
    writer = None
    for first_page, who in feed.writers:
        if first_page > page:
            break
        writer = who
    return writer


def _page(row: tuple[int, SpooledPage]) -> int:
    return row[0]
