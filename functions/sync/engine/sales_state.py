"""Where a connection's sales reads stand, kept across invocations and runs (reports take
minutes at Amazon): the reports still to ask for, those Amazon is processing, and per
marketplace how far the order and returns reports reach. Plus the rows of reports that could
not be read, kept a while for whoever looks into them.

Both are state-table items beside the sync's checkpoint and cursor (`sync#{tenant}#{connection}`,
sort keys `sales` and `sales_quarantine`). One worker at a time per connection (FIFO message
group): plain puts, no revisions.
"""

from datetime import timedelta

from pydantic import AwareDatetime, BaseModel

from domain.sales.gateway import ReportRequest, ReportType, UnreadableRow
from functions.connection_state.keys import sync_pk
from functions.shared.adapters.state_store import StateTable

SALES_SK = "sales"
SALES_QUARANTINE_SK = "sales_quarantine"
ORDER_REPORTS = (ReportType.ORDERS_BY_ORDER_DATE, ReportType.ORDERS_BY_LAST_UPDATE)
RETURNS_REPORTS = (ReportType.FBA_RETURNS, ReportType.FBM_RETURNS)


class ReportWindow(BaseModel):
    """A report to have: its request, whether it belongs to a backfill (the run waits for
    those), and how many times it was asked for (a report dropped is asked for again)."""

    request: ReportRequest
    backfill: bool = False
    attempts: int = 0


class PendingReport(BaseModel):
    window: ReportWindow
    report_id: str
    requested_at: AwareDatetime
    next_poll_at: AwareDatetime
    polls: int = 0
    document_id: str | None = None  # once Amazon says DONE


class MarketplaceSales(BaseModel):
    """How far the reports asked for reach (their windows' ends), and how far the orders
    recorded reach as last told to the FBA inventory stream (`AmazonSalesReadThrough`)."""

    orders_through: AwareDatetime
    returns_through: AwareDatetime
    recorded_through: AwareDatetime | None = None  # the latest end of an order report finished
    told_through: AwareDatetime | None = None


class SalesState(BaseModel):
    marketplaces: dict[str, MarketplaceSales] = {}
    to_request: list[ReportWindow] = []
    pending: list[PendingReport] = []

    @property
    def backfilling(self) -> bool:
        return any(w.backfill for w in self.to_request) or any(
            p.window.backfill for p in self.pending
        )

    def orders_read_through(self, marketplace_id: str) -> AwareDatetime | None:
        """Every order of the marketplace up to then is read: the end of the last order report
        finished, but no later than the start of one still to read (None: none asked for)."""
        known = self.marketplaces.get(marketplace_id)
        reach = [
            w.request.start
            for w in [*self.to_request, *(p.window for p in self.pending)]
            if w.request.marketplace_id == marketplace_id and w.request.report_type in ORDER_REPORTS
        ]
        if known is not None and known.recorded_through is not None:
            reach.append(known.recorded_through)
        return min(reach) if reach else None

    def finished(self, window: "ReportWindow") -> None:
        """A report window read, found empty by Amazon, or given up (quarantined)."""
        request = window.request
        known = self.marketplaces.get(request.marketplace_id)
        if known is not None and request.report_type in ORDER_REPORTS:
            held = known.recorded_through
            known.recorded_through = request.end if held is None else max(held, request.end)

    def wants(self, marketplace_id: str, report_types: tuple[ReportType, ...]) -> bool:
        """Whether a report of these types for the marketplace is queued or in processing, or
        its backfill is not recorded whole yet (the backfill reaches to its start)."""
        windows = [*self.to_request, *(p.window for p in self.pending)]
        return any(
            w.request.marketplace_id == marketplace_id
            and (w.backfill or w.request.report_type in report_types)
            for w in windows
        )

    def keep_only(self, marketplace_ids: tuple[str, ...]) -> None:
        """Forget marketplaces no longer on the connection (added again later: backfilled)."""
        self.marketplaces = {m: s for m, s in self.marketplaces.items() if m in marketplace_ids}
        self.to_request = [
            w for w in self.to_request if w.request.marketplace_id in marketplace_ids
        ]
        self.pending = [
            p for p in self.pending if p.window.request.marketplace_id in marketplace_ids
        ]


class QuarantinedRow(BaseModel):
    report_id: str
    report_type: ReportType
    marketplace_id: str
    quarantined_at: AwareDatetime
    row: UnreadableRow


class QuarantinedRows(BaseModel):
    """The newest rows set aside, at most the configured number."""

    rows: list[QuarantinedRow] = []


class SalesStore:
    def __init__(self, table: StateTable, quarantine_rows: int, quarantine_ttl: timedelta) -> None:
        self._table = table
        self._cap = quarantine_rows
        self._ttl = quarantine_ttl

    def get(self, tenant_id: str, connection_id: str) -> SalesState:
        stored = self._table.get(sync_pk(tenant_id, connection_id), SALES_SK, SalesState)
        return SalesState() if stored is None else stored.doc

    def save(self, tenant_id: str, connection_id: str, state: SalesState) -> None:
        self._table.put(sync_pk(tenant_id, connection_id), SALES_SK, state)

    def quarantined(self, tenant_id: str, connection_id: str) -> list[QuarantinedRow]:
        key = sync_pk(tenant_id, connection_id)
        stored = self._table.get(key, SALES_QUARANTINE_SK, QuarantinedRows)
        return [] if stored is None else stored.doc.rows

    def quarantine(
        self, tenant_id: str, connection_id: str, rows: list[QuarantinedRow], now: AwareDatetime
    ) -> None:
        """Keep `rows` with the ones kept before, the newest `quarantine_rows` of them, for the
        TTL from now (an older row past its own TTL is dropped too)."""
        if not rows:
            return
        horizon = now - self._ttl
        kept = [r for r in self.quarantined(tenant_id, connection_id) if r.quarantined_at > horizon]
        newest = [*kept, *rows][-self._cap :]
        expires_at = int((now + self._ttl).timestamp())
        key = sync_pk(tenant_id, connection_id)
        self._table.put(
            key, SALES_QUARANTINE_SK, QuarantinedRows(rows=newest), expires_at=expires_at
        )


def windows(
    report_type: ReportType,
    marketplace_id: str,
    start: AwareDatetime,
    end: AwareDatetime,
    size: timedelta,
    backfill: bool = False,
) -> list[ReportWindow]:
    """[start, end] cut in windows of at most `size`, oldest first."""
    cut: list[ReportWindow] = []
    while start < end:
        stop = min(start + size, end)
        request = ReportRequest(
            report_type=report_type, marketplace_id=marketplace_id, start=start, end=stop
        )
        cut.append(ReportWindow(request=request, backfill=backfill))
        start = stop
    return cut
