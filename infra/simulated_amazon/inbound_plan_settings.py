"""What a test configures, per seller, about Fulfillment Inbound v2024-03-20 (control API bodies,
validated with pydantic): the placement options Amazon offers, how long asynchronous operations
stay IN_PROGRESS, and operations made to end FAILED (or SUCCESS with warnings)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

# The state-changing operations: each answers an operationId to poll.
AsyncOperation = Literal[
    "createInboundPlan",
    "generatePackingOptions",
    "confirmPackingOption",
    "setPackingInformation",
    "generatePlacementOptions",
    "confirmPlacementOption",
    "cancelInboundPlan",
]
ASYNC_OPERATIONS: tuple[str, ...] = AsyncOperation.__args__  # type: ignore[attr-defined]

# How long an operation stays IN_PROGRESS unless the seller's setting says otherwise.
DEFAULT_OPERATION_SECONDS = 1.0


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PlacementOffer(_Strict):
    """One placement option Amazon offers: into how many shipments it splits the plan (capped at
    the plan's unit count), its placement fee and discount (totals for the option)."""

    shipment_count: int = Field(ge=1, le=50)
    fee: float = Field(default=0.0, ge=0, le=1_000_000)
    discount: float = Field(default=0.0, ge=0, le=1_000_000)
    currency: str | None = Field(
        default=None, pattern=r"^[A-Z]{3}$", description="Default: the marketplace's currency."
    )


# Amazon-optimized splits without a fee, and a single shipment with a placement fee.
DEFAULT_PLACEMENT_OFFERS = (
    PlacementOffer(shipment_count=2, fee=0.0),
    PlacementOffer(shipment_count=1, fee=45.0),
)


class PlacementOptionsRequest(_Strict):
    """The options generatePlacementOptions offers from now on, in this order; an empty list
    makes it offer none (which Amazon does at times)."""

    options: list[PlacementOffer] = Field(max_length=10)


class OperationDurationRequest(_Strict):
    seconds: float = Field(ge=0, le=86_400)


class ProblemSpec(_Strict):
    code: str = Field(min_length=1, max_length=256)
    message: str = Field(min_length=1, max_length=2048)
    severity: Literal["ERROR", "WARNING"] = "ERROR"
    details: str | None = Field(default=None, max_length=8192)


def _default_problems() -> list[ProblemSpec]:
    # What live Amazon answers for most failed operations (selling-partner-api-models#4113).
    return [
        ProblemSpec(
            code="InternalServerError",
            message="ERROR: Something went wrong. Please try again later.",
        )
    ]


class OperationFailureRequest(_Strict):
    """The seller's next `count` operations of this kind end with `outcome` and `problems`
    (a FAILED operation changes nothing; SUCCESS applies it and lists the problems)."""

    operation: AsyncOperation
    count: int = Field(default=1, ge=1, le=1000)
    outcome: Literal["FAILED", "SUCCESS"] = "FAILED"
    problems: list[ProblemSpec] = Field(default_factory=_default_problems, min_length=1)
