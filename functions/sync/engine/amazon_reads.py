"""Paging through Amazon's answers: shipment listings, one shipment's items, and the items of
many shipments by date (a backfill's feed, see `backfill.py`).

Each ends at the last page or on an empty page (Amazon hands out tokens that lead to one). A token
seen before, or more pages than the caller's cap, stops it short with `PagingStopped`: Amazon's
paging leads nowhere, and what was read may not be all there is; the caller decides what that
means. Items continue a by-shipment or by-date NextToken through getShipmentItems.
"""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TypeVar

from domain.amazon_gateway import (
    GET_SHIPMENT_ITEMS,
    GET_SHIPMENT_ITEMS_BY_SHIPMENT_ID,
    GET_SHIPMENTS,
    AmazonGateway,
    AmazonUnreadable,
    ItemPage,
    ItemQuery,
    MalformedRecord,
    ShipmentItem,
    ShipmentPage,
    ShipmentQuery,
)
from domain.inbound_shipment.amazon import AmazonShipmentLine
from functions.sync.engine.pacing import Pacer

P = TypeVar("P", ShipmentPage, ItemPage)


class PagingStopped(Exception):
    """Amazon's NextTokens led nowhere: one came back a second time, or the pages ran past the
    cap. Raised after the last page read was handed over."""

    def __init__(self, operation: str, detail: str) -> None:
        super().__init__(f"{operation}: {detail}")
        self.operation = operation
        self.detail = detail


@dataclass(frozen=True)
class Paging:
    """Where a listing resumes, and its cap: `read` pages read before (by earlier invocations of
    the run) count towards `max_pages`."""

    max_pages: int
    resume_token: str | None = None
    read: int = 0


def shipment_pages(pacer: Pacer, query: ShipmentQuery, paging: Paging) -> Iterator[ShipmentPage]:
    """The listing's pages from the first (or from the paging's token) to the last."""
    return _pages(
        pacer,
        GET_SHIPMENTS,
        lambda gateway: gateway.list_shipments(query),
        lambda token: _next_shipments(query.marketplace_id, token),
        paging,
    )


def updated_item_pages(pacer: Pacer, query: ItemQuery, paging: Paging) -> Iterator[ItemPage]:
    """The pages of the items updated in the query's range, from the first (or from the
    paging's token) to the last."""
    return _pages(
        pacer,
        GET_SHIPMENT_ITEMS,
        lambda gateway: gateway.updated_items(query),
        lambda token: _next_items(query.marketplace_id, token),
        paging,
    )


def _pages(
    pacer: Pacer,
    operation: str,
    first: Callable[[AmazonGateway], P],
    following: Callable[[str], Callable[[AmazonGateway], P]],
    paging: Paging,
    next_operation: str | None = None,
) -> Iterator[P]:
    """`next_operation`: the operation a NextToken continues through, if not `operation`."""
    seen: set[str] = set()
    read = paging.read + 1
    if paging.resume_token is None:
        page = pacer.call(operation, first)
    else:
        seen.add(paging.resume_token)
        page = pacer.call(next_operation or operation, following(paging.resume_token))
    while True:
        yield page
        token = page.next_token
        if not token or page.is_empty:
            return
        if token in seen:
            raise PagingStopped(operation, f"NextToken repeated after {read} pages")
        if read >= paging.max_pages:
            raise PagingStopped(operation, f"more than {paging.max_pages} pages")
        seen.add(token)
        page = pacer.call(next_operation or operation, following(token))
        read += 1


@dataclass(frozen=True)
class ShipmentItems:
    """A shipment's lines, or None when a malformed record makes them untrustworthy."""

    lines: tuple[AmazonShipmentLine, ...] | None
    malformed: tuple[MalformedRecord, ...]


def shipment_items(
    pacer: Pacer, marketplace_id: str, shipment_id: str, max_pages: int
) -> ShipmentItems:
    """The shipment's lines, untrustworthy (None) when Amazon's pages of them cannot be read
    whole: an unreadable page, a repeated NextToken, more than `max_pages` pages."""
    items: list[ShipmentItem] = []
    malformed: list[MalformedRecord] = []
    pages = _pages(
        pacer,
        GET_SHIPMENT_ITEMS_BY_SHIPMENT_ID,
        lambda gateway: gateway.shipment_items(marketplace_id, shipment_id),
        lambda token: _next_items(marketplace_id, token),
        Paging(max_pages=max_pages),
        next_operation=GET_SHIPMENT_ITEMS,
    )
    try:
        for page in pages:
            items += page.items
            malformed += page.malformed
    except (AmazonUnreadable, PagingStopped) as stopped:
        record = MalformedRecord(
            operation=stopped.operation,
            reference=shipment_id,
            problem=f"its items could not be read whole: {stopped.detail}",
            shipment_id=shipment_id,
        )
        return ShipmentItems(None, (*malformed, record))
    return whole_shipment(shipment_id, GET_SHIPMENT_ITEMS_BY_SHIPMENT_ID, items, malformed)


def whole_shipment(
    shipment_id: str,
    operation: str,
    items: Iterable[ShipmentItem],
    malformed: Iterable[MalformedRecord],
) -> ShipmentItems:
    """Every item Amazon gave of one shipment, in Amazon's order, as its lines: untrustworthy
    (None) when a record was malformed, belongs to another shipment, or repeats a SKU."""
    problems = list(malformed)
    lines: dict[str, AmazonShipmentLine] = {}
    for item in items:
        if item.shipment_id != shipment_id or item.line.sku in lines:
            problem = (
                "a line of another shipment" if item.shipment_id != shipment_id else "SKU twice"
            )
            problems.append(
                MalformedRecord(
                    operation=operation,
                    reference=f"{shipment_id}/{item.line.sku}",
                    problem=f"{problem} in the items of {shipment_id}",
                    shipment_id=shipment_id,
                )
            )
        else:
            lines[item.line.sku] = item.line
    # With one line unreadable, the others would read as removed: keep the lines as they were.
    return ShipmentItems(None if problems else tuple(lines.values()), tuple(problems))


def _next_shipments(marketplace_id: str, token: str) -> Callable[[AmazonGateway], ShipmentPage]:
    return lambda gateway: gateway.next_shipments(marketplace_id, token)


def _next_items(marketplace_id: str, token: str) -> Callable[[AmazonGateway], ItemPage]:
    return lambda gateway: gateway.next_items(marketplace_id, token)
