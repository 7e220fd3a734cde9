"""Fixtures: a simulator per test module, a fresh seller per test (a fresh refresh token keeps
sp_api's process-wide access-token cache from leaking between tests)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sp_api.api import FulfillmentInbound, Inventories

from infra.simulated_amazon import ControlClient, SimulatedAmazon, sp_api_client_kwargs

US = "ATVPDKIKX0DER"
CA = "A2EUQ1WTGCTBG2"
ALL_STATUSES = (
    "WORKING,READY_TO_SHIP,SHIPPED,IN_TRANSIT,DELIVERED,CHECKED_IN,RECEIVING,CLOSED,"
    "CANCELLED,DELETED,ERROR"
)


@dataclass
class SellerHandle:
    seller_id: str
    refresh_token: str
    url: str

    def inbound(self, marketplace_id: str = US) -> FulfillmentInbound:
        return FulfillmentInbound(
            **sp_api_client_kwargs(self.url, marketplace_id, self.refresh_token)
        )

    def inventories(self, marketplace_id: str = US) -> Inventories:
        return Inventories(**sp_api_client_kwargs(self.url, marketplace_id, self.refresh_token))


SellerFactory = Callable[..., SellerHandle]


@pytest.fixture(scope="module")
def sim() -> Iterator[SimulatedAmazon]:
    # Generous rates so that only the rate-limit tests ever see a 429; small pages so that
    # paging shows up with a handful of shipments.
    with SimulatedAmazon(rate_scale=100, page_size=3) as simulator:
        yield simulator


@pytest.fixture
def control(sim: SimulatedAmazon) -> Iterator[ControlClient]:
    with ControlClient(sim.url) as client:
        yield client
        client.clear_faults()


def make_seller(
    control: ControlClient, url: str, marketplace_ids: list[str] | None = None
) -> SellerHandle:
    seller_id = f"A{uuid.uuid4().hex[:12].upper()}"
    created = control.create_seller(seller_id, marketplace_ids or [US])
    return SellerHandle(seller_id, created["refresh_token"], url)


@pytest.fixture
def new_seller(control: ControlClient, sim: SimulatedAmazon) -> SellerFactory:
    """Call with an optional list of marketplace ids."""
    return lambda marketplace_ids=None: make_seller(control, sim.url, marketplace_ids)


@pytest.fixture
def seller(new_seller: SellerFactory) -> SellerHandle:
    return new_seller()


def iso(text_or_offset: str, plus_seconds: float = 0) -> str:
    """A control-API timestamp moved by some seconds, in the form SP-API clients send."""
    moment = datetime.fromisoformat(text_or_offset) + timedelta(seconds=plus_seconds)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def items_by_sku(inbound: Any, shipment_id: str) -> dict[str, dict[str, Any]]:
    """Every line of a shipment through getShipmentItemsByShipmentId, following NextToken."""
    response = inbound.shipment_items_by_shipment(shipment_id)
    items = list(response.payload["ItemData"])
    while response.next_token:
        response = inbound.shipment_items(QueryType="NEXT_TOKEN", NextToken=response.next_token)
        items.extend(response.payload["ItemData"])
    return {item["SellerSKU"]: item for item in items}
