"""Amazon's strings are capped: a record with one over its cap is set aside (never kept, never
echoed in the reason or the reference), and a page whose own fields are over theirs is refused
whole."""

import pytest

from functions.shared.adapters.amazon_json import (
    MAX_NEXT_TOKEN,
    MAX_RECORDS_PER_PAGE,
    MalformedPage,
    inventory_page,
    items_page,
    shipments_page,
)

LONG = "Z" * 100_000


def shipment(**fields: object) -> dict[str, object]:
    return {"ShipmentId": "FBA15ABC", "ShipmentStatus": "WORKING", **fields}


def item(**fields: object) -> dict[str, object]:
    return {"ShipmentId": "FBA1", "SellerSKU": "A", "QuantityShipped": 1, **fields}


@pytest.mark.parametrize(
    ("record", "field"),
    [
        (shipment(ShipmentName=LONG), "ShipmentName"),
        (shipment(ShipmentStatus=LONG), "ShipmentStatus"),
        (shipment(DestinationFulfillmentCenterId=LONG), "DestinationFulfillmentCenterId"),
        (shipment(ShipFromAddress={"AddressLine1": LONG}), "ShipFromAddress.AddressLine1"),
        (shipment(ShipFromAddress={"Name": LONG}), "ShipFromAddress.Name"),
    ],
)
def test_a_shipment_with_a_string_over_its_cap_is_set_aside(
    record: dict[str, object], field: str
) -> None:
    page = shipments_page({"ShipmentData": [shipment(ShipmentId="FBA2"), record]}, "op", None)

    assert [s.shipment_id for s in page.shipments] == ["FBA2"]
    [malformed] = page.malformed
    assert (malformed.reference, malformed.problem.split(":")[0]) == ("FBA15ABC", field)
    assert "ZZZ" not in malformed.model_dump_json()


def test_an_over_long_shipment_id_is_set_aside_and_never_echoed() -> None:
    page = shipments_page({"ShipmentData": [shipment(ShipmentId="FBA" + LONG)]}, "op", None)

    [malformed] = page.malformed
    assert (malformed.reference, malformed.shipment_id) == ("record #0", None)
    assert "ZZZ" not in malformed.model_dump_json()


@pytest.mark.parametrize(
    ("record", "reference", "field"),
    [
        (item(SellerSKU=LONG), "FBA1", "SellerSKU"),
        (item(FulfillmentNetworkSKU=LONG), "FBA1/A", "FulfillmentNetworkSKU"),
        (item(ShipmentId="FBA" + LONG), "FBA9 #0", "ShipmentId"),
        (item(QuantityShipped=10**12), "FBA1/A", "QuantityShipped"),
    ],
)
def test_an_item_with_a_value_over_its_cap_is_set_aside(
    record: dict[str, object], reference: str, field: str
) -> None:
    page = items_page({"ItemData": [record]}, "op", None, shipment_id="FBA9")

    assert page.items == ()
    [malformed] = page.malformed
    assert (malformed.reference, malformed.problem.split(":")[0]) == (reference, field)
    assert "ZZZ" not in malformed.model_dump_json()


@pytest.mark.parametrize(
    "read",
    [
        lambda: shipments_page(
            {"ShipmentData": [], "NextToken": "t" * (MAX_NEXT_TOKEN + 1)}, "op", None
        ),
        lambda: items_page({"ItemData": [], "NextToken": "t" * (MAX_NEXT_TOKEN + 1)}, "op", None),
        lambda: inventory_page(
            {"payload": {"inventorySummaries": []}, "pagination": {"nextToken": LONG}}, "op", None
        ),
        lambda: items_page({"ItemData": [item()] * (MAX_RECORDS_PER_PAGE + 1)}, "op", None),
    ],
    ids=["listing token", "items token", "inventory token", "too many records"],
)
def test_a_page_level_field_over_its_cap_refuses_the_page(read: object) -> None:
    with pytest.raises(MalformedPage):
        read()  # type: ignore[operator]


def test_strings_within_their_caps_read_as_before() -> None:
    page = items_page(
        {"ItemData": [item(SellerSKU="S" * 200, FulfillmentNetworkSKU="X" * 64)]}, "op", None
    )

    assert [i.line.sku for i in page.items] == ["S" * 200] and not page.malformed
