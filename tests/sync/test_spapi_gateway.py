"""The sp_api adapter against the simulated Amazon: the requests it sends, the pages it reads,
and the typed errors it raises for Amazon's failures, silent ones included."""

import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from pydantic import SecretStr

from domain.amazon_gateway import (
    ALL_SHIPMENT_STATUSES,
    AmazonAuthFailed,
    AmazonRejected,
    AmazonThrottled,
    AmazonUnavailable,
    ItemQuery,
    ShipmentQuery,
)
from domain.marketplaces import Region
from functions.shared.adapters.spapi_gateway import LwaCredentials, SpApiGateway
from infra.simulated_amazon import ControlClient, SimulatedAmazon
from tests.sync.harness import US
from tests.sync.proxy import FaultyProxy

pytestmark = pytest.mark.slow


@pytest.fixture
def seller(control: ControlClient) -> tuple[str, str]:
    seller_id = f"A{uuid.uuid4().hex[:12].upper()}"
    return seller_id, control.create_seller(seller_id, [US])["refresh_token"]


def gateway_for(url: str, refresh_token: str) -> SpApiGateway:
    credentials = LwaCredentials(
        lwa_app_id="app", lwa_client_secret=SecretStr("s"), refresh_token=SecretStr(refresh_token)
    )
    return SpApiGateway(credentials, Region.NA, endpoint=url)


@pytest.fixture
def gateway(proxy: FaultyProxy, seller: tuple[str, str]) -> Iterator[SpApiGateway]:
    opened = gateway_for(proxy.url, seller[1])
    yield opened
    opened.close()


def a_day(control: ControlClient) -> ShipmentQuery:
    """The day up to Amazon's now (other tests move the simulator's clock forward)."""
    now = datetime.fromisoformat(control.now())
    return ShipmentQuery(
        marketplace_id=US,
        updated_after=now - timedelta(days=1),
        updated_before=now + timedelta(hours=1),
    )


def test_listing_asks_by_date_with_every_status_and_pages_with_the_token_alone(
    gateway: SpApiGateway, proxy: FaultyProxy, control: ControlClient, seller: tuple[str, str]
) -> None:
    created = control.bulk_create_shipments(seller[0], US, 12, 1)

    first = gateway.list_shipments(a_day(control))
    assert first.next_token is not None
    second = gateway.next_shipments(US, first.next_token)

    assert [s.shipment_id for s in first.shipments + second.shipments] == created
    assert second.rate_limit == 200.0
    asked, paged = proxy.calls("getShipments")
    assert asked.query["QueryType"] == ["DATE_RANGE"]
    assert asked.query["ShipmentStatusList"] == [",".join(ALL_SHIPMENT_STATUSES)]
    assert asked.query["LastUpdatedAfter"][0].endswith("Z")
    # Resending the filters with the token can return the first page again: only these three.
    assert paged.query == {
        "QueryType": ["NEXT_TOKEN"],
        "NextToken": [first.next_token],
        "MarketplaceId": [US],
    }


def test_items_continue_through_get_shipment_items(
    gateway: SpApiGateway, proxy: FaultyProxy, control: ControlClient, seller: tuple[str, str]
) -> None:
    sid = control.create_shipment(seller[0], US, {f"SKU-{n:02d}": n + 1 for n in range(25)})

    pages = [gateway.shipment_items(US, sid)]
    while pages[-1].next_token:
        pages.append(gateway.next_items(US, pages[-1].next_token))

    assert [len(page.items) for page in pages] == [10, 10, 5]
    assert [item.line.quantity_shipped for page in pages for item in page.items] == list(
        range(1, 26)
    )
    assert [entry.operation for entry in proxy.log if entry.operation != "token"] == [
        "getShipmentItemsByShipmentId",
        "getShipmentItems",
        "getShipmentItems",
    ]


def test_items_by_date_ask_both_bounds_widened_to_seconds_and_page_with_the_token_alone(
    gateway: SpApiGateway, proxy: FaultyProxy, control: ControlClient, seller: tuple[str, str]
) -> None:
    created = control.bulk_create_shipments(seller[0], US, 12, 1)
    day = a_day(control)
    assert day.updated_after is not None and day.updated_before is not None
    after = day.updated_after.replace(microsecond=123456)
    before = day.updated_before.replace(microsecond=654321)

    first = gateway.updated_items(
        ItemQuery(marketplace_id=US, updated_after=after, updated_before=before)
    )
    assert first.next_token is not None
    second = gateway.next_items(US, first.next_token)

    assert [item.shipment_id for item in first.items + second.items] == created
    asked, paged = proxy.calls("getShipmentItems")
    assert asked.query["QueryType"] == ["DATE_RANGE"]
    assert asked.query["MarketplaceId"] == [US]
    # Both bounds are inclusive: the range widens outwards to whole seconds, in UTC with a Z.
    assert asked.query["LastUpdatedAfter"] == [after.strftime("%Y-%m-%dT%H:%M:%SZ")]
    later = before.replace(microsecond=0) + timedelta(seconds=1)
    assert asked.query["LastUpdatedBefore"] == [later.strftime("%Y-%m-%dT%H:%M:%SZ")]
    assert paged.query == {
        "QueryType": ["NEXT_TOKEN"],
        "NextToken": [first.next_token],
        "MarketplaceId": [US],
    }


@pytest.fixture
def rate_on_429s(sim: SimulatedAmazon) -> Iterator[None]:
    """Opt in to x-amzn-RateLimit-Limit on 429s (the simulator's are bare by default)."""
    sim.rate_limiter.header_on_429.configure(1.0)
    yield
    sim.rate_limiter.header_on_429.configure(0.0)


@pytest.mark.usefixtures("rate_on_429s")
@pytest.mark.parametrize(
    ("status", "body", "raised", "detail"),
    [
        (429, "json", AmazonThrottled, "HTTP 429"),
        (429, "html", AmazonThrottled, "HTTP 429 with an empty or HTML body"),
        (500, "empty", AmazonUnavailable, "HTTP 500 with an empty or HTML body"),
        (503, "html", AmazonUnavailable, "HTTP 503 with an empty or HTML body"),
        (500, "json", AmazonUnavailable, "HTTP 500 InternalFailure"),
    ],
)
def test_amazon_failures_become_typed_errors_even_when_sp_api_stays_silent(
    gateway: SpApiGateway,
    control: ControlClient,
    status: int,
    body: str,
    raised: type[Exception],
    detail: str,
) -> None:
    control.inject_fault("getShipments", status, body)

    with pytest.raises(raised) as error:
        gateway.list_shipments(a_day(control))

    assert error.type is raised  # not a subclass standing in for another
    assert str(error.value) == f"getShipments: {detail}"
    assert error.value.rate_limit == 200.0  # type: ignore[attr-defined]


def test_a_refused_request_and_a_refused_token_are_told_apart(
    gateway: SpApiGateway, sim_url: str, control: ControlClient
) -> None:
    with pytest.raises(AmazonRejected, match="HTTP 400 InvalidInput"):
        gateway.next_items(US, "not-a-token")
    revoked = gateway_for(sim_url, "Atzr|never-issued")
    with pytest.raises(AmazonAuthFailed, match="invalid_grant"):
        revoked.list_shipments(a_day(control))
    revoked.close()


def test_inventory_summaries_read_amazons_figures(
    gateway: SpApiGateway, control: ControlClient, seller: tuple[str, str]
) -> None:
    sid = control.create_shipment(seller[0], US, {"A": 10}, status="SHIPPED")
    control.receive(sid, {"A": 4})

    page = gateway.inventory_summaries(US, ("A",))

    [summary] = page.summaries
    assert summary.sku == "A" and summary.fnsku.startswith("X00")
    assert (summary.figures.fulfillable, summary.figures.inbound_receiving) == (4, 6)
