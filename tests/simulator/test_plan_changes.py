"""PUT /_sim/shipments/{id}/items: the seller changes a shipment's plan, and the v0 reads show
it as Amazon would."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from infra.simulated_amazon import ControlApiError, ControlClient, SimulatedAmazon

from .conftest import US, SellerHandle, iso, items_by_sku

pytestmark = pytest.mark.slow


def items_updated_between(seller: SellerHandle, after: str, before: str) -> dict[str, Any]:
    """getShipmentItems DATE_RANGE, every page: {sku: item}."""
    inbound = seller.inbound()
    response = inbound.shipment_items(
        QueryType="DATE_RANGE", LastUpdatedAfter=iso(after), LastUpdatedBefore=iso(before, 1)
    )
    items = list(response.payload["ItemData"])
    while response.next_token:
        response = inbound.shipment_items(QueryType="NEXT_TOKEN", NextToken=response.next_token)
        items.extend(response.payload["ItemData"])
    return {item["SellerSKU"]: item for item in items}


def test_a_new_plan_adds_removes_and_changes_lines(
    control: ControlClient, seller: SellerHandle
) -> None:
    # Given a shipment planned with three SKUs, another with SKU-D, and a moment after both
    shipment_id = control.create_shipment(
        seller.seller_id, US, {"SKU-A": 10, "SKU-B": 5, "SKU-C": 3}, status="READY_TO_SHIP"
    )
    before = control.shipment(shipment_id)
    elsewhere = control.create_shipment(seller.seller_id, US, {"SKU-D": 1})
    control.advance_clock(600)
    window_start = control.now()

    # When the plan becomes A x12 (changed), C x3 (unchanged), D x4 (new); B is left out
    view = control.set_items(shipment_id, {"SKU-A": 12, "SKU-C": 3, "SKU-D": 4})

    # Then getShipmentItemsByShipmentId shows the new plan, the new line last
    items = items_by_sku(seller.inbound(), shipment_id)
    assert [(sku, i["QuantityShipped"], i["QuantityReceived"]) for sku, i in items.items()] == [
        ("SKU-A", 12, 0),
        ("SKU-C", 3, 0),
        ("SKU-D", 4, 0),
    ]
    # ...the new line has the FNSKU that creating a shipment with that SKU assigns
    expected_fnsku = items_by_sku(seller.inbound(), elsewhere)["SKU-D"]["FulfillmentNetworkSKU"]
    assert items["SKU-D"]["FulfillmentNetworkSKU"] == expected_fnsku
    # ...getShipmentItems DATE_RANGE sees the changed and the new line, not the unchanged one
    changed = items_updated_between(seller, window_start, control.now())
    assert {sku: i["QuantityShipped"] for sku, i in changed.items()} == {"SKU-A": 12, "SKU-D": 4}
    # ...and the answer is the shipment view, status and shipment time untouched
    assert view == control.shipment(shipment_id)
    assert view["status"] == "READY_TO_SHIP"
    assert view["last_updated_at"] == before["last_updated_at"]


def test_a_line_with_receipts_stays_shipped_zero_when_it_leaves_the_plan(
    control: ControlClient, seller: SellerHandle
) -> None:
    # Given a shipment in which 2 units of SKU-B were received
    shipment_id = control.create_shipment(
        seller.seller_id, US, {"SKU-A": 10, "SKU-B": 5}, status="SHIPPED"
    )
    control.receive(shipment_id, {"SKU-B": 2})
    control.advance_clock(600)
    window_start = control.now()

    # When SKU-B leaves the plan
    control.set_items(shipment_id, {"SKU-A": 10})

    # Then v0 still reports its line, shipped 0 with its units received, as recently updated
    items = items_by_sku(seller.inbound(), shipment_id)
    assert {sku: (i["QuantityShipped"], i["QuantityReceived"]) for sku, i in items.items()} == {
        "SKU-A": (10, 0),
        "SKU-B": (0, 2),
    }
    assert set(items_updated_between(seller, window_start, control.now())) == {"SKU-B"}

    # When it comes back onto the plan, its receipts are still there
    control.set_items(shipment_id, {"SKU-A": 10, "SKU-B": 7})

    assert items_by_sku(seller.inbound(), shipment_id)["SKU-B"]["QuantityShipped"] == 7
    assert items_by_sku(seller.inbound(), shipment_id)["SKU-B"]["QuantityReceived"] == 2


def test_a_plan_change_moves_inbound_figures_but_not_start_date_time(
    control: ControlClient, seller: SellerHandle
) -> None:
    # Given a received SKU whose receipt is older than the inventory query's startDateTime
    shipment_id = control.create_shipment(seller.seller_id, US, {"SKU-A": 5}, status="SHIPPED")
    control.receive(shipment_id, {"SKU-A": 5})
    control.advance_clock(600)
    start = control.now()

    # When its planned quantity grows
    control.set_items(shipment_id, {"SKU-A": 8})

    # Then the inventory shows the 3 units expected, but startDateTime (receipts only) skips it
    inventories = seller.inventories()
    [summary] = inventories.get_inventory_summary_marketplace(details=True).payload[
        "inventorySummaries"
    ]
    assert summary["inventoryDetails"]["inboundReceivingQuantity"] == 3
    since = inventories.get_inventory_summary_marketplace(startDateTime=iso(start))
    assert since.payload["inventorySummaries"] == []


def test_the_plan_of_a_closed_shipment_cannot_change(
    control: ControlClient, seller: SellerHandle
) -> None:
    # Given a closed shipment
    shipment_id = control.create_shipment(seller.seller_id, US, {"SKU-A": 4}, status="SHIPPED")
    control.receive(shipment_id, {"SKU-A": 4})
    control.close(shipment_id)

    # When its plan is changed
    with pytest.raises(ControlApiError) as raised:
        control.set_items(shipment_id, {"SKU-A": 6, "SKU-B": 1})

    # Then it is a 409 and the plan is as it was
    assert raised.value.status == 409
    assert "CLOSED" in raised.value.message
    items = items_by_sku(seller.inbound(), shipment_id)
    assert {sku: i["QuantityShipped"] for sku, i in items.items()} == {"SKU-A": 4}


def test_the_plan_of_a_cancelled_shipment_can_change(
    control: ControlClient, seller: SellerHandle
) -> None:
    shipment_id = control.create_shipment(seller.seller_id, US, {"SKU-A": 4}, status="SHIPPED")
    control.cancel(shipment_id)

    view = control.set_items(shipment_id, {"SKU-A": 2})

    assert view["status"] == "CANCELLED"
    assert items_by_sku(seller.inbound(), shipment_id)["SKU-A"]["QuantityShipped"] == 2


def test_an_unknown_shipment_is_a_404(control: ControlClient) -> None:
    with pytest.raises(ControlApiError) as raised:
        control.set_items("FBA000000000", {"SKU-A": 1})

    assert raised.value.status == 404
    assert "FBA000000000" in raised.value.message


def line(sku: object = "SKU-A", quantity: object = 1) -> dict[str, object]:
    return {"sku": sku, "quantity": quantity}


@pytest.mark.parametrize(
    ("body", "hint"),
    [
        ({"items": "SKU-A"}, "items"),
        ([line()], "body"),
        ({}, "items"),
        ({"items": []}, "items"),
        ({"items": [line(sku="")]}, "sku"),
        ({"items": [line(), line(quantity=2)]}, "repeated"),
        ({"items": [line(quantity=0)]}, "quantity"),
        ({"items": [line(quantity=-2)]}, "quantity"),
        ({"items": [line(quantity=2.5)]}, "quantity"),
        ({"items": [line(quantity=2.0)]}, "quantity"),
        ({"items": [line(quantity="2")]}, "quantity"),
        ({"items": [line(quantity=True)]}, "quantity"),
        ({"items": [{"sku": "SKU-A"}]}, "quantity"),
        ({"items": [line()], "typo": 1}, "typo"),
        ({"items": [{**line(), "quantity_shipped": 1}]}, "quantity_shipped"),
    ],
)
def test_bad_plans_are_a_400_naming_the_problem(
    sim: SimulatedAmazon, control: ControlClient, seller: SellerHandle, body: object, hint: str
) -> None:
    # Given a shipment planned with SKU-A x5
    shipment_id = control.create_shipment(seller.seller_id, US, {"SKU-A": 5})

    # When a bad plan is sent
    response = httpx.put(f"{sim.url}/_sim/shipments/{shipment_id}/items", json=body)

    # Then it is a 400 in the control API's error shape, and nothing changed
    assert response.status_code == 400
    assert hint in response.json()["error"]
    assert [(i["sku"], i["quantity_shipped"]) for i in control.shipment(shipment_id)["items"]] == [
        ("SKU-A", 5)
    ]
