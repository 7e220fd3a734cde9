"""The port for Amazon's inbound plans (Fulfillment Inbound v2024-03-20), in the domain's terms.

Every state-changing call starts an operation on Amazon's side and answers its id at once; the
operation is polled until it ends. Failures are the v0 gateway's typed errors
(`domain.amazon_gateway`): `AmazonThrottled` (429: wait, try again), `AmazonUnavailable` (5xx,
network: try again), `AmazonRejected` (4xx: this request will not succeed; `detail` carries
Amazon's code and message), `AmazonAuthFailed`.
"""

from decimal import Decimal
from enum import StrEnum
from typing import Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field


class Owner(StrEnum):
    """Who labels or preps the units (Amazon's labelOwner / prepOwner)."""

    AMAZON = "AMAZON"
    SELLER = "SELLER"
    NONE = "NONE"


class ShipFrom(BaseModel):
    """Where the units leave from: Amazon's AddressInput (phone number required)."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    name: str = Field(min_length=1, max_length=50)
    company_name: str | None = Field(default=None, max_length=50)
    address_line_1: str = Field(min_length=1, max_length=180)
    address_line_2: str | None = Field(default=None, max_length=60)
    city: str = Field(min_length=1, max_length=30)
    state_or_province_code: str | None = Field(default=None, max_length=64)
    district_or_county: str | None = Field(default=None, max_length=50)
    country_code: str = Field(pattern=r"^[A-Z]{2}$")
    postal_code: str = Field(min_length=1, max_length=32)
    phone_number: str = Field(min_length=1, max_length=20)
    email: str | None = Field(default=None, max_length=1024)


class PlanItem(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)

    msku: str = Field(min_length=1, max_length=255)
    quantity: int = Field(ge=1, le=500_000)
    label_owner: Owner
    prep_owner: Owner


class Box(BaseModel):
    """One box's outside dimensions and weight; `quantity` identical boxes."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    length: Decimal = Field(gt=0)
    width: Decimal = Field(gt=0)
    height: Decimal = Field(gt=0)
    dimension_unit: Literal["IN", "CM"] = "IN"
    weight: Decimal = Field(gt=0)
    weight_unit: Literal["LB", "KG"] = "LB"


class PackedBox(BaseModel):
    """Boxes of one packing group: `quantity` identical boxes, each holding `items`."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    box: Box
    quantity: int = Field(ge=1)
    items: tuple[PlanItem, ...]


class PackingGroup(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)

    packing_group_id: str
    boxes: tuple[PackedBox, ...]


class StartedOperation(BaseModel):
    """A state-changing call's answer: the operation to poll (and, on create, the plan's id)."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    operation_id: str
    inbound_plan_id: str | None = None


class OperationProblem(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)

    code: str
    message: str
    severity: str = "ERROR"
    details: str | None = None


class Operation(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)

    operation_id: str
    status: Literal["IN_PROGRESS", "SUCCESS", "FAILED"]
    problems: tuple[OperationProblem, ...] = ()


class PlanSummary(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)

    inbound_plan_id: str
    name: str
    status: str  # ACTIVE, VOIDED, SHIPPED, ERRORED


class PackingOption(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)

    packing_option_id: str
    status: str  # OFFERED, ACCEPTED, EXPIRED
    packing_group_ids: tuple[str, ...]


class PlacementOption(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)

    placement_option_id: str
    status: str  # OFFERED, ACCEPTED, EXPIRED
    shipment_ids: tuple[str, ...]  # v2024-03-20 shipment ids (not the FBA... ones)
    fee: Decimal  # the total: every fee's amount less every discount's
    currency: str | None = None


class PlannedShipment(BaseModel):
    """A shipment of a plan; `confirmation_id` is the FBA... id v0 and Seller Central show
    (None before its placement option is confirmed)."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    shipment_id: str
    confirmation_id: str | None = None
    status: str = ""


class InboundPlansGateway(Protocol):
    """One seller in one region: Fulfillment Inbound v2024-03-20."""

    def create_plan(
        self, marketplace_id: str, name: str, source: ShipFrom, items: tuple[PlanItem, ...]
    ) -> StartedOperation:
        """createInboundPlan; the answer carries the new plan's id."""

    def find_plans(self, name: str) -> tuple[PlanSummary, ...]:
        """The seller's plans named exactly `name` (listInboundPlans, newest first, at most
        the 10 most recent pages read)."""

    def operation(self, operation_id: str) -> Operation:
        """getInboundOperationStatus."""

    def generate_packing_options(self, inbound_plan_id: str) -> StartedOperation: ...

    def packing_options(self, inbound_plan_id: str) -> tuple[PackingOption, ...]:
        """listPackingOptions, every page."""

    def confirm_packing_option(
        self, inbound_plan_id: str, packing_option_id: str
    ) -> StartedOperation: ...

    def packing_group_items(
        self, inbound_plan_id: str, packing_group_id: str
    ) -> tuple[PlanItem, ...]:
        """listPackingGroupItems, every page."""

    def set_packing_information(
        self, inbound_plan_id: str, groups: tuple[PackingGroup, ...]
    ) -> StartedOperation: ...

    def generate_placement_options(self, inbound_plan_id: str) -> StartedOperation: ...

    def placement_options(self, inbound_plan_id: str) -> tuple[PlacementOption, ...]:
        """listPlacementOptions, every page."""

    def confirm_placement_option(
        self, inbound_plan_id: str, placement_option_id: str
    ) -> StartedOperation: ...

    def plan_shipments(self, inbound_plan_id: str) -> tuple[PlannedShipment, ...]:
        """The plan's shipments (getInboundPlan), each with its confirmation id (getShipment)."""

    def cancel_plan(self, inbound_plan_id: str) -> StartedOperation: ...

    def close(self) -> None:
        """Release connections."""
