"""Save to Amazon: the request, and the job as `GET /amazon-jobs/{job_id}` shows it."""

from decimal import Decimal
from typing import Literal

from pydantic import AwareDatetime, Field

from domain.save_to_amazon.gateway import Box, Owner, ShipFrom
from domain.save_to_amazon.job import AmazonJob
from functions.api.models.common import ApiModel


class ShipFromRequest(ApiModel):
    """Amazon's ship-from address: name, address_line_1, city, country_code, postal_code and
    phone_number are required."""

    name: str = Field(min_length=1, max_length=50)
    company_name: str | None = Field(default=None, max_length=50)
    address_line_1: str = Field(min_length=1, max_length=180)
    address_line_2: str | None = Field(default=None, max_length=60)
    city: str = Field(min_length=1, max_length=30)
    state_or_province_code: str | None = Field(default=None, max_length=64)
    district_or_county: str | None = Field(default=None, max_length=50)
    country_code: str = Field(pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2, e.g. US")
    postal_code: str = Field(min_length=1, max_length=32)
    phone_number: str = Field(min_length=1, max_length=20)
    email: str | None = Field(default=None, max_length=1024)

    def to_domain(self) -> ShipFrom:
        return ShipFrom.model_validate(self.model_dump())


class BoxRequest(ApiModel):
    length: Decimal = Field(gt=0, le=1000, max_digits=8, decimal_places=2)
    width: Decimal = Field(gt=0, le=1000, max_digits=8, decimal_places=2)
    height: Decimal = Field(gt=0, le=1000, max_digits=8, decimal_places=2)
    dimension_unit: Literal["IN", "CM"] = "IN"
    weight: Decimal = Field(gt=0, le=10000, max_digits=9, decimal_places=2)
    weight_unit: Literal["LB", "KG"] = "LB"

    def to_domain(self) -> Box:
        return Box.model_validate(self.model_dump())


class SaveToAmazonRequest(ApiModel):
    split: Literal["amazon", "none"] = Field(
        description="`amazon`: accept the placement with the lowest fee, however many "
        "shipments; `none`: one shipment, or the job fails with `placement_requires_split`"
    )
    ship_from: ShipFromRequest | None = Field(
        default=None,
        description="Where the units leave from; absent: the source warehouse's address (a "
        "purchase order from a vendor needs one)",
    )
    label_owner: Owner = Field(description="Who labels the units: AMAZON, SELLER or NONE")
    prep_owner: Owner = Field(description="Who preps the units: AMAZON, SELLER or NONE")
    box: BoxRequest | None = Field(
        default=None,
        description="The box the units are packed in (one per packing group); absent: 25 x 25 "
        "x 25 in, 50 lb",
    )


class SaveToAmazonAccepted(ApiModel):
    job_id: str
    purchase_order_id: str
    transfer_order_id: str | None = None
    status: Literal["in_progress"] = "in_progress"

    @classmethod
    def of(cls, job: AmazonJob) -> "SaveToAmazonAccepted":
        return cls(
            job_id=job.job_id,
            purchase_order_id=job.request.purchase_order_id,
            transfer_order_id=job.request.transfer_order_id,
        )


class JobStep(ApiModel):
    step: str
    status: Literal["started", "in_progress", "succeeded", "failed"]
    operation_id: str | None = None
    problems: list[dict[str, str | None]] = []
    started_at: AwareDatetime
    ended_at: AwareDatetime | None = None


class PlacementOffer(ApiModel):
    placement_option_id: str
    shipment_count: int
    fee: str
    currency: str | None = None


class JobShipment(ApiModel):
    shipment_id: str = Field(description="Amazon's inbound-plan shipment id")
    confirmation_id: str = Field(description="The FBA... id Seller Central shows")
    bound: bool


class JobError(ApiModel):
    code: str
    message: str
    step: str | None = None
    problems: list[dict[str, str | None]] = []


class AmazonJobView(ApiModel):
    job_id: str
    kind: Literal["save_to_amazon"] = "save_to_amazon"
    status: Literal["in_progress", "succeeded", "failed"]
    purchase_order_id: str
    transfer_order_id: str | None
    split: Literal["amazon", "none"]
    marketplace_id: str
    inbound_plan_id: str | None
    steps: list[JobStep]
    offered: list[PlacementOffer]
    placement_option_id: str | None
    shipments: list[JobShipment]
    shipment_ids: list[str] = Field(description="The FBA shipments the order is bound to")
    error: JobError | None
    plan_cancelled: bool
    requested_at: AwareDatetime
    updated_at: AwareDatetime

    @classmethod
    def of(cls, job: AmazonJob) -> "AmazonJobView":
        failure = job.failure
        return cls(
            job_id=job.job_id,
            status=job.outcome.value,
            purchase_order_id=job.request.purchase_order_id,
            transfer_order_id=job.request.transfer_order_id,
            split=job.request.split.value,
            marketplace_id=job.request.marketplace_id,
            inbound_plan_id=job.inbound_plan_id,
            steps=[
                JobStep(
                    step=s.step.value,
                    status=s.status,
                    operation_id=s.operation_id or None,
                    problems=[p.model_dump() for p in s.problems],
                    started_at=s.started_at,
                    ended_at=s.ended_at,
                )
                for s in job.steps.values()
            ],
            offered=[
                PlacementOffer(
                    placement_option_id=o.placement_option_id,
                    shipment_count=o.shipment_count,
                    fee=str(o.fee),
                    currency=o.currency,
                )
                for o in job.offered
            ],
            placement_option_id=job.placement_option_id,
            shipments=[
                JobShipment(
                    shipment_id=s.shipment_id,
                    confirmation_id=s.confirmation_id,
                    bound=s.confirmation_id in job.bound,
                )
                for s in job.shipments
            ],
            shipment_ids=list(job.bound),
            error=None
            if failure is None
            else JobError(
                code=failure.code,
                message=failure.message,
                step=failure.step.value if failure.step else None,
                problems=[p.model_dump() for p in failure.problems],
            ),
            plan_cancelled=job.plan_cancelled,
            requested_at=job.request.requested_at,
            updated_at=job.updated_at,
        )
