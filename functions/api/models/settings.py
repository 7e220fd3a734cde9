"""Bodies of /settings."""

from typing import Annotated

from pydantic import BeforeValidator, Field, StrictBool, field_validator

from domain.planning import MAX_DAYS_AFTER_EXPECTED, MAX_DRIFT_TOLERANCE, IgnoreUnreceived
from functions.api.models.common import ApiModel, Integer, not_a_boolean


class IgnoreUnreceivedSettings(ApiModel):
    enabled: StrictBool = Field(description="Leave unreceived FBA shipments out of planning")
    days_after_expected: Integer = Field(
        default=30,
        ge=1,
        le=MAX_DAYS_AFTER_EXPECTED,
        description="Days after the expected date (Amazon's confirmed need-by date, else the "
        "order's) with nothing received before a shipment is left out",
    )

    _whole = field_validator("days_after_expected", mode="before")(not_a_boolean)

    def to_domain(self) -> IgnoreUnreceived:
        return IgnoreUnreceived(**self.model_dump())


DRIFT_TOLERANCE = (
    "Units our stock and Amazon's own figures may differ by before `GET /stock/drift` shows "
    "the SKU (and before a lasting on-hand difference is booked as an `amazon_adjustment`)"
)


# The bounds before the validator: after it, the document would not show them as bounds.
DriftTolerance = Annotated[int, Field(ge=0, le=MAX_DRIFT_TOLERANCE), BeforeValidator(not_a_boolean)]


class PlanningSettingsRequest(ApiModel):
    ignore_unreceived: IgnoreUnreceivedSettings
    drift_tolerance_units: DriftTolerance | None = Field(
        default=None, description=DRIFT_TOLERANCE + "; omitted: unchanged"
    )


class PlanningSettingsView(ApiModel):
    ignore_unreceived: IgnoreUnreceivedSettings
    drift_tolerance_units: int = Field(description=DRIFT_TOLERANCE)
    version: int = Field(description="Version of the settings (0: never changed)")
