"""The sales reports port (`domain.sales.gateway.SalesReports`) over python-amazon-sp-api's
Reports client, on `SpApiSession`'s plumbing: the same credentials, endpoint, bounded httpx
client and typed errors as the inbound reads. `SpApiSellerReads` is both in one session: what a
sync run reads of a seller.

The document itself is fetched here, not by sp_api (`download=True` reads it through an httpx
client of its own, unbounded): through the session's bounded client, within the call's
deadline, at most `max_response_bytes` compressed and as much decompressed (a GZIP document
expanding past it is unreadable, like an answer over the cap). The presigned URL expires after
five minutes: it is read right after getReportDocument, in the same call, and a failure of
either is retried as a whole (a new URL).
"""

import zlib
from functools import cache, partial
from typing import Any

import httpx

from domain.amazon_gateway import AmazonUnavailable, AmazonUnreadable
from domain.sales.gateway import (
    CREATE_REPORT,
    GET_REPORT,
    GET_REPORT_DOCUMENT,
    ProcessingStatus,
    ReportCreated,
    ReportRequest,
    ReportRows,
    ReportState,
)
from functions.shared.adapters.sales_reports import read_report
from functions.shared.adapters.spapi_gateway import (
    KeepsStatus,
    SpApiGateway,
    SpApiSession,
    amazon_time,
)

GZIP = "GZIP"


@cache
def _reports_api() -> type[Any]:
    """The Reports client, imported on first use by its module (after spapi_gateway deferred
    `sp_api.api`'s `__init__`, which imports every SP-API client): runs without sales reads
    never load it."""
    from sp_api.api.reports.reports import Reports

    return type("_Reports", (KeepsStatus, Reports), {})


class SpApiReports(SpApiSession):
    """Reports API 2021-06-30: createReport, getReport, getReportDocument and the document."""

    def create_report(self, request: ReportRequest) -> ReportCreated:
        reports = self._client(_reports_api(), request.marketplace_id)
        call = partial(
            reports.create_report,
            reportType=request.report_type.value,
            marketplaceIds=[request.marketplace_id],
            dataStartTime=amazon_time(request.start),
            dataEndTime=amazon_time(request.end),
        )
        payload, rate = self._payload(CREATE_REPORT, reports, call)
        report_id = payload.get("reportId")
        if not isinstance(report_id, str) or not report_id:
            raise AmazonUnreadable(CREATE_REPORT, "no reportId in Amazon's answer", rate)
        return ReportCreated(report_id=report_id, rate_limit=rate)

    def report(self, marketplace_id: str, report_id: str) -> ReportState:
        reports = self._client(_reports_api(), marketplace_id)
        payload, rate = self._payload(GET_REPORT, reports, partial(reports.get_report, report_id))
        try:
            status = ProcessingStatus(str(payload.get("processingStatus")))
        except ValueError:
            detail = f"unknown processingStatus {str(payload.get('processingStatus'))[:40]!r}"
            raise AmazonUnreadable(GET_REPORT, detail, rate) from None
        document_id = payload.get("reportDocumentId")
        if status is ProcessingStatus.DONE and not isinstance(document_id, str):
            raise AmazonUnreadable(GET_REPORT, "a DONE report without reportDocumentId", rate)
        return ReportState(
            report_id=report_id,
            status=status,
            document_id=document_id if isinstance(document_id, str) else None,
            rate_limit=rate,
        )

    def report_document(
        self, request: ReportRequest, document_id: str, connection_id: str
    ) -> ReportRows:
        reports = self._client(_reports_api(), request.marketplace_id)
        rate: float | None = None

        def fetch() -> str:
            nonlocal rate
            response = reports.get_report_document(document_id)
            rate = self._answered(GET_REPORT_DOCUMENT, reports, response)
            url, algorithm = (
                response.payload.get("url"),
                response.payload.get("compressionAlgorithm"),
            )
            if not isinstance(url, str) or not url:
                raise AmazonUnreadable(GET_REPORT_DOCUMENT, "no url in Amazon's answer", rate)
            return self._download(url, algorithm, rate)

        text = self._request(GET_REPORT_DOCUMENT, fetch)
        return read_report(text, request, connection_id, rate)

    def _download(self, url: str, algorithm: object, rate: float | None) -> str:
        answer = self._bounded_http().get(url)
        if answer.status_code != 200:
            # An expired URL (403) or S3 failing: the next attempt asks for a fresh URL.
            detail = f"document download answered HTTP {answer.status_code}"
            raise AmazonUnavailable(GET_REPORT_DOCUMENT, detail, rate)
        content = answer.content
        if algorithm == GZIP:
            content = self._decompressed(content, rate)
        elif algorithm is not None:
            detail = f"unknown compressionAlgorithm {str(algorithm)[:20]!r}"
            raise AmazonUnreadable(GET_REPORT_DOCUMENT, detail, rate)
        return _decoded(content, answer)

    def _decompressed(self, content: bytes, rate: float | None) -> bytes:
        inflate = zlib.decompressobj(15 + 32)  # gzip or zlib header
        try:
            text = inflate.decompress(content, self._max_bytes)
        except zlib.error as error:
            raise AmazonUnreadable(GET_REPORT_DOCUMENT, f"bad GZIP: {error}", rate) from None
        if inflate.unconsumed_tail:
            detail = f"the document expands past {self._max_bytes} bytes"
            raise AmazonUnreadable(GET_REPORT_DOCUMENT, detail, rate)
        return text

    def _payload(
        self, operation: str, client: KeepsStatus, call: Any
    ) -> tuple[dict[str, Any], float | None]:
        response = self._request(operation, call)
        return response.payload, self._answered(operation, client, response)


class SpApiSellerReads(SpApiReports, SpApiGateway):
    """Inbound shipments, inventory and sales reports of one seller, in one session (the port
    `domain.sales.gateway.SellerReads`)."""


def _decoded(content: bytes, answer: httpx.Response) -> str:
    """In the charset the download names; else UTF-8 (the simulator's, and most of Amazon's),
    falling back to Windows-1252, which Amazon's western flat files use (and which reads any
    byte, so a stray one never loses the document)."""
    named = answer.charset_encoding
    if named:
        try:
            return content.decode(named, errors="replace")
        except LookupError:
            pass
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        return content.decode("cp1252", errors="replace")
