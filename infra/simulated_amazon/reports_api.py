"""Reports API 2021-06-30 for sales: createReport, getReport, getReports, getReportDocument,
serving the order and returns reports of sales_orders.py, plus the control routes that give a
seller orders.

As Amazon: createReport answers 202 `{reportId}`; the report is IN_QUEUE, then IN_PROGRESS,
then DONE (or CANCELLED when it has no rows: Amazon has no "done, no data" status) once
`REPORT_PROCESSING_SECONDS` simulated seconds have passed (divided by the rate scale, like the
rates); a DONE report names a `reportDocumentId`, whose getReportDocument gives a presigned `url`
(here on the simulator, valid 5 minutes, no token needed) to the tab-separated document,
GZIP-compressed (`compressionAlgorithm`) as a seller's `report-compression` says. Control routes
give a seller orders, change them later (a late cancellation, returns), and force the outcome of
its next reports (FATAL, or never finished). Refused with 400
InvalidInput: unknown or unserved report types, malformed dates, a start after the end or in the
future, a range over the report type's maximum, marketplaces the seller does not sell in.
getReports pages with `pageSize` (1-100, default 10) and a `nextToken` sent alone.
"""

from __future__ import annotations

import gzip
import threading
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from .call_stats import CallStats
from .clock import SimulatedClock, format_timestamp
from .control_api import BadControlInput, parse_body
from .control_schema import ReportCompressionRequest, ReportOutcomesRequest
from .errors import SimulatorError
from .faults import FaultInjector
from .http_types import Request, Response, control_error
from .identifiers import new_next_token
from .lwa import LwaTokenService
from .query_params import InvalidInput, csv_list, enum_list, parse_date_time, timestamp
from .rate_limit import AMAZON_RATE_LIMITS, RateLimit, RateLimiter
from .routing import RouteHandler, Router
from .sales_orders import (
    MAX_RANGES,
    AddOrdersRequest,
    Order,
    SalesBook,
    UpdateOrderRequest,
    columns_for,
    to_tsv,
)
from .sp_api_gateway import SpApiGateway
from .store import SimulatorStore

BASE = "/reports/2021-06-30"
DOCUMENTS = "/_sim/report-documents"
# The usage plans in reports_2021-06-30.json.
REPORTS_RATE_LIMITS: dict[str, RateLimit] = {
    "getReports": RateLimit(0.0222, 10),
    "createReport": RateLimit(0.0167, 15),
    "getReport": RateLimit(2.0, 15),
    "getReportDocument": RateLimit(0.0167, 15),
}
REPORT_PROCESSING_SECONDS = 60.0
DOCUMENT_URL_LIFETIME = timedelta(minutes=5)
# Reports are retained for 90 days (getReports' createdSince).
REPORT_RETENTION = timedelta(days=90)
MAX_MARKETPLACES = 25
_GET_REPORTS_FILTERS = (
    "reportTypes",
    "processingStatuses",
    "marketplaceIds",
    "pageSize",
    "createdSince",
    "createdUntil",
)
PROCESSING_STATUSES = ("CANCELLED", "DONE", "FATAL", "IN_PROGRESS", "IN_QUEUE")


@dataclass
class _Report:
    report_id: str
    seller_id: str
    report_type: str
    marketplace_ids: list[str]
    start: datetime
    end: datetime
    created: datetime
    # Rendered when processing ends; None: no rows (CANCELLED).
    document: str | None = None
    document_id: str | None = None
    rendered: bool = False
    # Forced by `POST /_sim/sellers/{id}/report-outcomes`: FATAL, or STUCK (never finishes).
    outcome: str | None = None


@dataclass(frozen=True)
class _Document:
    seller_id: str
    text: str
    gzipped: bool


@dataclass(frozen=True)
class _Url:
    document_id: str
    seller_id: str
    expires: datetime


class ReportsApi:
    def __init__(
        self,
        store: SimulatorStore,
        clock: SimulatedClock,
        sales: SalesBook,
        processing_seconds: float = REPORT_PROCESSING_SECONDS,
    ) -> None:
        self._store = store
        self._clock = clock
        self._sales = sales
        self._processing = processing_seconds
        self._lock = threading.Lock()
        self._reports: dict[str, _Report] = {}
        self._documents: dict[str, _Document] = {}
        # Per seller: every how many documents one is GZIP (0: none), and documents so far.
        self._gzip_every: dict[str, int] = {}
        self._rendered: dict[str, int] = defaultdict(int)
        # Per (seller, report type): the outcomes forced on its next reports, in order.
        self._outcomes: defaultdict[tuple[str, str], deque[str]] = defaultdict(deque)
        self._urls: dict[str, _Url] = {}
        self._pages: dict[str, tuple[str, list[str], int, int]] = {}
        self._next_id = 50_000_000_000

    def clear(self) -> None:
        with self._lock:
            self._reports.clear()
            self._documents.clear()
            self._urls.clear()
            self._pages.clear()
            self._gzip_every.clear()
            self._rendered.clear()
            self._outcomes.clear()
        self._sales.clear()

    def register(self, router: Router, gateway: SpApiGateway) -> None:
        router.add("POST", f"{BASE}/reports", gateway.operation("createReport", self.create_report))
        router.add("GET", f"{BASE}/reports", gateway.operation("getReports", self.list_reports))
        router.add(
            "GET", f"{BASE}/reports/{{reportId}}", gateway.operation("getReport", self.get_report)
        )
        router.add(
            "GET",
            f"{BASE}/documents/{{reportDocumentId}}",
            gateway.operation("getReportDocument", self.document),
        )
        router.add("GET", f"{DOCUMENTS}/{{token}}", self.download)
        control: list[tuple[str, str, RouteHandler]] = [
            ("POST", "/_sim/sellers/{seller_id}/orders", self.add_orders),
            ("GET", "/_sim/sellers/{seller_id}/orders", self.list_orders),
            ("POST", "/_sim/sellers/{seller_id}/orders/{order_id}", self.update_order),
            ("POST", "/_sim/sellers/{seller_id}/report-outcomes", self.force_outcomes),
            ("PUT", "/_sim/sellers/{seller_id}/report-compression", self.set_compression),
        ]
        for method, template, handler in control:
            router.add(method, template, _control(handler))

    # SP-API operations

    def create_report(self, request: Request, seller_id: str, _: dict[str, str]) -> Response:
        try:
            report = self._new_report(request, seller_id)
        except InvalidInput as problem:
            return _error(400, "InvalidInput", problem.message)
        with self._lock:
            self._reports[report.report_id] = report
        return Response.json(202, {"reportId": report.report_id})

    def get_report(self, _: Request, seller_id: str, params: dict[str, str]) -> Response:
        report = self._find(seller_id, params["reportId"])
        if report is None:
            return _error(404, "NotFound", f"Report {params['reportId']} not found")
        return Response.json(200, self._view(report))

    def list_reports(self, request: Request, seller_id: str, _: dict[str, str]) -> Response:
        try:
            token = request.last("nextToken")
            if token:
                others = sorted(key for key in _GET_REPORTS_FILTERS if key in request.query)
                if others:
                    raise InvalidInput(
                        f"nextToken must be the only parameter; got also {', '.join(others)}"
                    )
                ids, offset, size = self._page(token, seller_id)
            else:
                ids, size = self._query(request, seller_id), _page_size(request)
                offset = 0
        except InvalidInput as problem:
            return _error(400, "InvalidInput", problem.message)
        with self._lock:
            page = [self._reports[i] for i in ids[offset : offset + size] if i in self._reports]
        document: dict[str, Any] = {"reports": [self._view(report) for report in page]}
        if offset + size < len(ids):
            next_token = new_next_token()
            with self._lock:
                self._pages[next_token] = (seller_id, ids, offset + size, size)
            document["nextToken"] = next_token
        return Response.json(200, document)

    def document(self, request: Request, seller_id: str, params: dict[str, str]) -> Response:
        document_id = params["reportDocumentId"]
        with self._lock:
            owner = self._documents.get(document_id)
        if owner is None or owner.seller_id != seller_id:
            return _error(404, "NotFound", f"Report document {document_id} not found")
        token = new_next_token()
        with self._lock:
            self._urls[token] = _Url(
                document_id, seller_id, self._clock.now() + DOCUMENT_URL_LIFETIME
            )
        # The presigned URL is on the simulator; sp_api sends Host as endpoint[8:], which
        # keeps the port.
        port = _request_port(request)
        url = f"http://127.0.0.1:{port}{DOCUMENTS}/{token}"
        answer = {"reportDocumentId": document_id, "url": url}
        if owner.gzipped:
            answer["compressionAlgorithm"] = "GZIP"
        return Response.json(200, answer)

    def download(self, _: Request, params: dict[str, str]) -> Response:
        """The presigned URL (S3 at Amazon): plain text, no SP-API token."""
        with self._lock:
            grant = self._urls.get(params["token"])
            document = self._documents.get(grant.document_id) if grant else None
        if grant is None or document is None:
            return _s3_error(403, "AccessDenied", "Request has expired or is invalid")
        if self._clock.now() > grant.expires:
            return _s3_error(403, "AccessDenied", "Request has expired")
        body = document.text.encode("utf-8")
        if document.gzipped:  # the content itself, as S3 holds it: no Content-Encoding
            return Response(200, gzip.compress(body), {"Content-Type": "application/octet-stream"})
        return Response(200, body, {"Content-Type": "text/plain; charset=UTF-8"})

    # Control routes

    def add_orders(self, request: Request, params: dict[str, str]) -> Response:
        seller = self._store.seller(params["seller_id"])
        body = parse_body(request, AddOrdersRequest)
        ids = self._sales.add(seller.seller_id, list(seller.marketplace_ids), body.orders)
        return Response.json(201, {"amazon_order_ids": ids})

    def update_order(self, request: Request, params: dict[str, str]) -> Response:
        seller = self._store.seller(params["seller_id"])
        change = parse_body(request, UpdateOrderRequest)
        order = self._sales.update(seller.seller_id, params["order_id"], change)
        return Response.json(200, _order_view(order))

    def force_outcomes(self, request: Request, params: dict[str, str]) -> Response:
        """The seller's next reports of a type end FATAL, or never finish (STUCK)."""
        seller = self._store.seller(params["seller_id"])
        body = parse_body(request, ReportOutcomesRequest)
        with self._lock:
            queue = self._outcomes[(seller.seller_id, body.report_type)]
            queue.extend([body.outcome] * body.count)
            pending = len(queue)
        return Response.json(200, {"report_type": body.report_type, "pending": pending})

    def set_compression(self, request: Request, params: dict[str, str]) -> Response:
        """Every `gzip_every`-th document of the seller comes GZIP-compressed (0: none)."""
        seller = self._store.seller(params["seller_id"])
        body = parse_body(request, ReportCompressionRequest)
        with self._lock:
            self._gzip_every[seller.seller_id] = body.gzip_every
        return Response.json(200, body.model_dump())

    def list_orders(self, _: Request, params: dict[str, str]) -> Response:
        seller = self._store.seller(params["seller_id"])
        return Response.json(
            200, {"orders": [_order_view(o) for o in self._sales.orders_of(seller.seller_id)]}
        )

    # Helpers

    def _new_report(self, request: Request, seller_id: str) -> _Report:
        try:
            body = request.json()
        except ValueError:
            raise InvalidInput("The request body is not valid JSON") from None
        if not isinstance(body, dict):
            raise InvalidInput("The request body must be a CreateReportSpecification object")
        report_type = body.get("reportType")
        if not isinstance(report_type, str) or not report_type:
            raise InvalidInput("reportType is required")
        if report_type not in MAX_RANGES:
            raise InvalidInput(f"Invalid reportType: {report_type}")
        marketplace_ids = body.get("marketplaceIds")
        if (
            not isinstance(marketplace_ids, list)
            or not 1 <= len(marketplace_ids) <= MAX_MARKETPLACES
            or not all(isinstance(m, str) and m for m in marketplace_ids)
        ):
            raise InvalidInput(f"marketplaceIds must list 1 to {MAX_MARKETPLACES} marketplaces")
        seller = self._store.seller(seller_id)
        foreign = [m for m in marketplace_ids if m not in seller.marketplace_ids]
        if foreign:
            raise InvalidInput(f"Invalid marketplaceIds: {', '.join(foreign)}")
        now = self._clock.now()
        start, end = _data_range(body, report_type, now)
        with self._lock:
            self._next_id += 1
            report_id = str(self._next_id)
            forced = self._outcomes.get((seller_id, report_type))
            outcome = forced.popleft() if forced else None
        return _Report(
            report_id,
            seller_id,
            report_type,
            list(marketplace_ids),
            start,
            end,
            now,
            outcome=outcome,
        )

    def _find(self, seller_id: str, report_id: str) -> _Report | None:
        with self._lock:
            report = self._reports.get(report_id)
        if report is None or report.seller_id != seller_id:
            return None
        return report

    def _status(self, report: _Report) -> str:
        elapsed = (self._clock.now() - report.created).total_seconds()
        if elapsed < self._processing / 2:
            return "IN_QUEUE"
        if elapsed < self._processing or report.outcome == "STUCK":
            return "IN_PROGRESS"
        if report.outcome == "FATAL":
            return "FATAL"
        self._render(report)
        return "DONE" if report.document_id else "CANCELLED"

    def _render(self, report: _Report) -> None:
        with self._lock:
            if report.rendered:
                return
        rows = self._sales.report_rows(
            report.seller_id, report.report_type, report.marketplace_ids, report.start, report.end
        )
        with self._lock:
            if report.rendered:
                return
            report.rendered = True
            if rows:
                report.document_id = f"amzn1.spdoc.1.4.na.{report.report_id}.sim"
                text = to_tsv(columns_for(report.report_type), rows)
                self._rendered[report.seller_id] += 1
                every = self._gzip_every.get(report.seller_id, 0)
                gzipped = every > 0 and self._rendered[report.seller_id] % every == 0
                self._documents[report.document_id] = _Document(report.seller_id, text, gzipped)

    def _view(self, report: _Report) -> dict[str, Any]:
        status = self._status(report)
        view: dict[str, Any] = {
            "reportId": report.report_id,
            "reportType": report.report_type,
            "marketplaceIds": report.marketplace_ids,
            "dataStartTime": format_timestamp(report.start),
            "dataEndTime": format_timestamp(report.end),
            "createdTime": format_timestamp(report.created),
            "processingStatus": status,
        }
        half = timedelta(seconds=self._processing / 2)
        if status != "IN_QUEUE":
            view["processingStartTime"] = format_timestamp(report.created + half)
        if status in ("DONE", "CANCELLED", "FATAL"):
            view["processingEndTime"] = format_timestamp(report.created + 2 * half)
        if report.document_id and status == "DONE":
            view["reportDocumentId"] = report.document_id
        return view

    def _query(self, request: Request, seller_id: str) -> list[str]:
        report_types = csv_list(request, "reportTypes")
        if not 1 <= len(report_types) <= 10:
            raise InvalidInput("reportTypes is required (1 to 10 report types) without nextToken")
        statuses = enum_list(request, "processingStatuses", PROCESSING_STATUSES)
        marketplaces = csv_list(request, "marketplaceIds")
        if len(marketplaces) > 10:
            raise InvalidInput("marketplaceIds accepts at most 10 marketplaces")
        now = self._clock.now()
        since = timestamp(request, "createdSince") or now - REPORT_RETENTION
        until = timestamp(request, "createdUntil") or now
        if since > until:
            raise InvalidInput("createdSince must be before createdUntil")
        with self._lock:
            mine = [r for r in self._reports.values() if r.seller_id == seller_id]
        chosen = [
            r
            for r in mine
            if r.report_type in report_types
            and since <= r.created <= until
            and (not marketplaces or set(r.marketplace_ids) & set(marketplaces))
        ]
        if statuses:
            chosen = [r for r in chosen if self._status(r) in statuses]
        chosen.sort(key=lambda r: (r.created, r.report_id), reverse=True)
        return [r.report_id for r in chosen]

    def _page(self, token: str, seller_id: str) -> tuple[list[str], int, int]:
        with self._lock:
            page = self._pages.get(token)
        if page is None or page[0] != seller_id:
            raise InvalidInput("Invalid nextToken")
        return page[1], page[2], page[3]


def register_reports(
    router: Router,
    *,
    store: SimulatorStore,
    clock: SimulatedClock,
    tokens: LwaTokenService,
    faults: FaultInjector,
    stats: CallStats,
    rate_limiter: RateLimiter,
) -> list[Callable[[], None]]:
    """Add the Reports API and its control routes to `router`, with usage plans scaled as
    `rate_limiter`'s are, and processing as much faster; returns what /_sim/reset must call."""
    reference = "getShipments"
    scale = (
        rate_limiter.limit_for(reference).requests_per_second
        / AMAZON_RATE_LIMITS[reference].requests_per_second
    )
    limiter = RateLimiter(clock.monotonic, scale, REPORTS_RATE_LIMITS, rate_limiter.header_on_429)
    sales = SalesBook()
    store.stock_movements.attach_orders(sales.orders_of)  # FBA orders move Amazon's stock
    api = ReportsApi(store, clock, sales, REPORT_PROCESSING_SECONDS / scale)
    api.register(router, SpApiGateway(store, tokens, limiter, faults, stats))
    return [api.clear, limiter.reset]


def _data_range(body: dict[str, Any], report_type: str, now: datetime) -> tuple[datetime, datetime]:
    start = _body_time(body, "dataStartTime") or now
    end = _body_time(body, "dataEndTime") or now
    if start > now:
        raise InvalidInput("dataStartTime must be prior to or equal to the current time")
    if end > now:
        # Amazon takes a future end as now.
        end = now
    if start > end:
        raise InvalidInput("dataStartTime must be before dataEndTime")
    maximum = MAX_RANGES[report_type]
    if maximum is not None and end - start > maximum:
        raise InvalidInput(f"The date range for {report_type} may not exceed {maximum.days} days")
    return start, end


def _page_size(request: Request) -> int:
    value = request.last("pageSize")
    if value is None:
        return 10
    if not value.isdigit() or not 1 <= int(value) <= 100:
        raise InvalidInput(f"pageSize must be an integer from 1 to 100; got {value!r}")
    return int(value)


def _body_time(body: dict[str, Any], key: str) -> datetime | None:
    value = body.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidInput(f"{key} must be an ISO 8601 date-time string")
    return parse_date_time(key, value)


def _request_port(request: Request) -> str:
    host = request.headers.get("host", "")
    return host.rsplit(":", 1)[-1] if ":" in host else "80"


def _error(status: int, code: str, message: str) -> Response:
    return Response.json(status, {"errors": [{"code": code, "message": message, "details": ""}]})


def _s3_error(status: int, code: str, message: str) -> Response:
    body = f"<Error><Code>{code}</Code><Message>{message}</Message></Error>"
    return Response(status, body.encode(), {"Content-Type": "application/xml"})


def _order_view(order: Order) -> dict[str, Any]:
    return {
        "amazon_order_id": order.amazon_order_id,
        "marketplace_id": order.marketplace_id,
        "fulfillment_channel": order.fulfillment_channel,
        "purchase_date": format_timestamp(order.purchase_date),
        "last_updated_date": format_timestamp(order.last_updated_date),
        "order_status": order.order_status,
        "lines": [{"sku": line.sku, "quantity": line.quantity} for line in order.lines],
        "returns": [
            {
                "sku": r.sku,
                "quantity": r.quantity,
                "return_date": format_timestamp(r.return_date),
                "reason": r.reason,
            }
            for r in order.returns
        ],
    }


def _control(handler: RouteHandler) -> RouteHandler:
    def handle(request: Request, params: dict[str, str]) -> Response:
        try:
            return handler(request, params)
        except BadControlInput as problem:
            return control_error(400, str(problem))
        except SimulatorError as problem:
            return control_error(problem.http_status, problem.message)

    return handle
