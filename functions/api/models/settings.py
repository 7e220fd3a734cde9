"""Bodies of /settings."""

from pydantic import Field, StrictBool, field_validator

from domain.planning import MAX_DAYS_AFTER_EXPECTED, IgnoreUnreceived
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


class PlanningSettingsRequest(ApiModel):
    ignore_unreceived: IgnoreUnreceivedSettings


class PlanningSettingsView(ApiModel):
    ignore_unreceived: IgnoreUnreceivedSettings
    version: int = Field(description="Version of the settings (0: never changed)")
