"""getShipments through the real sp_api client: filters, paging and Amazon's quirks."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sp_api.base.exceptions import SellingApiBadRequestException

from infra.simulated_amazon import ControlApiError, ControlClient, SimulatedAmazon

from .conftest import ALL_STATUSES, US, SellerFactory, SellerHandle, iso

pytestmark = pytest.mark.slow


def date_range_params(control: ControlClient) -> dict[str, str]:
    return {
        "QueryType": "DATE_RANGE",
        "ShipmentStatusList": ALL_STATUSES,
        "LastUpdatedAfter": "2000-01-01T00:00:00Z",
        "LastUpdatedBefore": iso(control.now(), plus_seconds=1),
    }


def page_through(inbound: Any, first_params: dict[str, str]) -> list[list[str]]:
    """Every page's shipment ids, following NEXT_TOKEN with only the token."""
    response = inbound.get_shipments(**first_params)
    pages = [[s["ShipmentId"] for s in response.payload["ShipmentData"]]]
    while response.next_token:
        response = inbound.get_shipments(QueryType="NEXT_TOKEN", NextToken=response.next_token)
        pages.append([s["ShipmentId"] for s in response.payload["ShipmentData"]])
    return pages


def test_date_range_pages_end_on_an_empty_page_when_results_fill_whole_pages(
    control: ControlClient, seller: SellerHandle
) -> None:
    created = [control.create_shipment(seller.seller_id, US, {"SKU-1": 4}) for _ in range(6)]

    pages = page_through(seller.inbound(), date_range_params(control))

    # Page size 3, six shipments: two full pages, then a token that leads to an empty page.
    assert [len(page) for page in pages] == [3, 3, 0]
    assert [sid for page in pages for sid in page] == created


def test_a_partial_last_page_carries_no_token(control: ControlClient, seller: SellerHandle) -> None:
    created = [control.create_shipment(seller.seller_id, US, {"SKU-1": 4}) for _ in range(4)]

    pages = page_through(seller.inbound(), date_range_params(control))

    assert [len(page) for page in pages] == [3, 1]
    assert sorted(sid for page in pages for sid in page) == sorted(created)


def test_shipment_fields_use_amazons_names(control: ControlClient, seller: SellerHandle) -> None:
    shipment_id = control.create_shipment(
        seller.seller_id,
        US,
        {"SKU-1": 4},
        destination_fc="ONT8",
        name="Spring restock",
        confirmed_need_by_date="2026-12-01",
    )

    response = seller.inbound().get_shipments_by_id([shipment_id])

    [shipment] = response.payload["ShipmentData"]
    assert shipment["ShipmentId"] == shipment_id
    assert shipment_id.startswith("FBA") and len(shipment_id) == 12
    assert shipment["ShipmentName"] == "Spring restock"
    assert shipment["DestinationFulfillmentCenterId"] == "ONT8"
    assert shipment["ShipmentStatus"] == "WORKING"
    assert shipment["ConfirmedNeedByDate"] == "2026-12-01"
    assert set(shipment["ShipFromAddress"]) >= {"Name", "AddressLine1", "City", "CountryCode"}
    assert {"LabelPrepType", "AreCasesRequired", "BoxContentsSource"} <= set(shipment)
    assert response.headers["x-amzn-RateLimit-Limit"] == "200.0"  # 2/s times rate_scale 100
    assert response.headers["x-amzn-RequestId"]


def test_a_status_or_id_list_is_required_even_with_date_range(seller: SellerHandle) -> None:
    with pytest.raises(SellingApiBadRequestException) as raised:
        seller.inbound().get_shipments(
            QueryType="DATE_RANGE",
            LastUpdatedAfter="2020-01-01T00:00:00Z",
            LastUpdatedBefore="2030-01-01T00:00:00Z",
        )

    assert raised.value.amzn_code == "InvalidInput"
    assert "ShipmentStatusList" in raised.value.message
    assert raised.value.headers["x-amzn-RateLimit-Limit"] == "200.0"


def test_marketplace_id_is_required_on_every_call_including_next_token(
    sim: SimulatedAmazon, control: ControlClient, seller: SellerHandle
) -> None:
    for _ in range(4):
        control.create_shipment(seller.seller_id, US, {"SKU-1": 1})
    first = seller.inbound().get_shipments(QueryType="SHIPMENT", ShipmentStatusList="WORKING")
    headers = {"x-amz-access-token": seller.inbound().auth.access_token}

    without_marketplace = httpx.get(
        f"{sim.url}/fba/inbound/v0/shipments",
        params={"QueryType": "NEXT_TOKEN", "NextToken": first.next_token},
        headers=headers,
    )
    with_marketplace = httpx.get(
        f"{sim.url}/fba/inbound/v0/shipments",
        params={"QueryType": "NEXT_TOKEN", "NextToken": first.next_token, "MarketplaceId": US},
        headers=headers,
    )

    assert without_marketplace.status_code == 400
    assert without_marketplace.json()["errors"][0]["code"] == "InvalidInput"
    assert "MarketplaceId" in without_marketplace.json()["errors"][0]["message"]
    assert with_marketplace.status_code == 200
    assert len(with_marketplace.json()["payload"]["ShipmentData"]) == 1


def test_resending_the_filters_with_the_token_returns_the_first_page_again(
    control: ControlClient, seller: SellerHandle
) -> None:
    for _ in range(5):
        control.create_shipment(seller.seller_id, US, {"SKU-1": 1})
    params = date_range_params(control)
    inbound = seller.inbound()
    first = inbound.get_shipments(**params)

    again = inbound.get_shipments(**params, NextToken=first.next_token)

    assert again.payload["ShipmentData"] == first.payload["ShipmentData"]


def test_receipts_do_not_move_last_updated_but_status_changes_do(
    control: ControlClient, seller: SellerHandle
) -> None:
    shipment_id = control.create_shipment(seller.seller_id, US, {"SKU-1": 10}, status="RECEIVING")
    created_at = control.shipment(shipment_id)["last_updated_at"]
    control.advance_clock(3600)
    window_start = control.now()
    inbound = seller.inbound()

    def updated_since_window_start() -> list[str]:
        response = inbound.get_shipments(
            QueryType="DATE_RANGE",
            ShipmentStatusList=ALL_STATUSES,
            LastUpdatedAfter=iso(window_start),
            LastUpdatedBefore=iso(control.now(), plus_seconds=1),
        )
        return [s["ShipmentId"] for s in response.payload["ShipmentData"]]

    control.receive(shipment_id, {"SKU-1": 7})
    assert control.shipment(shipment_id)["last_updated_at"] == created_at
    assert updated_since_window_start() == []
    items = inbound.shipment_items_by_shipment(shipment_id).payload["ItemData"]
    assert items[0]["QuantityReceived"] == 7

    control.close(shipment_id)
    assert updated_since_window_start() == [shipment_id]


def test_date_range_bounds_are_inclusive(control: ControlClient, seller: SellerHandle) -> None:
    shipment_id = control.create_shipment(seller.seller_id, US, {"SKU-1": 1})
    stamp = iso(control.shipment(shipment_id)["last_updated_at"])

    response = seller.inbound().get_shipments(
        QueryType="DATE_RANGE",
        ShipmentStatusList="WORKING",
        LastUpdatedAfter=stamp,
        LastUpdatedBefore=stamp,
    )

    assert [s["ShipmentId"] for s in response.payload["ShipmentData"]] == [shipment_id]


def test_every_status_and_unknown_ones_are_returned_as_is(
    control: ControlClient, seller: SellerHandle
) -> None:
    statuses = [*ALL_STATUSES.split(","), "AWAITING_MARS_LANDING"]
    by_status = {}
    for status in statuses:
        shipment_id = control.create_shipment(seller.seller_id, US, {"SKU-1": 1})
        control.set_status(shipment_id, status)
        by_status[shipment_id] = status
    inbound = seller.inbound()

    seen: dict[str, str] = {}
    response = inbound.get_shipments(QueryType="SHIPMENT", ShipmentIdList=",".join(by_status))
    while True:
        seen.update(
            {s["ShipmentId"]: s["ShipmentStatus"] for s in response.payload["ShipmentData"]}
        )
        if not response.next_token:
            break
        response = inbound.get_shipments(QueryType="NEXT_TOKEN", NextToken=response.next_token)

    assert seen == by_status


def test_status_filter_matches_exactly(control: ControlClient, seller: SellerHandle) -> None:
    working = control.create_shipment(seller.seller_id, US, {"SKU-1": 1})
    shipped = control.create_shipment(seller.seller_id, US, {"SKU-1": 1}, status="SHIPPED")

    inbound = seller.inbound()
    only_shipped = inbound.get_shipments(QueryType="SHIPMENT", ShipmentStatusList="SHIPPED")
    both = inbound.get_shipments(QueryType="SHIPMENT", ShipmentStatusList="WORKING,SHIPPED")

    assert [s["ShipmentId"] for s in only_shipped.payload["ShipmentData"]] == [shipped]
    assert [s["ShipmentId"] for s in both.payload["ShipmentData"]] == [working, shipped]


def test_a_python_list_sent_as_repeated_keys_keeps_only_the_last_value(
    control: ControlClient, seller: SellerHandle
) -> None:
    # sp_api turns a list into repeated query keys; Amazon wants one comma-separated value.
    control.create_shipment(seller.seller_id, US, {"SKU-1": 1})
    shipped = control.create_shipment(seller.seller_id, US, {"SKU-1": 1}, status="SHIPPED")

    response = seller.inbound().get_shipments(
        QueryType="SHIPMENT", ShipmentStatusList=["WORKING", "SHIPPED"]
    )

    assert [s["ShipmentId"] for s in response.payload["ShipmentData"]] == [shipped]


def test_sellers_see_only_their_own_shipments(
    control: ControlClient, seller: SellerHandle, new_seller: SellerFactory
) -> None:
    other = new_seller()
    mine = control.create_shipment(seller.seller_id, US, {"SKU-1": 1})
    theirs = control.create_shipment(other.seller_id, US, {"SKU-1": 1})

    response = seller.inbound().get_shipments(
        QueryType="SHIPMENT", ShipmentIdList=f"{mine},{theirs}"
    )

    assert [s["ShipmentId"] for s in response.payload["ShipmentData"]] == [mine]


def test_a_token_from_another_seller_is_rejected(
    control: ControlClient, seller: SellerHandle, new_seller: SellerFactory
) -> None:
    for _ in range(4):
        control.create_shipment(seller.seller_id, US, {"SKU-1": 1})
    token = (
        seller.inbound()
        .get_shipments(QueryType="SHIPMENT", ShipmentStatusList="WORKING")
        .next_token
    )

    with pytest.raises(SellingApiBadRequestException):
        new_seller().inbound().get_shipments(QueryType="NEXT_TOKEN", NextToken=token)


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ({"label_prep_type": "LABEL_BY_HAND"}, "label_prep_type"),
        ({"box_contents_source": "EMAIL"}, "box_contents_source"),
        ({"ship_from": {"name": "N" * 51}}, "ship_from.name"),
        ({"ship_from": {"city": "C" * 31}}, "ship_from.city"),
    ],
)
def test_a_shipment_takes_only_values_amazons_model_allows(
    control: ControlClient, seller: SellerHandle, fields: dict[str, object], problem: str
) -> None:
    # Otherwise the simulator would answer getShipments with what Amazon never sends.
    with pytest.raises(ControlApiError) as raised:
        control.create_shipment(seller.seller_id, US, {"SKU-1": 1}, **fields)

    assert raised.value.status == 400
    assert problem in raised.value.message
