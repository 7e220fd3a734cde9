"""Amazon's JSON, as pydantic models of Amazon's own shapes, read into the domain's pages.

Fulfillment Inbound v0 speaks PascalCase, FBA Inventory camelCase: the aliases say so. Each record
is read on its own: one that does not fit (no ShipmentId, a quantity that is not a number, a
string longer than its cap) is returned as a `MalformedRecord` with the reason, and the rest of
the page is still read. A page whose own fields do not fit (its record list is not a list, or
too long; its NextToken too long) is a `MalformedPage`.

The caps sit well above what Amazon documents (an address line 180 characters, a name 50, a SKU
40): they bound what we keep and store, they do not judge Amazon's data.
"""

from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic_core import ErrorDetails

from domain.amazon_gateway import (
    InventoryPage,
    InventorySummary,
    ItemPage,
    MalformedRecord,
    ShipmentHeader,
    ShipmentItem,
    ShipmentPage,
)
from domain.inbound_shipment.amazon import Address, AmazonShipmentLine
from domain.inventory import AmazonInventoryFigures

T = TypeVar("T")

MAX_ID = 64  # ShipmentId, DestinationFulfillmentCenterId, FNSKU
MAX_SKU = 200
MAX_TEXT = 500  # ShipmentName and the address' fields
MAX_CODE = 64  # ShipmentStatus
MAX_QUANTITY = 1_000_000_000
# Page-level: past these the page itself is malformed.
MAX_NEXT_TOKEN = 8_192
MAX_RECORDS_PER_PAGE = 10_000


class _Amazon(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True, defer_build=True)


class AmazonAddress(_Amazon):
    name: str | None = Field(None, alias="Name", max_length=MAX_TEXT)
    address_line_1: str | None = Field(None, alias="AddressLine1", max_length=MAX_TEXT)
    address_line_2: str | None = Field(None, alias="AddressLine2", max_length=MAX_TEXT)
    district_or_county: str | None = Field(None, alias="DistrictOrCounty", max_length=MAX_TEXT)
    city: str | None = Field(None, alias="City", max_length=MAX_TEXT)
    state_or_province_code: str | None = Field(
        None, alias="StateOrProvinceCode", max_length=MAX_TEXT
    )
    country_code: str | None = Field(None, alias="CountryCode", max_length=MAX_TEXT)
    postal_code: str | None = Field(None, alias="PostalCode", max_length=MAX_TEXT)

    def to_domain(self) -> Address:
        return Address(**{k: v or "" for k, v in self.model_dump().items()})


class InboundShipmentInfo(_Amazon):
    shipment_id: str = Field(alias="ShipmentId", max_length=MAX_ID)
    shipment_name: str | None = Field(None, alias="ShipmentName", max_length=MAX_TEXT)
    ship_from_address: AmazonAddress | None = Field(None, alias="ShipFromAddress")
    destination_fulfillment_center_id: str | None = Field(
        None, alias="DestinationFulfillmentCenterId", max_length=MAX_ID
    )
    shipment_status: str = Field(alias="ShipmentStatus", max_length=MAX_CODE)
    confirmed_need_by_date: date | None = Field(None, alias="ConfirmedNeedByDate")

    def to_domain(self) -> ShipmentHeader:
        return ShipmentHeader(
            shipment_id=self.shipment_id,
            name=self.shipment_name or "",
            destination_fc=self.destination_fulfillment_center_id or "",
            ship_from=self.ship_from_address.to_domain() if self.ship_from_address else Address(),
            status=self.shipment_status,
            confirmed_need_by_date=self.confirmed_need_by_date,
        )


class InboundShipmentItem(_Amazon):
    shipment_id: str | None = Field(None, alias="ShipmentId", max_length=MAX_ID)
    seller_sku: str = Field(alias="SellerSKU", max_length=MAX_SKU)
    fulfillment_network_sku: str | None = Field(
        None, alias="FulfillmentNetworkSKU", max_length=MAX_ID
    )
    # Amazon's counts are never negative (the domain refuses them too): one that is is
    # malformed, reported under Amazon's name, and its shipment's lines stay as they were.
    quantity_shipped: int = Field(alias="QuantityShipped", ge=0, le=MAX_QUANTITY)
    quantity_received: int | None = Field(None, alias="QuantityReceived", ge=0, le=MAX_QUANTITY)
    quantity_in_case: int | None = Field(None, alias="QuantityInCase", le=MAX_QUANTITY)

    def to_domain(self, shipment_id: str) -> ShipmentItem:
        return ShipmentItem(
            shipment_id=shipment_id,
            line=AmazonShipmentLine(
                sku=self.seller_sku,
                fnsku=self.fulfillment_network_sku or "",
                quantity_shipped=self.quantity_shipped,
                quantity_received=self.quantity_received or 0,
                # Often 0 or 1 and never worth quarantining a shipment over.
                quantity_in_case=max(self.quantity_in_case or 0, 0),
            ),
        )


class _Total(_Amazon):
    total_reserved: int = Field(0, alias="totalReservedQuantity")
    total_researching: int = Field(0, alias="totalResearchingQuantity")
    total_unfulfillable: int = Field(0, alias="totalUnfulfillableQuantity")


class InventoryDetails(_Amazon):
    fulfillable: int = Field(0, alias="fulfillableQuantity")
    inbound_working: int = Field(0, alias="inboundWorkingQuantity")
    inbound_shipped: int = Field(0, alias="inboundShippedQuantity")
    inbound_receiving: int = Field(0, alias="inboundReceivingQuantity")
    reserved: _Total = Field(_Total(), alias="reservedQuantity")
    researching: _Total = Field(_Total(), alias="researchingQuantity")
    unfulfillable: _Total = Field(_Total(), alias="unfulfillableQuantity")


class AmazonInventorySummary(_Amazon):
    seller_sku: str = Field(alias="sellerSku", max_length=MAX_SKU)
    fn_sku: str | None = Field(None, alias="fnSku", max_length=MAX_ID)
    inventory_details: InventoryDetails = Field(InventoryDetails(), alias="inventoryDetails")

    def to_domain(self) -> InventorySummary:
        details = self.inventory_details
        return InventorySummary(
            sku=self.seller_sku,
            fnsku=self.fn_sku or "",
            figures=AmazonInventoryFigures(
                fulfillable=details.fulfillable,
                inbound_working=details.inbound_working,
                inbound_shipped=details.inbound_shipped,
                inbound_receiving=details.inbound_receiving,
                reserved=details.reserved.total_reserved,
                unfulfillable=details.unfulfillable.total_unfulfillable,
                researching=details.researching.total_researching,
            ),
        )


class MalformedPage(Exception):
    """The page itself (not one record) is not what the operation returns."""


def shipments_page(
    payload: dict[str, Any], operation: str, rate_limit: float | None
) -> ShipmentPage:
    records, next_token = _records(payload, "ShipmentData", "NextToken")
    parsed, malformed = _read_each(
        records, operation, lambda raw: InboundShipmentInfo.model_validate(raw).to_domain()
    )
    return ShipmentPage(
        shipments=tuple(parsed), malformed=malformed, next_token=next_token, rate_limit=rate_limit
    )


def items_page(
    payload: dict[str, Any],
    operation: str,
    rate_limit: float | None,
    shipment_id: str | None = None,
) -> ItemPage:
    """`shipment_id`: the shipment asked for, owner of any item that lacks its ShipmentId."""
    records, next_token = _records(payload, "ItemData", "NextToken")

    def read(raw: object) -> ShipmentItem:
        item = InboundShipmentItem.model_validate(raw)
        owner = item.shipment_id or shipment_id
        if not owner:
            raise ValueError("ShipmentId: missing")
        return item.to_domain(owner)

    parsed, malformed = _read_each(records, operation, read, default_reference=shipment_id)
    return ItemPage(
        items=tuple(parsed), malformed=malformed, next_token=next_token, rate_limit=rate_limit
    )


def inventory_page(body: dict[str, Any], operation: str, rate_limit: float | None) -> InventoryPage:
    payload = body.get("payload", body)
    if not isinstance(payload, dict):
        raise MalformedPage(f"{operation}: payload is not an object")
    records, _ = _records(payload, "inventorySummaries", "nextToken")
    pagination = body.get("pagination")
    next_token = pagination.get("nextToken") if isinstance(pagination, dict) else None
    _check_token(next_token, "nextToken")
    parsed, malformed = _read_each(
        records, operation, lambda raw: AmazonInventorySummary.model_validate(raw).to_domain()
    )
    return InventoryPage(
        summaries=tuple(parsed),
        malformed=malformed,
        next_token=next_token if isinstance(next_token, str) and next_token else None,
        rate_limit=rate_limit,
    )


def _records(
    payload: dict[str, Any], list_key: str, token_key: str
) -> tuple[list[Any], str | None]:
    records = payload.get(list_key) or []
    if not isinstance(records, list):
        raise MalformedPage(f"{list_key} is not a list")
    if len(records) > MAX_RECORDS_PER_PAGE:
        raise MalformedPage(f"{list_key} holds more than {MAX_RECORDS_PER_PAGE} records")
    token = payload.get(token_key)
    _check_token(token, token_key)
    return records, token if isinstance(token, str) and token else None


def _check_token(token: object, name: str) -> None:
    """A token we would send back in a URL: one longer than the cap makes the page malformed."""
    if isinstance(token, str) and len(token) > MAX_NEXT_TOKEN:
        raise MalformedPage(f"{name} longer than {MAX_NEXT_TOKEN} characters")


def _read_each(
    records: list[Any],
    operation: str,
    read: Callable[[Any], T],
    default_reference: str | None = None,
) -> tuple[list[T], tuple[MalformedRecord, ...]]:
    parsed: list[T] = []
    malformed: list[MalformedRecord] = []
    for position, raw in enumerate(records):
        try:
            parsed.append(read(raw))
        except (ValidationError, ValueError) as problem:
            malformed.append(
                MalformedRecord(
                    operation=operation,
                    reference=_reference(raw, position, default_reference),
                    problem=_describe(problem),
                    shipment_id=_shipment_id(raw) or default_reference,
                )
            )
    return parsed, tuple(malformed)


def _shipment_id(raw: object) -> str | None:
    """The record's ShipmentId, if it reads (and is not over its cap: never echoed then)."""
    return _within(raw, "ShipmentId", MAX_ID)


def _reference(raw: object, position: int, default: str | None) -> str:
    shipment_id = _shipment_id(raw)
    if shipment_id is not None:
        sku = _within(raw, "SellerSKU", MAX_SKU)
        return f"{shipment_id}/{sku}" if sku is not None else shipment_id
    return f"{default or 'record'} #{position}"


def _within(raw: object, key: str, cap: int) -> str | None:
    value = raw.get(key) if isinstance(raw, dict) else None
    return value if isinstance(value, str) and 0 < len(value) <= cap else None


def _describe(problem: ValidationError | ValueError) -> str:
    """Which fields were wrong and how, without echoing the values Amazon sent."""
    if isinstance(problem, ValidationError):
        return "; ".join(
            f"{'.'.join(str(part) for part in error['loc']) or 'record'}: {_message(error)}"
            for error in problem.errors(include_url=False, include_input=False)
        )
    return str(problem)


def _message(error: ErrorDetails) -> str:
    """Pydantic's message, in words a person reads at once where pydantic's are roundabout."""
    if error["type"] == "greater_than_equal" and error.get("ctx", {}).get("ge") == 0:
        return "must not be negative"
    return error["msg"]
