"""A run's sales reads (docs/amazon-sales.md): plan the reports each marketplace needs, ask for
them, poll those Amazon is processing, read the documents of the finished ones and record their
orders and returns. Where it stands is `SalesState` (saved after every step), so an invocation
that runs out of time, or fails, leaves nothing to redo but the step it was in.

- A marketplace seen for the first time is backfilled: order reports by purchase date and both
  returns reports over the lookback, in windows of at most 30 days (Amazon's maximum for the
  order reports). A run paces the backfill (createReport's tokens, one a minute past the burst of
  15: the backfill's floor; Amazon's processing) for at most `sales_wait_seconds`, then ends and
  queues a `sales_backfill` run that goes on at once: the connection's other runs (its
  shipments) are never held behind a backfill, and the backfill keeps the floor's pace.
- Afterwards each run asks for the order report by last update from where the previous one
  ended, less `sales_overlap_minutes` (Amazon lists an order up to 30 minutes late), and every
  `returns_every_minutes` both returns reports over the last `returns_days` days. It does not
  wait for them: the next run polls them and records what finished.
- A report Amazon ends FATAL, or has not finished after `report_max_wait_minutes`, is dropped and
  asked for again, `report_max_attempts` times in all; then its window is given up. Either is
  counted (`reports_dropped`), logged, and a given-up window is quarantined (the status says so).
- A row that cannot be read is quarantined (the run's counters, a metric, and the row's text in
  the state table); the rest of its document is recorded.
"""

from collections.abc import Callable
from datetime import timedelta

from pydantic import AwareDatetime

from domain.amazon_gateway import AmazonRejected, AmazonUnreadable, MalformedRecord
from domain.connection_terms import fba_warehouse_id
from domain.event_store import EventContext
from domain.inventory import AmazonSalesReadThrough
from domain.ports import Clock
from domain.sales.gateway import (
    CREATE_REPORT,
    GET_REPORT,
    GET_REPORT_DOCUMENT,
    ProcessingStatus,
    ReportRows,
    ReportType,
)
from functions.connection_state.status import RunCounters
from functions.shared.inventory_stream import InventoryRecorder
from functions.sync.engine.deadline import Deadline
from functions.sync.engine.pacing import Pacer
from functions.sync.engine.quarantine import quarantine
from functions.sync.engine.recorder import SYNC_ACTOR, RunIdentity
from functions.sync.engine.refusals import refusal
from functions.sync.engine.sales_recorder import RECORD_ORDER, SalesRecorder
from functions.sync.engine.sales_state import (
    ORDER_REPORTS,
    RETURNS_REPORTS,
    MarketplaceSales,
    PendingReport,
    QuarantinedRow,
    ReportWindow,
    SalesState,
    SalesStore,
    windows,
)
from functions.sync.engine.settings import SyncTuning
from functions.sync.observability import SyncMetrics, logger

BACKFILL_REPORTS = (ReportType.ORDERS_BY_ORDER_DATE, *RETURNS_REPORTS)
# A report still processing is asked about after the poll interval, then twice, four, eight
# times as long.
MAX_POLL_BACKOFF = 8
# Recording a document's orders checks the deadline this often (one order is one load and at
# most one put).
DEADLINE_EVERY = 25


class SalesSync:
    def __init__(
        self,
        run: RunIdentity,
        pacer: Pacer,
        deadline: Deadline,
        store: SalesStore,
        recorder: SalesRecorder,
        counters: RunCounters,
        metrics: SyncMetrics,
        clock: Clock,
        tuning: SyncTuning,
        sleep: Callable[[float], None],
        inventory: InventoryRecorder,
    ) -> None:
        self._run = run
        self._inventory = inventory
        self._pacer = pacer
        self._deadline = deadline
        self._store = store
        self._recorder = recorder
        self._counters = counters
        self._metrics = metrics
        self._clock = clock
        self._tuning = tuning
        self._sleep = sleep
        self._poll_every = timedelta(seconds=tuning.report_poll_seconds / tuning.rate_scale)

    def run(self, marketplace_ids: tuple[str, ...]) -> bool:
        """Whether a backfill is still under way: it paced (createReport's tokens, Amazon's
        processing) as long as one run may (`sales_wait_seconds`), and the next run goes on."""
        state = self._store.get(self._run.tenant_id, self._run.connection_id)
        state.keep_only(marketplace_ids)
        started = self._clock.now()
        self._plan(state, marketplace_ids, started)
        self._save(state)
        try:
            return self._work(state, started)
        finally:
            self._tell(state)

    def _work(self, state: SalesState, started: AwareDatetime) -> bool:
        budget = self._tuning.sales_wait_seconds / self._tuning.rate_scale  # like the polls
        while True:
            self._poll_due(state)
            spent = (self._clock.now() - started).total_seconds()
            more = state.backfilling and bool(state.pending or state.to_request)
            if state.to_request:
                if more and spent >= budget:
                    return True
                self._request(state)
                continue
            if not more:
                return False  # what is still processing is polled by the next run
            wait = (min(p.next_poll_at for p in state.pending) - self._clock.now()).total_seconds()
            if spent + max(wait, 0) > budget:
                return True
            if wait > 0:
                self._deadline.require(wait + self._tuning.call_seconds)
                self._sleep(wait)

    def _tell(self, state: SalesState) -> None:
        """Tell each marketplace's FBA inventory stream how far the orders recorded reach
        (less Amazon's lateness in listing an order), when that moved: the drift check books
        nothing on Amazon's figures reported later (`AmazonSalesReadThrough`)."""
        told = []
        for marketplace_id, known in state.marketplaces.items():
            through = state.orders_read_through(marketplace_id)
            if through is None:
                continue
            through -= timedelta(minutes=self._tuning.sales_lateness_minutes)
            if known.told_through is None or through > known.told_through:
                warehouse_id = fba_warehouse_id(self._run.connection_id, marketplace_id)
                event = AmazonSalesReadThrough(warehouse_id=warehouse_id, through=through)
                self._inventory.record_all(self._context(), warehouse_id, [event])
                known.told_through = through
                told.append(marketplace_id)
        if told:
            self._save(state)

    def _context(self) -> EventContext:
        return EventContext(
            tenant_id=self._run.tenant_id,
            actor=SYNC_ACTOR,
            correlation_id=self._run.correlation_id,
            causation_id=self._run.run_id,
            occurred_at=self._clock.now(),
        )

    # Planning

    def _plan(
        self, state: SalesState, marketplace_ids: tuple[str, ...], now: AwareDatetime
    ) -> None:
        size = timedelta(days=self._tuning.report_window_days)
        lookback = now - timedelta(days=self._tuning.lookback_days)
        for marketplace_id in marketplace_ids:
            known = state.marketplaces.get(marketplace_id)
            if known is None:
                for report_type in BACKFILL_REPORTS:
                    state.to_request += windows(
                        report_type, marketplace_id, lookback, now, size, backfill=True
                    )
                state.marketplaces[marketplace_id] = MarketplaceSales(
                    orders_through=now, returns_through=now
                )
                continue
            if not state.wants(marketplace_id, ORDER_REPORTS):
                overlap = timedelta(minutes=self._tuning.sales_overlap_minutes)
                start = max(known.orders_through - overlap, lookback)
                state.to_request += windows(
                    ReportType.ORDERS_BY_LAST_UPDATE, marketplace_id, start, now, size
                )
                known.orders_through = now
            every = timedelta(minutes=self._tuning.returns_every_minutes)
            if not state.wants(marketplace_id, RETURNS_REPORTS) and (
                now - known.returns_through >= every
            ):
                days = timedelta(days=self._tuning.returns_days)
                start = max(min(known.returns_through, now) - days, lookback)
                for report_type in RETURNS_REPORTS:
                    state.to_request += windows(report_type, marketplace_id, start, now, size)
                known.returns_through = now

    # Asking, polling, reading

    def _request(self, state: SalesState) -> None:
        window = state.to_request[0]
        request = window.request
        try:
            created = self._pacer.call(
                CREATE_REPORT, lambda gateway: gateway.create_report(request)
            )
        except (AmazonRejected, AmazonUnreadable) as refused:
            state.to_request.pop(0)
            self._give_up(state, window, None, f"Amazon refused the report: {refused.detail}")
            self._save(state)
            return
        now = self._clock.now()
        window.attempts += 1
        state.to_request.pop(0)
        state.pending.append(
            PendingReport(
                window=window,
                report_id=created.report_id,
                requested_at=now,
                next_poll_at=now + self._poll_every,
            )
        )
        self._counters.reports_requested += 1
        self._save(state)

    def _poll_due(self, state: SalesState) -> None:
        for pending in list(state.pending):
            if pending.document_id is None and pending.next_poll_at <= self._clock.now():
                self._poll(state, pending)
            if pending.document_id is not None and pending in state.pending:
                self._read_document(state, pending)

    def _poll(self, state: SalesState, pending: PendingReport) -> None:
        marketplace_id = pending.window.request.marketplace_id
        try:
            answer = self._pacer.call(
                GET_REPORT, lambda gateway: gateway.report(marketplace_id, pending.report_id)
            )
        except (AmazonRejected, AmazonUnreadable) as refused:  # e.g. past Amazon's retention
            self._drop(state, pending, f"getReport failed: {refused.detail}")
            return
        now = self._clock.now()
        if answer.status is ProcessingStatus.DONE:
            pending.document_id = answer.document_id
        elif answer.status is ProcessingStatus.CANCELLED:  # Amazon found nothing to report
            state.pending.remove(pending)
            state.finished(pending.window)
        elif answer.status is ProcessingStatus.FATAL:
            self._drop(state, pending, "Amazon ended it FATAL")
        elif now - pending.requested_at > timedelta(minutes=self._tuning.report_max_wait_minutes):
            minutes = self._tuning.report_max_wait_minutes
            self._drop(state, pending, f"not finished after {minutes:g} minutes")
        else:  # asked again later, and less often the longer Amazon takes
            pending.polls += 1
            backoff = min(2 ** (pending.polls - 1), MAX_POLL_BACKOFF)
            pending.next_poll_at = now + self._poll_every * backoff
            return  # nothing to save: a later invocation may as well ask at once
        self._save(state)

    def _read_document(self, state: SalesState, pending: PendingReport) -> None:
        request, document_id = pending.window.request, pending.document_id
        assert document_id is not None
        try:
            rows = self._pacer.call(
                GET_REPORT_DOCUMENT,
                lambda gateway: gateway.report_document(
                    request, document_id, self._run.connection_id
                ),
            )
        except (AmazonRejected, AmazonUnreadable) as refused:
            # The same document would come back the same: set it aside, do not ask again.
            state.pending.remove(pending)
            self._counters.reports_dropped += 1
            self._give_up(
                state, pending.window, pending.report_id, f"document unreadable: {refused.detail}"
            )
            self._save(state)
            return
        self._record(pending, rows)
        state.pending.remove(pending)
        state.finished(pending.window)
        self._save(state)

    def _record(self, pending: PendingReport, rows: ReportRows) -> None:
        marketplace_id = pending.window.request.marketplace_id
        self._quarantine_rows(pending, rows)
        for count, order in enumerate(rows.orders):
            if count % DEADLINE_EVERY == 0:
                self._deadline.require(self._tuning.call_seconds)
            try:
                self._counters.orders_recorded += self._recorder.order(self._run, order)
            except Exception as failure:
                self._set_aside(failure, marketplace_id, order.amazon_order_id)
        for count, returned in enumerate(rows.returns):
            if count % DEADLINE_EVERY == 0:
                self._deadline.require(self._tuning.call_seconds)
            try:
                self._counters.returns_recorded += self._recorder.returned(self._run, returned)
            except Exception as failure:
                self._set_aside(failure, marketplace_id, returned.amazon_order_id)

    # What cannot be read or recorded

    def _quarantine_rows(self, pending: PendingReport, rows: ReportRows) -> None:
        request, now = pending.window.request, self._clock.now()
        kept = [
            QuarantinedRow(
                report_id=pending.report_id,
                report_type=request.report_type,
                marketplace_id=request.marketplace_id,
                quarantined_at=now,
                row=row,
            )
            for row in rows.unreadable
        ]
        self._store.quarantine(self._run.tenant_id, self._run.connection_id, kept, now)
        for row in rows.unreadable:
            self._quarantine(
                request.marketplace_id,
                MalformedRecord(
                    operation=GET_REPORT_DOCUMENT,
                    reference=f"report {pending.report_id} row {row.row}",
                    problem=row.problem,
                ),
            )

    def _set_aside(self, failure: Exception, marketplace_id: str, amazon_order_id: str) -> None:
        """An order whose events cannot be written is reported, and the rest recorded."""
        problem = refusal(failure)
        if problem is None:
            raise failure
        record = MalformedRecord(operation=RECORD_ORDER, reference=amazon_order_id, problem=problem)
        self._quarantine(marketplace_id, record)

    def _drop(self, state: SalesState, pending: PendingReport, why: str) -> None:
        """Drop a report Amazon will not finish; ask again unless its window had its tries."""
        state.pending.remove(pending)
        self._counters.reports_dropped += 1
        window = pending.window
        logger.warning(
            "sales report dropped",
            extra={
                "run_id": self._run.run_id,
                "report_id": pending.report_id,
                "report_type": window.request.report_type.value,
                "attempts": window.attempts,
                "why": why,
            },
        )
        if window.attempts < self._tuning.report_max_attempts:
            state.to_request.append(window)
        else:
            self._give_up(
                state, window, pending.report_id, f"{why}; requested {window.attempts} time(s)"
            )

    def _give_up(
        self, state: SalesState, window: ReportWindow, report_id: str | None, why: str
    ) -> None:
        """Quarantine a window not read again. Its orders then count as read for the drift
        check: an adjustment keeps on hand true (a sale of that window shows as one)."""
        state.finished(window)
        request = window.request
        span = f"{request.start.isoformat()}..{request.end.isoformat()}"
        reference = f"{request.report_type.value} {span}" + (
            f" (report {report_id})" if report_id else ""
        )
        problem = f"{why}; this window is not read again"
        self._quarantine(
            request.marketplace_id,
            MalformedRecord(operation=CREATE_REPORT, reference=reference, problem=problem),
        )

    def _quarantine(self, marketplace_id: str, record: MalformedRecord) -> None:
        quarantine(self._counters, self._metrics, marketplace_id, record)

    def _save(self, state: SalesState) -> None:
        self._store.save(self._run.tenant_id, self._run.connection_id, state)
