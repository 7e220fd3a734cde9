"""The simulator's state survives an export and an import into a fresh simulator."""

from infra.simulated_amazon import ControlClient, SimulatedAmazon
from infra.simulated_amazon.models import ShipmentItem


def test_sellers_and_shipments_survive_an_export_and_import() -> None:
    # Given a simulator with a seller and a partly received shipment
    with SimulatedAmazon() as first, ControlClient(first.url) as control:
        seller = control.create_seller("S-EXPORT", ["ATVPDKIKX0DER"])
        shipment_id = control.create_shipment(
            "S-EXPORT", marketplace_id="ATVPDKIKX0DER", destination_fc="PHX7", items={"A": 5}
        )
        control.receive(shipment_id, {"A": 2})
        state = first.store.export_state()
    # When a new simulator imports it
    with SimulatedAmazon() as second, ControlClient(second.url) as control:
        second.store.import_state(state)
        shipment = control.shipment(shipment_id)
    # Then the shipment, its receipts and the seller's refresh token are all there
    assert [(i["sku"], i["quantity_received"]) for i in shipment["items"]] == [("A", 2)]
    assert second.store.export_state().sellers[0].refresh_token == seller["refresh_token"]


def test_state_saved_before_receipt_times_were_kept_still_counts_its_receipts() -> None:
    # Given an item saved by an older simulator: received units, no last_received_at
    saved = {"sku": "A", "fnsku": "X00", "asin": "B0", "quantity_shipped": 5}
    when = "2026-01-02T03:04:05+00:00"

    # When it is loaded
    received = ShipmentItem.model_validate(
        {**saved, "quantity_received": 2, "last_updated_at": when}
    )
    unreceived = ShipmentItem.model_validate({**saved, "last_updated_at": when})

    # Then its last change counts as its last receipt (inventory startDateTime sees it)
    assert received.last_received_at == received.last_updated_at
    assert unreceived.last_received_at is None
