"""Paging through Amazon's answers: shipment listings and one shipment's items.

Both stop at the last page, on an empty page, or on a token seen before (Amazon hands out tokens
that lead nowhere). Items continue a by-shipment NextToken through getShipmentItems.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from domain.amazon_gateway import (
    GET_SHIPMENT_ITEMS,
    GET_SHIPMENT_ITEMS_BY_SHIPMENT_ID,
    GET_SHIPMENTS,
    AmazonGateway,
    ItemPage,
    MalformedRecord,
    ShipmentPage,
    ShipmentQuery,
)
from domain.inbound_shipment.amazon import AmazonShipmentLine
from functions.sync.pacing import Pacer


def shipment_pages(
    pacer: Pacer, query: ShipmentQuery, resume_token: str | None = None
) -> Iterator[ShipmentPage]:
    """The listing's pages from the first (or from `resume_token`) to the last."""
    marketplace_id = query.marketplace_id
    seen: set[str] = set()
    if resume_token is None:
        page = pacer.call(GET_SHIPMENTS, lambda gateway: gateway.list_shipments(query))
    else:
        seen.add(resume_token)
        page = pacer.call(
            GET_SHIPMENTS, lambda gateway: gateway.next_shipments(marketplace_id, resume_token)
        )
    while True:
        yield page
        token = page.next_token
        if not token or token in seen or page.is_empty:
            return
        seen.add(token)
        page = pacer.call(GET_SHIPMENTS, _next_shipments(marketplace_id, token))


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
    lines: dict[str, AmazonShipmentLine] = {}
    for item in items:
        if item.shipment_id != shipment_id or item.line.sku in lines:
            problem = (
                "a line of another shipment" if item.shipment_id != shipment_id else "SKU twice"
            )
            malformed.append(
                MalformedRecord(
                    operation=GET_SHIPMENT_ITEMS_BY_SHIPMENT_ID,
                    reference=f"{shipment_id}/{item.line.sku}",
                    problem=f"{problem} in the items of {shipment_id}",
                )
            )
        else:
            lines[item.line.sku] = item.line
    # With one line unreadable, the others would read as removed: keep the lines as they were.
    return ShipmentItems(None if malformed else tuple(lines.values()), tuple(malformed))


def _next_shipments(marketplace_id: str, token: str) -> Callable[[AmazonGateway], ShipmentPage]:
    return lambda gateway: gateway.next_shipments(marketplace_id, token)


def _next_items(marketplace_id: str, token: str) -> Callable[[AmazonGateway], ItemPage]:
    return lambda gateway: gateway.next_items(marketplace_id, token)
