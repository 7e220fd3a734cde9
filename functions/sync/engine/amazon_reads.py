"""Paging through Amazon's answers: shipment listings, one shipment's items, and the items of
many shipments by date (a backfill's feed, see `backfill.py`).

Each stops at the last page, on an empty page, or on a token seen before (Amazon hands out tokens
that lead nowhere). Items continue a by-shipment or by-date NextToken through getShipmentItems.
"""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TypeVar

from domain.amazon_gateway import (
    GET_SHIPMENT_ITEMS,
    GET_SHIPMENT_ITEMS_BY_SHIPMENT_ID,
    GET_SHIPMENTS,
    AmazonGateway,
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


def shipment_pages(
    pacer: Pacer, query: ShipmentQuery, resume_token: str | None = None
) -> Iterator[ShipmentPage]:
    """The listing's pages from the first (or from `resume_token`) to the last."""
    return _pages(
        pacer,
        GET_SHIPMENTS,
        lambda gateway: gateway.list_shipments(query),
        lambda token: _next_shipments(query.marketplace_id, token),
        resume_token,
    )


def updated_item_pages(
    pacer: Pacer, query: ItemQuery, resume_token: str | None = None
) -> Iterator[ItemPage]:
    """The pages of the items updated in the query's range, from the first (or from
    `resume_token`) to the last."""
    return _pages(
        pacer,
        GET_SHIPMENT_ITEMS,
        lambda gateway: gateway.updated_items(query),
        lambda token: _next_items(query.marketplace_id, token),
        resume_token,
    )


def _pages(
    pacer: Pacer,
    operation: str,
    first: Callable[[AmazonGateway], P],
    following: Callable[[str], Callable[[AmazonGateway], P]],
    resume_token: str | None,
) -> Iterator[P]:
    seen: set[str] = set()
    if resume_token is None:
        page = pacer.call(operation, first)
    else:
        seen.add(resume_token)
        page = pacer.call(operation, following(resume_token))
    while True:
        yield page
        token = page.next_token
        if not token or token in seen or page.is_empty:
            return
        seen.add(token)
        page = pacer.call(operation, following(token))


@dataclass(frozen=True)
class ShipmentItems:
    """A shipment's lines, or None when a malformed record makes them untrustworthy."""

    lines: tuple[AmazonShipmentLine, ...] | None
    malformed: tuple[MalformedRecord, ...]


def shipment_items(pacer: Pacer, marketplace_id: str, shipment_id: str) -> ShipmentItems:
    page = pacer.call(
        GET_SHIPMENT_ITEMS_BY_SHIPMENT_ID,
        lambda gateway: gateway.shipment_items(marketplace_id, shipment_id),
    )
    items, malformed = list(page.items), list(page.malformed)
    seen: set[str] = set()
    while page.next_token and page.next_token not in seen and not page.is_empty:
        token = page.next_token
        seen.add(token)
        page = pacer.call(GET_SHIPMENT_ITEMS, _next_items(marketplace_id, token))
        items += page.items
        malformed += page.malformed
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
