"""Shipment items and the receiving life of a shipment: short/over closes, late finds,
unplanned SKUs, corrections, cancellations."""

from __future__ import annotations

import pytest
from sp_api.base.exceptions import SellingApiNotFoundException

from infra.simulated_amazon import ControlApiError, ControlClient, SimulatedAmazon

from .amazon_models import assert_response_matches_model
from .conftest import US, SellerFactory, SellerHandle, iso, items_by_sku
from .raw_sp_api import SHIPMENT_ITEMS, RawSpApi, error_of, shipment_items_path

pytestmark = pytest.mark.slow

SEVEN_SKUS = {f"SKU-{n}": 10 + n for n in range(7)}


def test_items_by_shipment_page_and_continue_through_get_shipment_items(
    control: ControlClient, seller: SellerHandle
) -> None:
    shipment_id = control.create_shipment(seller.seller_id, US, SEVEN_SKUS)
    inbound = seller.inbound()

    first = inbound.shipment_items_by_shipment(shipment_id)
    # A by-shipment token is continued with getShipmentItems QueryType=NEXT_TOKEN.
    second = inbound.shipment_items(QueryType="NEXT_TOKEN", NextToken=first.next_token)
    # ...or with the by-shipment call itself.
    third = inbound.shipment_items_by_shipment(shipment_id, NextToken=second.next_token)

    pages = [first, second, third]
    assert [len(page.payload["ItemData"]) for page in pages] == [3, 3, 1]
    assert third.next_token is None
    skus = [item["SellerSKU"] for page in pages for item in page.payload["ItemData"]]
    assert skus == list(SEVEN_SKUS)
    item = first.payload["ItemData"][0]
    assert item["ShipmentId"] == shipment_id
    assert (
        item["FulfillmentNetworkSKU"].startswith("X00") and len(item["FulfillmentNetworkSKU"]) == 10
    )
    assert item["QuantityShipped"] == 10 and item["QuantityReceived"] == 0
    assert item["QuantityInCase"] in (0, 1)
    assert item["PrepDetailsList"] == [{"PrepInstruction": "Labeling", "PrepOwner": "SELLER"}]


def test_fnsku_is_stable_per_seller_and_sku(control: ControlClient, seller: SellerHandle) -> None:
    first = control.create_shipment(seller.seller_id, US, {"SKU-A": 1})
    second = control.create_shipment(seller.seller_id, US, {"SKU-A": 2})
    inbound = seller.inbound()

    assert (
        items_by_sku(inbound, first)["SKU-A"]["FulfillmentNetworkSKU"]
        == items_by_sku(inbound, second)["SKU-A"]["FulfillmentNetworkSKU"]
    )


def test_unknown_shipment_is_a_404(seller: SellerHandle) -> None:
    with pytest.raises(SellingApiNotFoundException) as raised:
        seller.inbound().shipment_items_by_shipment("FBA000000000")

    assert raised.value.amzn_code == "NotFound"
    assert raised.value.headers["x-amzn-RequestId"]


def test_another_sellers_shipment_is_a_404_over_http(
    sim: SimulatedAmazon, control: ControlClient, seller: SellerHandle, new_seller: SellerFactory
) -> None:
    theirs = control.create_shipment(new_seller().seller_id, US, {"SKU-A": 1})
    raw = RawSpApi.for_seller(sim.url, seller.refresh_token)

    response = raw.get(shipment_items_path(theirs), {"MarketplaceId": US})

    assert error_of(response)[:2] == (404, "NotFound")
    assert theirs in error_of(response)[2]
    assert response.headers["x-amzn-RequestId"]
    assert_response_matches_model("getShipmentItemsByShipmentId", response)


def test_marketplace_id_is_optional_for_items_by_shipment_as_in_amazons_model(
    sim: SimulatedAmazon, control: ControlClient, seller: SellerHandle
) -> None:
    shipment_id = control.create_shipment(seller.seller_id, US, SEVEN_SKUS)
    raw = RawSpApi.for_seller(sim.url, seller.refresh_token)

    first = raw.get(shipment_items_path(shipment_id))
    token = first.json()["payload"]["NextToken"]
    second = raw.get(shipment_items_path(shipment_id), {"NextToken": token})
    # getShipmentItems still requires it, on NEXT_TOKEN pages too.
    without = raw.get(SHIPMENT_ITEMS, {"QueryType": "NEXT_TOKEN", "NextToken": token})

    assert first.status_code == second.status_code == 200
    assert len(first.json()["payload"]["ItemData"]) == len(second.json()["payload"]["ItemData"])
    assert error_of(without)[:2] == (400, "InvalidInput")


def test_get_shipment_items_date_range_uses_the_items_own_last_updated_time(
    control: ControlClient, seller: SellerHandle
) -> None:
    shipment_id = control.create_shipment(seller.seller_id, US, {"SKU-A": 5, "SKU-B": 5})
    control.advance_clock(600)
    window_start = control.now()
    control.receive(shipment_id, {"SKU-B": 5})

    response = seller.inbound().shipment_items(
        QueryType="DATE_RANGE",
        LastUpdatedAfter=iso(window_start),
        LastUpdatedBefore=iso(control.now(), plus_seconds=1),
    )

    assert [(i["SellerSKU"], i["QuantityReceived"]) for i in response.payload["ItemData"]] == [
        ("SKU-B", 5)
    ]


def test_close_short_and_credit_late_found_units_without_reopening(
    control: ControlClient, seller: SellerHandle
) -> None:
    shipment_id = control.create_shipment(
        seller.seller_id, US, {"SKU-A": 10, "SKU-B": 4}, status="SHIPPED"
    )
    assert control.receive(shipment_id, {"SKU-A": 8})["status"] == "RECEIVING"

    assert control.close(shipment_id)["status"] == "CLOSED"
    after_late_find = control.receive(shipment_id, {"SKU-A": 2, "SKU-B": 5})

    assert after_late_find["status"] == "CLOSED"
    items = items_by_sku(seller.inbound(), shipment_id)
    assert items["SKU-A"]["QuantityReceived"] == 10
    assert items["SKU-B"]["QuantityReceived"] == 5  # over-received: 5 of 4
    statuses = seller.inbound().get_shipments_by_id([shipment_id]).payload["ShipmentData"]
    assert statuses[0]["ShipmentStatus"] == "CLOSED"


def test_unplanned_skus_appear_as_lines_shipped_zero(
    control: ControlClient, seller: SellerHandle
) -> None:
    shipment_id = control.create_shipment(seller.seller_id, US, {"SKU-A": 3})

    control.receive(shipment_id, {"SKU-SURPRISE": 2})

    items = items_by_sku(seller.inbound(), shipment_id)
    assert items["SKU-SURPRISE"]["QuantityShipped"] == 0
    assert items["SKU-SURPRISE"]["QuantityReceived"] == 2


def test_negative_receipts_correct_the_cumulative_quantity(
    control: ControlClient, seller: SellerHandle
) -> None:
    shipment_id = control.create_shipment(seller.seller_id, US, {"SKU-A": 3})
    control.receive(shipment_id, {"SKU-A": 3})
    control.receive(shipment_id, {"SKU-A": -1})

    assert items_by_sku(seller.inbound(), shipment_id)["SKU-A"]["QuantityReceived"] == 2
    with pytest.raises(ControlApiError) as raised:
        control.receive(shipment_id, {"SKU-A": -5})
    assert raised.value.status == 400
    assert "QuantityReceived" in raised.value.message


def test_cancel_deletes_unshipped_and_cancels_shipped_shipments(
    control: ControlClient, seller: SellerHandle
) -> None:
    unshipped = control.create_shipment(seller.seller_id, US, {"SKU-A": 1}, status="READY_TO_SHIP")
    shipped = control.create_shipment(seller.seller_id, US, {"SKU-A": 1}, status="IN_TRANSIT")

    assert control.cancel(unshipped)["status"] == "DELETED"
    assert control.cancel(shipped)["status"] == "CANCELLED"
    with pytest.raises(ControlApiError) as raised:
        control.cancel(shipped)
    assert raised.value.status == 409


def shipment_status(seller: SellerHandle, shipment_id: str) -> str:
    [shipment] = seller.inbound().get_shipments_by_id([shipment_id]).payload["ShipmentData"]
    return str(shipment["ShipmentStatus"])


@pytest.mark.parametrize(
    ("status_before_cancel", "cancelled_status"),
    [("IN_TRANSIT", "CANCELLED"), ("READY_TO_SHIP", "DELETED")],
)
def test_units_arriving_after_cancellation_are_received_without_changing_the_status(
    control: ControlClient, seller: SellerHandle, status_before_cancel: str, cancelled_status: str
) -> None:
    # Given a cancelled shipment
    shipment_id = control.create_shipment(
        seller.seller_id, US, {"SKU-A": 6}, status=status_before_cancel
    )
    assert control.cancel(shipment_id)["status"] == cancelled_status

    # When its boxes arrive anyway and Amazon receives them (an unplanned SKU too)
    answer = control.receive(shipment_id, {"SKU-A": 4, "SKU-X": 1})

    # Then the units are credited and the status stays what it was
    assert answer["status"] == cancelled_status
    items = items_by_sku(seller.inbound(), shipment_id)
    assert items["SKU-A"]["QuantityReceived"] == 4
    assert (items["SKU-X"]["QuantityShipped"], items["SKU-X"]["QuantityReceived"]) == (0, 1)
    assert shipment_status(seller, shipment_id) == cancelled_status


def test_a_cancelled_shipment_can_be_revived_to_any_status(
    control: ControlClient, seller: SellerHandle
) -> None:
    # Given a cancelled shipment and a deleted one
    cancelled = control.create_shipment(seller.seller_id, US, {"SKU-A": 3}, status="SHIPPED")
    deleted = control.create_shipment(seller.seller_id, US, {"SKU-A": 3})
    control.cancel(cancelled)
    control.cancel(deleted)

    # When their statuses are set back
    receiving = control.set_status(cancelled, "RECEIVING")["status"]
    working = control.set_status(deleted, "WORKING")["status"]

    # Then v0 reports the new statuses, and a receipt then behaves as in any open shipment
    assert (receiving, working) == ("RECEIVING", "WORKING")
    assert shipment_status(seller, cancelled) == "RECEIVING"
    assert shipment_status(seller, deleted) == "WORKING"
    assert control.set_status(cancelled, "WORKING")["status"] == "WORKING"
    assert control.receive(cancelled, {"SKU-A": 1})["status"] == "RECEIVING"
