"""Fulfillment Inbound v0 reads: getShipments, getShipmentItemsByShipmentId, getShipmentItems.

Handlers assume the gateway has already authenticated the seller and applied rate limits and
faults; they only validate parameters and render pages. Parameters are checked as Amazon's
gateway checks them against the model, whatever the QueryType: status values must be in the
request enum (case-sensitive) and date-times must carry a zone.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .http_types import Request, Response, sp_api_error
from .models import KNOWN_STATUSES
from .paging import Cursor, CursorKind, CursorRegistry, paginate
from .query_params import InvalidInput, csv_list, date_range, enum_list, required, timestamp
from .store import SimulatorStore
from .wire_format import item_to_wire, shipment_to_wire

MAX_SHIPMENT_IDS = 999

ItemKey = tuple[str, str]  # (shipment_id, sku)


class InboundApi:
    def __init__(self, store: SimulatorStore, cursors: CursorRegistry, page_size: int) -> None:
        self._store = store
        self._cursors = cursors
        self._page_size = page_size

    def get_shipments(self, request: Request, seller_id: str, _: dict[str, str]) -> Response:
        keys: Sequence[str]
        try:
            marketplace_id = required(request, "MarketplaceId")
            query_type = required(request, "QueryType")
            _check_date_times(request)
            # The request enum lists READY_TO_SHIP (the response enum does not).
            enum_list(request, "ShipmentStatusList", KNOWN_STATUSES)
            if query_type == "NEXT_TOKEN":
                # Only the token counts: the original filters need not (and should not) be resent.
                cursor = self._cursor(request, seller_id, "shipments")
                keys, offset = cursor.keys, cursor.offset
            elif query_type in ("SHIPMENT", "DATE_RANGE"):
                # A NextToken sent with these query types is ignored, so a client that resends
                # its filters with the token gets the first page again, as at Amazon.
                keys, offset = self._matching_shipment_ids(request, seller_id, marketplace_id), 0
            else:
                raise InvalidInput(
                    f"QueryType must be SHIPMENT, DATE_RANGE or NEXT_TOKEN; got {query_type!r}"
                )
        except InvalidInput as problem:
            return sp_api_error(400, "InvalidInput", problem.message)

        with self._store.locked():
            page = paginate(keys, offset, self._page_size)
            shipments = [self._store.find_shipment(key) for key in page.keys]
            payload: dict[str, Any] = {
                "ShipmentData": [shipment_to_wire(s) for s in shipments if s is not None]
            }
        self._add_next_token(
            payload, page.next_offset, "shipments", seller_id, marketplace_id, keys
        )
        return Response.json(200, {"payload": payload})

    def get_shipment_items_by_shipment_id(
        self, request: Request, seller_id: str, path_params: dict[str, str]
    ) -> Response:
        keys: Sequence[ItemKey]
        # MarketplaceId is optional here and deprecated ("Do not use") in Amazon's model.
        marketplace_id = request.last("MarketplaceId")
        try:
            if request.last("NextToken"):
                cursor = self._cursor(request, seller_id, "items")
                keys, offset = cursor.keys, cursor.offset
                marketplace_id = marketplace_id or cursor.marketplace_id
            else:
                shipment_id = path_params["shipment_id"]
                shipment = self._store.find_shipment(shipment_id)
                if shipment is None or shipment.seller_id != seller_id:
                    return sp_api_error(
                        404, "NotFound", f"Shipment {shipment_id} was not found for this seller."
                    )
                with self._store.locked():
                    keys = tuple((shipment_id, sku) for sku in shipment.items)
                offset = 0
                marketplace_id = marketplace_id or shipment.marketplace_id
        except InvalidInput as problem:
            return sp_api_error(400, "InvalidInput", problem.message)
        return self._items_page(keys, offset, seller_id, marketplace_id)

    def get_shipment_items(self, request: Request, seller_id: str, _: dict[str, str]) -> Response:
        keys: Sequence[ItemKey]
        try:
            marketplace_id = required(request, "MarketplaceId")
            query_type = required(request, "QueryType")
            _check_date_times(request)
            if query_type == "NEXT_TOKEN":
                # Also continues a token from getShipmentItemsByShipmentId.
                cursor = self._cursor(request, seller_id, "items")
                keys, offset = cursor.keys, cursor.offset
            elif query_type == "DATE_RANGE":
                after, before = date_range(request)
                with self._store.locked():
                    keys = tuple(
                        (shipment.shipment_id, item.sku)
                        for shipment in self._store.shipments_of(seller_id, marketplace_id)
                        for item in shipment.items.values()
                        if after <= item.last_updated_at <= before
                    )
                offset = 0
            else:
                raise InvalidInput(
                    f"QueryType must be DATE_RANGE or NEXT_TOKEN; got {query_type!r}"
                )
        except InvalidInput as problem:
            return sp_api_error(400, "InvalidInput", problem.message)
        return self._items_page(keys, offset, seller_id, marketplace_id)

    def _matching_shipment_ids(
        self, request: Request, seller_id: str, marketplace_id: str
    ) -> tuple[str, ...]:
        statuses = set(enum_list(request, "ShipmentStatusList", KNOWN_STATUSES))
        shipment_ids = set(csv_list(request, "ShipmentIdList"))
        if not statuses and not shipment_ids:
            # Amazon demands one of the lists even with DATE_RANGE.
            raise InvalidInput("ShipmentStatusList or ShipmentIdList must be provided")
        if len(shipment_ids) > MAX_SHIPMENT_IDS:
            raise InvalidInput(f"ShipmentIdList accepts at most {MAX_SHIPMENT_IDS} ids")
        query_type = request.last("QueryType")
        after, before = date_range(request) if query_type == "DATE_RANGE" else (None, None)
        with self._store.locked():
            return tuple(
                shipment.shipment_id
                for shipment in self._store.shipments_of(seller_id, marketplace_id)
                if (not statuses or shipment.status in statuses)
                and (not shipment_ids or shipment.shipment_id in shipment_ids)
                and (after is None or after <= shipment.last_updated_at)
                and (before is None or shipment.last_updated_at <= before)
            )

    def _items_page(
        self, keys: Sequence[ItemKey], offset: int, seller_id: str, marketplace_id: str
    ) -> Response:
        with self._store.locked():
            page = paginate(keys, offset, self._page_size)
            items = []
            for shipment_id, sku in page.keys:
                shipment = self._store.find_shipment(shipment_id)
                if shipment is not None and sku in shipment.items:
                    items.append(item_to_wire(shipment_id, shipment.items[sku]))
        payload: dict[str, Any] = {"ItemData": items}
        self._add_next_token(payload, page.next_offset, "items", seller_id, marketplace_id, keys)
        return Response.json(200, {"payload": payload})

    def _cursor(self, request: Request, seller_id: str, kind: CursorKind) -> Cursor[Any]:
        token = required(request, "NextToken")
        cursor = self._cursors.find(token)
        if cursor is None or cursor.kind != kind or cursor.seller_id != seller_id:
            raise InvalidInput("The NextToken is invalid or has expired")
        return cursor

    def _add_next_token(
        self,
        payload: dict[str, Any],
        next_offset: int | None,
        kind: CursorKind,
        seller_id: str,
        marketplace_id: str,
        keys: Sequence[str] | Sequence[ItemKey],
    ) -> None:
        if next_offset is None:
            return
        payload["NextToken"] = self._cursors.issue(
            Cursor(
                kind=kind,
                seller_id=seller_id,
                marketplace_id=marketplace_id,
                keys=tuple(keys),
                offset=next_offset,
                issued_at=self._store.clock.now(),
            )
        )


def _check_date_times(request: Request) -> None:
    """Refuse a malformed or zone-less date-time even where the QueryType does not use it."""
    for key in ("LastUpdatedAfter", "LastUpdatedBefore"):
        timestamp(request, key)
