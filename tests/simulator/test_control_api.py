"""The control API contract: routes, answers, and errors a person can act on."""

from __future__ import annotations

import time
from datetime import datetime

import httpx
import pytest

from infra.simulated_amazon import ControlApiError, ControlClient, SimulatedAmazon

from .conftest import US, SellerHandle

pytestmark = pytest.mark.slow


def test_create_seller_returns_a_refresh_token(control: ControlClient) -> None:
    created = control.create_seller("SELLER-CONTRACT", [US])

    assert created["seller_id"] == "SELLER-CONTRACT"
    assert created["refresh_token"].startswith("Atzr|")
    with pytest.raises(ControlApiError) as raised:
        control.create_seller("SELLER-CONTRACT", [US])
    assert raised.value.status == 409


@pytest.mark.parametrize(
    ("path", "body", "expected_status", "hint"),
    [
        ("/_sim/sellers", {"seller_id": "X"}, 400, "marketplace_ids"),
        ("/_sim/sellers", {"seller_id": "X", "marketplace_ids": [US], "typo": 1}, 400, "typo"),
        (
            "/_sim/sellers/NOBODY/shipments",
            {
                "marketplace_id": US,
                "destination_fc": "PHX7",
                "items": [{"sku": "A", "quantity": 1}],
            },
            404,
            "POST /_sim/sellers",
        ),
        ("/_sim/shipments/FBA000000000/close", {}, 404, "FBA000000000"),
        ("/_sim/clock", {"advance_seconds": -5}, 400, "advance_seconds"),
        ("/_sim/faults", {"operation": "getOrders", "status": 500}, 400, "operation"),
    ],
)
def test_bad_input_gets_an_error_message_naming_the_problem(
    sim: SimulatedAmazon, path: str, body: dict[str, object], expected_status: int, hint: str
) -> None:
    response = httpx.post(f"{sim.url}{path}", json=body)

    assert response.status_code == expected_status
    assert hint in response.json()["error"]


def test_malformed_json_is_a_400(sim: SimulatedAmazon) -> None:
    response = httpx.post(f"{sim.url}/_sim/sellers", content=b"{not json")

    assert response.status_code == 400
    assert "JSON" in response.json()["error"]


def test_shipments_in_a_marketplace_the_seller_does_not_sell_in_are_refused(
    control: ControlClient, seller: SellerHandle
) -> None:
    with pytest.raises(ControlApiError) as raised:
        control.create_shipment(seller.seller_id, "A1F83G8C2ARO7P", {"SKU-A": 1})

    assert raised.value.status == 400
    assert "A1F83G8C2ARO7P" in raised.value.message


def test_the_clock_moves_only_forward_and_by_what_was_asked(control: ControlClient) -> None:
    before = datetime.fromisoformat(control.now())

    after = datetime.fromisoformat(control.advance_clock(86_400))

    assert 86_400 <= (after - before).total_seconds() < 86_410


def test_start_time_sets_the_simulated_clock() -> None:
    start = datetime.fromisoformat("2025-03-01T12:00:00+00:00")
    with SimulatedAmazon(start_time=start) as sim, ControlClient(sim.url) as control:
        now = datetime.fromisoformat(control.now())
    assert 0 <= (now - start).total_seconds() < 5


def test_shipment_view_shows_the_hidden_timestamps(
    control: ControlClient, seller: SellerHandle
) -> None:
    shipment_id = control.create_shipment(seller.seller_id, US, {"SKU-A": 3}, name="Visible")

    view = control.shipment(shipment_id)

    assert view["name"] == "Visible"
    assert view["status"] == "WORKING"
    assert view["created_at"] == view["last_updated_at"]
    assert view["items"][0]["quantity_shipped"] == 3


def test_bulk_creates_a_benchmark_sized_data_set_quickly(
    sim: SimulatedAmazon, control: ControlClient, seller: SellerHandle
) -> None:
    started = time.perf_counter()
    shipment_ids = control.bulk_create_shipments(
        seller.seller_id, US, count=1000, lines_per_shipment=20
    )
    elapsed = time.perf_counter() - started

    assert len(set(shipment_ids)) == 1000
    assert all(sid.startswith("FBA") and len(sid) == 12 for sid in shipment_ids)
    assert len(control.shipment(shipment_ids[-1])["items"]) == 20
    assert elapsed < 5


def test_reset_clears_sellers_shipments_and_counters(sim: SimulatedAmazon) -> None:
    with SimulatedAmazon() as own, ControlClient(own.url) as control:
        control.create_seller("S-RESET", [US])
        control.inject_fault("getShipments", 500)

        control.reset()

        assert control.calls() == {}
        assert httpx.get(f"{own.url}/_sim/faults").json() == {"pending": []}
        with pytest.raises(ControlApiError) as raised:
            control.create_shipment("S-RESET", US, {"SKU-A": 1})
        assert raised.value.status == 404


def test_unknown_routes_answer_in_each_apis_error_shape(sim: SimulatedAmazon) -> None:
    control_route = httpx.get(f"{sim.url}/_sim/nothing-here")
    sp_api_route = httpx.get(f"{sim.url}/orders/v0/orders")

    assert control_route.status_code == 404 and "error" in control_route.json()
    assert sp_api_route.status_code == 404 and "errors" in sp_api_route.json()


def test_stop_closes_kept_alive_connections() -> None:
    sim = SimulatedAmazon().start()
    clock_url = f"{sim.url}/_sim/clock"
    with httpx.Client() as client:
        assert client.get(clock_url).status_code == 200
        sim.stop()
        with pytest.raises(httpx.TransportError):
            client.get(clock_url)


def test_item_lines_may_use_the_wire_form(control: ControlClient, seller: SellerHandle) -> None:
    shipment_id = control.create_shipment(
        seller.seller_id, US, [{"sku": "SKU-A", "quantity": 2, "quantity_in_case": 1}]
    )
    control.receive(shipment_id, [{"sku": "SKU-A", "quantity": 2}])

    assert control.shipment(shipment_id)["items"][0]["quantity_received"] == 2
