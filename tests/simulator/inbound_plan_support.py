"""Driving Fulfillment Inbound v2024-03-20 through the real sp_api client
(`FulfillmentInboundV20240320`), as the backend will: each state-changing call returns an
operation id, polled until SUCCESS or FAILED (the simulated clock is advanced past the seller's
operation time instead of sleeping)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sp_api.api import FulfillmentInboundV20240320

from infra.simulated_amazon import ControlClient, sp_api_client_kwargs

from .conftest import US, SellerHandle

SOURCE_ADDRESS = {
    "name": "Main warehouse",
    "companyName": "Acme Goods",
    "addressLine1": "1 Test Street",
    "city": "Seattle",
    "stateOrProvinceCode": "WA",
    "countryCode": "US",
    "postalCode": "98109",
    "phoneNumber": "+12065550100",
}
BOX_DIMENSIONS = {"height": 10, "length": 12, "width": 8, "unitOfMeasurement": "IN"}


def item_input(msku: str, quantity: int) -> dict[str, Any]:
    return {"msku": msku, "quantity": quantity, "labelOwner": "SELLER", "prepOwner": "NONE"}


def plan_body(units: Mapping[str, int], **fields: Any) -> dict[str, Any]:
    return {
        "destinationMarketplaces": [US],
        "items": [item_input(msku, quantity) for msku, quantity in units.items()],
        "sourceAddress": SOURCE_ADDRESS,
        **fields,
    }


def one_box(units: Mapping[str, int]) -> dict[str, Any]:
    """One box holding all of `units`, its contents declared."""
    return {
        "contentInformationSource": "BOX_CONTENT_PROVIDED",
        "dimensions": BOX_DIMENSIONS,
        "weight": {"unit": "LB", "value": 20},
        "quantity": 1,
        "items": [item_input(msku, quantity) for msku, quantity in units.items()],
    }


def inbound_2024(seller: SellerHandle, marketplace_id: str = US) -> FulfillmentInboundV20240320:
    return FulfillmentInboundV20240320(
        **sp_api_client_kwargs(seller.url, marketplace_id, seller.refresh_token)
    )


@dataclass
class PlanDriver:
    api: FulfillmentInboundV20240320
    control: ControlClient
    seller_id: str

    @classmethod
    def for_seller(cls, seller: SellerHandle, control: ControlClient) -> PlanDriver:
        return cls(inbound_2024(seller), control, seller.seller_id)

    def status(self, operation_id: str) -> dict[str, Any]:
        payload: dict[str, Any] = self.api.get_inbound_operation_status(operation_id).payload
        return payload

    def finish(self, operation_id: str) -> dict[str, Any]:
        """Poll the operation, moving the clock past its end: its final status."""
        status = self.status(operation_id)
        if status["operationStatus"] == "IN_PROGRESS":
            self.control.advance_clock(self.control.operation_duration(self.seller_id) + 0.01)
            status = self.status(operation_id)
        assert status["operationStatus"] in ("SUCCESS", "FAILED"), status
        return status

    def succeed(self, operation_id: str) -> None:
        status = self.finish(operation_id)
        assert status["operationStatus"] == "SUCCESS", status

    def create(self, units: Mapping[str, int], **fields: Any) -> str:
        created = self.api.create_inbound_plan(**plan_body(units, **fields)).payload
        self.succeed(created["operationId"])
        return str(created["inboundPlanId"])

    def pack(self, plan_id: str) -> None:
        """Generate and confirm the packing option, then put each packing group in a box."""
        self.succeed(self.api.generate_packing_options(plan_id).payload["operationId"])
        [option] = self.api.list_packing_options(plan_id).payload["packingOptions"]
        self.succeed(
            self.api.confirm_packing_option(plan_id, option["packingOptionId"]).payload[
                "operationId"
            ]
        )
        groupings = []
        for group_id in option["packingGroups"]:
            items = self.api.list_packing_group_items(plan_id, group_id).payload["items"]
            units = {item["msku"]: item["quantity"] for item in items}
            groupings.append({"packingGroupId": group_id, "boxes": [one_box(units)]})
        answer = self.api.set_packing_information(plan_id, packageGroupings=groupings)
        self.succeed(answer.payload["operationId"])

    def ready_for_placement(self, units: Mapping[str, int]) -> str:
        plan_id = self.create(units)
        self.pack(plan_id)
        return plan_id

    def placement_options(self, plan_id: str) -> list[dict[str, Any]]:
        self.succeed(self.api.generate_placement_options(plan_id).payload["operationId"])
        options: list[dict[str, Any]] = self.api.list_placement_options(plan_id).payload[
            "placementOptions"
        ]
        return options

    def confirm_placement(self, plan_id: str, placement_option_id: str) -> dict[str, Any]:
        answer = self.api.confirm_placement_option(plan_id, placement_option_id)
        return self.finish(answer.payload["operationId"])

    def shipment_units(self, plan_id: str, shipment_id: str) -> dict[str, int]:
        items = self.api.list_shipment_items(plan_id, shipment_id).payload["items"]
        return {item["msku"]: item["quantity"] for item in items}


def total_fee(option: Mapping[str, Any]) -> float:
    fees = sum(fee["value"]["amount"] for fee in option["fees"])
    discounts = sum(discount["value"]["amount"] for discount in option["discounts"])
    return float(fees - discounts)
