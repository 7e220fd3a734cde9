"""Reading Amazon's JSON into the domain's pages: each record on its own, malformed ones set
aside with a reason that never repeats Amazon's values."""

import pytest

from domain.amazon_gateway import MalformedRecord
from domain.inbound_shipment.amazon import Address, AmazonShipmentLine
from functions.shared.adapters.amazon_json import MalformedPage, items_page, shipments_page


def shipment(**fields: object) -> dict[str, object]:
    return {
        "ShipmentId": "FBA15ABC",
        "ShipmentName": "Spring",
        "ShipFromAddress": {"Name": "Acme", "AddressLine1": "1 Main St", "City": "Pune"},
        "DestinationFulfillmentCenterId": "PHX7",
        "ShipmentStatus": "READY_TO_SHIP",
        "LabelPrepType": "SELLER_LABEL",
        **fields,
    }


def test_a_listing_keeps_good_records_and_sets_aside_bad_ones() -> None:
    payload = {
        "ShipmentData": [
            shipment(),
            {k: v for k, v in shipment().items() if k != "ShipmentId"},
            shipment(ShipmentId="not-an-fba-id"),
            shipment(ShipmentId="FBA15XYZ", ShipmentStatus="SOMETHING_NEW", ShipFromAddress=None),
        ],
        "NextToken": "t2",
    }

    page = shipments_page(payload, "getShipments", 2.0)

    assert [(s.shipment_id, s.status) for s in page.shipments] == [
        ("FBA15ABC", "READY_TO_SHIP"),
        ("FBA15XYZ", "SOMETHING_NEW"),  # unknown statuses are kept, never fatal
    ]
    assert page.shipments[0].ship_from == Address(
        name="Acme", address_line_1="1 Main St", city="Pune"
    )
    assert page.shipments[1].ship_from == Address()
    assert (page.next_token, page.rate_limit) == ("t2", 2.0)
    assert [(m.reference, m.problem.split(":")[0]) for m in page.malformed] == [
        ("record #1", "ShipmentId"),
        ("not-an-fba-id", "shipment_id"),
    ]
    assert all("not-an-fba-id" not in m.problem for m in page.malformed)


def test_items_read_numbers_amazon_sends_as_text_and_refuse_what_is_not_a_number() -> None:
    payload = {
        "ItemData": [
            {
                "ShipmentId": "FBA1",
                "SellerSKU": "A",
                "QuantityShipped": "12",
                "QuantityReceived": 3,
            },
            {
                "SellerSKU": "B",
                "QuantityShipped": 4,
                "QuantityInCase": None,
                "QuantityReceived": None,
            },
            {"ShipmentId": "FBA1", "SellerSKU": "C", "QuantityShipped": "lots"},
            {"ShipmentId": "FBA1", "QuantityShipped": 1},
        ]
    }

    page = items_page(payload, "getShipmentItemsByShipmentId", None, "FBA1")

    assert [(i.shipment_id, i.line) for i in page.items] == [
        ("FBA1", AmazonShipmentLine(sku="A", quantity_shipped=12, quantity_received=3)),
        ("FBA1", AmazonShipmentLine(sku="B", quantity_shipped=4, quantity_received=0)),
    ]
    assert page.malformed == (
        MalformedRecord(
            operation="getShipmentItemsByShipmentId",
            reference="FBA1/C",
            problem="QuantityShipped: Input should be a valid integer, "
            "unable to parse string as an integer",
            shipment_id="FBA1",
        ),
        MalformedRecord(
            operation="getShipmentItemsByShipmentId",
            reference="FBA1",
            problem="SellerSKU: Field required",
            shipment_id="FBA1",
        ),
    )


def test_negative_counts_are_refused_in_words_without_the_value() -> None:
    payload = {
        "ItemData": [
            {"ShipmentId": "FBA1", "SellerSKU": "A", "QuantityShipped": 5, "QuantityReceived": -7},
            {"ShipmentId": "FBA1", "SellerSKU": "B", "QuantityShipped": -3},
            {"ShipmentId": "FBA1", "SellerSKU": "C", "QuantityShipped": 2, "QuantityInCase": -1},
        ]
    }

    page = items_page(payload, "getShipmentItemsByShipmentId", None, "FBA1")

    # QuantityInCase is often 0 or 1 and never worth quarantining a shipment over
    assert [(i.line.sku, i.line.quantity_in_case) for i in page.items] == [("C", 0)]
    assert [(m.reference, m.problem) for m in page.malformed] == [
        ("FBA1/A", "QuantityReceived: must not be negative"),
        ("FBA1/B", "QuantityShipped: must not be negative"),
    ]


def test_a_page_that_is_not_a_page_is_refused_whole() -> None:
    with pytest.raises(MalformedPage):
        shipments_page({"ShipmentData": {"ShipmentId": "FBA1"}}, "getShipments", None)
