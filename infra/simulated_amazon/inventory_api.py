"""FBA Inventory v1 getInventorySummaries, computed from the simulated shipments.

Parameters are checked as Amazon checks them: `details` is a boolean, `startDateTime` a
date-time with a zone no older than 18 months, and a query that had a `startDateTime` pages
with `nextToken` plus that same `startDateTime`.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from .clock import format_timestamp
from .http_types import Request, Response, sp_api_error
from .paging import Cursor, CursorRegistry, paginate
from .query_params import InvalidInput, boolean, csv_list, required, timestamp
from .store import SimulatorStore
from .wire_format import inventory_summary_to_wire

MAX_SELLER_SKUS = 50
# Amazon's inventory nextToken expires after 30 seconds.
NEXT_TOKEN_LIFETIME = timedelta(seconds=30)
# startDateTime may go back this far from the time of the call, no further.
START_DATE_TIME_MAX_AGE_MONTHS = 18


class InventoryApi:
    def __init__(self, store: SimulatorStore, cursors: CursorRegistry, page_size: int) -> None:
        self._store = store
        self._cursors = cursors
        self._page_size = page_size

    def get_inventory_summaries(
        self, request: Request, seller_id: str, _: dict[str, str]
    ) -> Response:
        skus: Sequence[str]
        try:
            marketplace_id = self._single_marketplace(request)
            granularity_type = required(request, "granularityType")
            if granularity_type != "Marketplace":
                raise InvalidInput(f"granularityType must be Marketplace; got {granularity_type!r}")
            granularity_id = required(request, "granularityId")
            if granularity_id != marketplace_id:
                raise InvalidInput("granularityId must be the marketplace given in marketplaceIds")
            seller = self._store.seller(seller_id)
            if marketplace_id not in seller.marketplace_ids:
                raise InvalidInput(
                    f"The seller does not participate in marketplace {marketplace_id}"
                )
            with_details = boolean(request, "details", default=False)
            start = self._start_date_time(request)
            token = request.last("nextToken")
            if token:
                cursor = self._cursor(token, seller_id, start)
                skus, offset, with_details = cursor.keys, cursor.offset, cursor.details
            else:
                skus, offset = self._matching_skus(request, seller_id, marketplace_id, start), 0
        except InvalidInput as problem:
            return sp_api_error(400, "InvalidInput", problem.message)

        levels = self._store.inventory(seller_id, marketplace_id)
        page = paginate(skus, offset, self._page_size)
        summaries = [
            inventory_summary_to_wire(
                levels[sku],
                with_details=with_details,
                last_updated=format_timestamp(
                    levels[sku].last_updated_at or self._store.clock.now()
                ),
            )
            for sku in page.keys
            if sku in levels
        ]
        document: dict[str, Any] = {
            "payload": {
                "granularity": {"granularityType": "Marketplace", "granularityId": marketplace_id},
                "inventorySummaries": summaries,
            }
        }
        if page.next_offset is not None:
            next_token = self._cursors.issue(
                Cursor(
                    kind="inventory",
                    seller_id=seller_id,
                    marketplace_id=marketplace_id,
                    keys=tuple(skus),
                    offset=page.next_offset,
                    issued_at=self._store.clock.now(),
                    details=with_details,
                    start_date_time=start,
                )
            )
            document["pagination"] = {"nextToken": next_token}
        return Response.json(200, document)

    @staticmethod
    def _single_marketplace(request: Request) -> str:
        # The sp_api client sends marketplaceIds as repeated keys; accept that and commas, but
        # Amazon allows exactly one marketplace here.
        values = {
            part.strip()
            for value in request.query.get("marketplaceIds", [])
            for part in value.split(",")
            if part.strip()
        }
        if len(values) != 1:
            raise InvalidInput("marketplaceIds must name exactly one marketplace")
        return values.pop()

    def _start_date_time(self, request: Request) -> datetime | None:
        start = timestamp(request, "startDateTime")
        if start is None:
            return None
        oldest = months_before(self._store.clock.now(), START_DATE_TIME_MAX_AGE_MONTHS)
        if start < oldest:
            raise InvalidInput(
                f"startDateTime must be no earlier than {START_DATE_TIME_MAX_AGE_MONTHS} "
                f"months before now ({format_timestamp(oldest)})"
            )
        return start

    def _cursor(self, token: str, seller_id: str, start: datetime | None) -> Cursor[Any]:
        cursor = self._cursors.find(token)
        if cursor is None or cursor.kind != "inventory" or cursor.seller_id != seller_id:
            raise InvalidInput("The nextToken is invalid")
        if self._store.clock.now() - cursor.issued_at > NEXT_TOKEN_LIFETIME:
            raise InvalidInput("The nextToken has expired; start again without it")
        if cursor.start_date_time is not None and start != cursor.start_date_time:
            # Amazon: page with nextToken plus the original startDateTime.
            raise InvalidInput(
                "This nextToken belongs to a query with startDateTime "
                f"{format_timestamp(cursor.start_date_time)}: send that startDateTime with it"
            )
        return cursor

    def _matching_skus(
        self, request: Request, seller_id: str, marketplace_id: str, start: datetime | None
    ) -> list[str]:
        levels = self._store.inventory(seller_id, marketplace_id)
        if start is not None:
            # Like Amazon, startDateTime sees fulfillable changes (receipts) but misses
            # inbound-quantity changes; sellerSkus is ignored with it.
            return [
                sku
                for sku, level in levels.items()
                if level.last_received_at is not None and level.last_received_at >= start
            ]
        wanted = csv_list(request, "sellerSkus")
        if len(wanted) > MAX_SELLER_SKUS:
            raise InvalidInput(f"sellerSkus accepts at most {MAX_SELLER_SKUS} SKUs")
        single = request.last("sellerSku")
        if not wanted and single:
            wanted = [single]
        if wanted:
            return [sku for sku in wanted if sku in levels]
        return list(levels)


def months_before(moment: datetime, months: int) -> datetime:
    """The same day and time `months` calendar months earlier (the month's last day if the
    day does not exist then, e.g. 31 August -> 28 or 29 February)."""
    index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)
