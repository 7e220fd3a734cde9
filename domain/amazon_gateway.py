"""The Amazon gateway port: what the sync asks Amazon, answered in the domain's terms.

Every answer is one page: the records that parsed, the records that did not (quarantined with a
reason, never fatal to the page), the token of the next page, and the rate Amazon said it applied
(`x-amzn-RateLimit-Limit`). Failures are typed so that callers know what to retry.
"""

from datetime import date
from typing import Final, Protocol

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from domain.inbound_shipment.amazon import PHASE_OF_STATUS, Address, AmazonShipmentLine
from domain.inventory import AmazonInventoryFigures

GET_SHIPMENTS: Final = "getShipments"
GET_SHIPMENT_ITEMS_BY_SHIPMENT_ID: Final = "getShipmentItemsByShipmentId"
GET_SHIPMENT_ITEMS: Final = "getShipmentItems"
GET_INVENTORY_SUMMARIES: Final = "getInventorySummaries"
# Notifications API: finding or creating our destination, then the seller's subscription.
SUBSCRIBE: Final = "createSubscription"
FBA_INVENTORY_AVAILABILITY_CHANGES: Final = "FBA_INVENTORY_AVAILABILITY_CHANGES"

# Amazon demands a status list even when asking by date range: ask for every status we know.
ALL_SHIPMENT_STATUSES: Final[tuple[str, ...]] = tuple(PHASE_OF_STATUS)


class ShipmentHeader(BaseModel):
    """A shipment as getShipments lists it: everything but its lines."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    shipment_id: str = Field(pattern=r"^FBA[0-9A-Z]+$")
    name: str = ""
    destination_fc: str = ""
    ship_from: Address = Address()
    status: str = Field(min_length=1)
    confirmed_need_by_date: date | None = None  # Amazon's ConfirmedNeedByDate


class ShipmentItem(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)

    shipment_id: str
    line: AmazonShipmentLine


class InventorySummary(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)

    sku: str
    fnsku: str = ""
    figures: AmazonInventoryFigures


class MalformedRecord(BaseModel):
    """A record Amazon sent that we could not read; kept aside and reported."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    operation: str
    reference: str  # the shipment id when it could be read, else the record's place on its page
    problem: str
    # The shipment the record belongs to, when that much could be read: an unreadable item of a
    # by-date feed makes that shipment's lines untrustworthy, and only that shipment's.
    shipment_id: str | None = None


class Page(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)

    next_token: str | None = None
    rate_limit: float | None = None
    malformed: tuple[MalformedRecord, ...] = ()


class ShipmentPage(Page):
    shipments: tuple[ShipmentHeader, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not self.shipments and not self.malformed


class ItemPage(Page):
    items: tuple[ShipmentItem, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not self.items and not self.malformed


class InventoryPage(Page):
    summaries: tuple[InventorySummary, ...] = ()


class ShipmentQuery(BaseModel):
    """The first page of a shipment listing: by last-updated range, or by ids (up to 999)."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    marketplace_id: str
    updated_after: AwareDatetime | None = None
    updated_before: AwareDatetime | None = None
    shipment_ids: tuple[str, ...] = Field(default=(), max_length=999)
    statuses: tuple[str, ...] = ALL_SHIPMENT_STATUSES


class ItemQuery(BaseModel):
    """The first page of the items last updated in a range (both bounds inclusive), of every
    shipment of the marketplace: getShipmentItems with QueryType=DATE_RANGE."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    marketplace_id: str
    updated_after: AwareDatetime
    updated_before: AwareDatetime


class AmazonError(Exception):
    """An SP-API call failed. `detail` never carries credentials."""

    def __init__(self, operation: str, detail: str, rate_limit: float | None = None) -> None:
        super().__init__(f"{operation}: {detail}")
        self.operation = operation
        self.detail = detail
        self.rate_limit = rate_limit


class AmazonThrottled(AmazonError):
    """HTTP 429 QuotaExceeded: wait, then try again."""


class AmazonUnavailable(AmazonError):
    """A 5xx, a network failure, or an empty/HTML answer: worth retrying after a pause."""


# What Amazon answers once a seller's authorization is gone (revoked, or lapsed): LWA's codes
# for the refresh token, and SP-API's 403 code for an access token freshly made from it.
AUTHORIZATION_GONE: Final = frozenset({"invalid_grant", "unauthorized_client", "Unauthorized"})


class AmazonAuthFailed(AmazonError):
    """The credentials were refused (LWA error or HTTP 403): re-read them once, then give up.
    `code` is Amazon's (LWA's `error`, or the SP-API error code)."""

    def __init__(
        self, operation: str, detail: str, rate_limit: float | None = None, code: str = ""
    ) -> None:
        super().__init__(operation, detail, rate_limit)
        self.code = code

    @property
    def authorization_gone(self) -> bool:
        """The seller's authorization is no longer honoured (not our app's credentials)."""
        return self.code in AUTHORIZATION_GONE


class AmazonRejected(AmazonError):
    """Amazon refused the request itself (4xx): retrying the same request will not help."""


class AmazonUnreadable(AmazonError):
    """Amazon answered, but not with a page we read: larger than our cap, JSON nested past the
    parser's depth, a page-level field out of bounds (a NextToken of a megabyte). The same
    request would most likely bring the same answer: the reader sets aside what it was reading
    (one shipment's items, the rest of a listing) instead of retrying."""


class AmazonGateway(Protocol):
    """Fulfillment Inbound v0 reads, FBA inventory summaries and the inventory notifications'
    subscription, for one seller in one region."""

    def list_shipments(self, query: ShipmentQuery) -> ShipmentPage:
        """The first page of shipments matching `query`."""

    def next_shipments(self, marketplace_id: str, next_token: str) -> ShipmentPage:
        """The page a getShipments NextToken points at (QueryType=NEXT_TOKEN)."""

    def shipment_items(self, marketplace_id: str, shipment_id: str) -> ItemPage:
        """The first page of one shipment's items."""

    def next_items(self, marketplace_id: str, next_token: str) -> ItemPage:
        """The page an items NextToken points at, continued through getShipmentItems."""

    def updated_items(self, query: ItemQuery) -> ItemPage:
        """The first page of the items of any shipment last updated in the query's range; an
        item's last-updated time moves when it is created and when its quantities change."""

    def inventory_summaries(
        self, marketplace_id: str, skus: tuple[str, ...], next_token: str | None = None
    ) -> InventoryPage:
        """Amazon's FBA inventory figures for up to 50 SKUs in one marketplace; for every SKU
        of the marketplace when `skus` is empty (page after page with `next_token`)."""

    def subscribe_to_inventory_changes(self, marketplace_id: str, destination_arn: str) -> str:
        """The id of the seller's FBA_INVENTORY_AVAILABILITY_CHANGES subscription delivering to
        our SQS queue `destination_arn`, created with the seller's own grant if it has none."""

    def close(self) -> None:
        """Release connections."""
