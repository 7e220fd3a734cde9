"""The simulator's state survives an export and an import into a fresh simulator."""

from infra.simulated_amazon import ControlClient, SimulatedAmazon


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
