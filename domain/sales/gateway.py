"""The sales reports port: what the sync asks Amazon's Reports API 2021-06-30, answered in the
domain's terms (see docs/amazon-sales.md for why reports, and which).

A report is asynchronous: created (`create_report`), polled (`report`) until Amazon ends it, then
its document read (`report_document`), whose rows come back as order and return observations;
a row that cannot be read is set aside with its raw text, never fatal to the document.
"""

from enum import StrEnum
from typing import Final, Protocol

from pydantic import AwareDatetime, BaseModel, ConfigDict

from domain.amazon_gateway import AmazonGateway, Page
from domain.sales.order import AmazonOrderObserved, AmazonReturnObserved

CREATE_REPORT: Final = "createReport"
GET_REPORT: Final = "getReport"
GET_REPORT_DOCUMENT: Final = "getReportDocument"


class ReportType(StrEnum):
    ORDERS_BY_ORDER_DATE = "GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL"
    ORDERS_BY_LAST_UPDATE = "GET_FLAT_FILE_ALL_ORDERS_DATA_BY_LAST_UPDATE_GENERAL"
    FBA_RETURNS = "GET_FBA_FULFILLMENT_CUSTOMER_RETURNS_DATA"
    FBM_RETURNS = "GET_FLAT_FILE_RETURNS_DATA_BY_RETURN_DATE"


class ProcessingStatus(StrEnum):
    IN_QUEUE = "IN_QUEUE"
    IN_PROGRESS = "IN_PROGRESS"
    DONE = "DONE"
    CANCELLED = "CANCELLED"  # also "no data": Amazon has no "done, nothing found" status
    FATAL = "FATAL"


class ReportRequest(BaseModel):
    """One report of one marketplace over [start, end] (Amazon's dataStartTime/dataEndTime)."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    report_type: ReportType
    marketplace_id: str
    start: AwareDatetime
    end: AwareDatetime


class ReportCreated(Page):
    report_id: str


class ReportState(Page):
    report_id: str
    status: ProcessingStatus
    document_id: str | None = None  # once DONE


class UnreadableRow(BaseModel):
    """A row of a report document we could not read: kept aside with its text."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    row: int  # 1 is the first row under the header
    raw: str
    problem: str


class ReportRows(Page):
    """A report document's rows: orders (one per amazon-order-id, all its lines), returns, and
    the rows that could not be read. An order with an unreadable line is not among the orders
    (its lines would read as fewer than Amazon holds): its rows are all in `unreadable`."""

    orders: tuple[AmazonOrderObserved, ...] = ()
    returns: tuple[AmazonReturnObserved, ...] = ()
    unreadable: tuple[UnreadableRow, ...] = ()


class SalesReports(Protocol):
    """Reports API 2021-06-30 for one seller in one region."""

    def create_report(self, request: ReportRequest) -> ReportCreated:
        """Ask Amazon for a report; it is processed later."""

    def report(self, marketplace_id: str, report_id: str) -> ReportState:
        """Where Amazon's processing of the report stands."""

    def report_document(
        self, request: ReportRequest, document_id: str, connection_id: str
    ) -> ReportRows:
        """The document's rows as observations of `connection_id`'s orders and returns in
        the request's marketplace."""


class SellerReads(AmazonGateway, SalesReports, Protocol):
    """Everything a sync run reads of one seller: inbound shipments, inventory, sales."""
