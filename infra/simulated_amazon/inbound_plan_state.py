"""The objects of Fulfillment Inbound v2024-03-20 the simulator keeps: inbound plans, their
packing and placement options, their shipments, and asynchronous operations. Pythonic names
here; `inbound_plan_wire.py` renders Amazon's camelCase."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

# Inbound plan statuses (SHIPPED is derived from its shipments, see InboundPlans).
ACTIVE = "ACTIVE"
VOIDED = "VOIDED"
SHIPPED = "SHIPPED"
ERRORED = "ERRORED"
# Packing and placement option statuses.
OFFERED = "OFFERED"
ACCEPTED = "ACCEPTED"
EXPIRED = "EXPIRED"
# Statuses of a placement option's shipment before it is confirmed (then: its v0 status).
UNCONFIRMED = "UNCONFIRMED"
ABANDONED = "ABANDONED"
# Operation statuses.
IN_PROGRESS = "IN_PROGRESS"
SUCCESS = "SUCCESS"
FAILED = "FAILED"


def new_inbound_id(prefix: str) -> str:
    """Amazon's 38-character ids: a two-letter kind and a UUID, e.g. `wf` (inbound plan),
    `po` (packing option), `pg` (packing group), `pl` (placement option), `sh` (shipment)."""
    return prefix + str(uuid.uuid4())


def new_operation_id() -> str:
    return str(uuid.uuid4())


@dataclass
class PlanItem:
    msku: str
    quantity: int
    label_owner: str
    prep_owner: str
    fnsku: str
    asin: str
    expiration: str | None = None
    manufacturing_lot_code: str | None = None


@dataclass
class PackingOption:
    packing_option_id: str
    packing_group_ids: list[str]
    expiration: datetime
    status: str = OFFERED


@dataclass
class PlacementOption:
    placement_option_id: str
    shipment_ids: list[str]
    fee: float
    discount: float
    currency: str
    expiration: datetime
    status: str = OFFERED


@dataclass
class PlannedShipment:
    shipment_id: str
    placement_option_id: str
    warehouse_id: str
    name: str
    items: dict[str, int]  # msku -> units, as the placement option placed them
    status: str = UNCONFIRMED
    # The `FBA...` id v0 and Seller Central show, once the placement option is confirmed.
    confirmation_id: str | None = None


@dataclass
class InboundPlan:
    inbound_plan_id: str
    seller_id: str
    marketplace_id: str
    name: str
    source_address: dict[str, str]  # AddressInput as sent, nulls left out
    items: list[PlanItem]
    created_at: datetime
    last_updated_at: datetime
    status: str = ACTIVE
    packing_options: list[PackingOption] = field(default_factory=list)
    packing_groups: dict[str, list[str]] = field(default_factory=dict)  # id -> mskus
    # Boxes set by setPackingInformation, by packing group id or shipment id.
    packing_information: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    placement_options: list[PlacementOption] = field(default_factory=list)
    shipments: dict[str, PlannedShipment] = field(default_factory=dict)
    # The operation in progress on the plan: another state-changing call waits for it.
    busy_with: str | None = None

    def item(self, msku: str) -> PlanItem:
        return next(item for item in self.items if item.msku == msku)

    def accepted(self, options: list[Any]) -> Any | None:
        return next((option for option in options if option.status == ACCEPTED), None)

    def confirmed_packing_option(self) -> PackingOption | None:
        option: PackingOption | None = self.accepted(self.packing_options)
        return option

    def confirmed_placement_option(self) -> PlacementOption | None:
        option: PlacementOption | None = self.accepted(self.placement_options)
        return option

    def confirmed_shipments(self) -> list[PlannedShipment]:
        option = self.confirmed_placement_option()
        if option is None:
            return []
        return [self.shipments[shipment_id] for shipment_id in option.shipment_ids]


@dataclass
class InboundOperation:
    operation_id: str
    operation: str
    seller_id: str
    inbound_plan_id: str
    completes_at: float  # on the simulated clock's monotonic time
    outcome: str  # what the operation ends with: SUCCESS or FAILED
    problems: list[dict[str, str]]
    on_success: Callable[[], None] | None = None
    on_failure: Callable[[], None] | None = None
    status: str = IN_PROGRESS
