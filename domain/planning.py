"""A tenant's planning settings, and what "ignore unreceived FBA shipments" leaves out.

An FBA shipment with nothing received by its expected date (Amazon's confirmed need-by date,
else the order's own) plus N days leaves the planning figures: its units stay in the ledger and
in the real figures (on order, in transit), but are not counted as incoming for planning. A
receipt brings it back at once. The rule is applied when figures are read, from the orders as
they are and the settings as they are, so a change of the setting applies to every order at once.

The drift tolerance is how many units our figures and Amazon's may differ before the drift
check (`domain.stock.drift`) reports them.
"""

from datetime import UTC, date, datetime, time, timedelta
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from domain.messages import Command, DomainEvent

PLANNING = "planning"  # the entity id of a tenant's planning settings stream
MAX_DAYS_AFTER_EXPECTED = 365
DEFAULT_DRIFT_TOLERANCE = 2
MAX_DRIFT_TOLERANCE = 100_000


class IgnoreUnreceived(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)

    enabled: bool = False
    days_after_expected: int = Field(default=30, ge=1, le=MAX_DAYS_AFTER_EXPECTED)


class PlanningSettings(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)

    ignore_unreceived: IgnoreUnreceived = IgnoreUnreceived()
    drift_tolerance_units: int = Field(
        default=DEFAULT_DRIFT_TOLERANCE, ge=0, le=MAX_DRIFT_TOLERANCE
    )


class PlanningSettingsChanged(DomainEvent):
    type: Literal["PlanningSettingsChanged"] = "PlanningSettingsChanged"
    ignore_unreceived: IgnoreUnreceived
    drift_tolerance_units: int | None = None  # None: unchanged


class ChangePlanningSettings(Command):
    ignore_unreceived: IgnoreUnreceived
    drift_tolerance_units: int | None = Field(default=None, ge=0, le=MAX_DRIFT_TOLERANCE)


def decide(command: ChangePlanningSettings, state: PlanningSettings | None) -> list[DomainEvent]:
    current = state or PlanningSettings()
    tolerance = command.drift_tolerance_units
    wanted = current.model_copy(
        update={
            "ignore_unreceived": command.ignore_unreceived,
            "drift_tolerance_units": current.drift_tolerance_units
            if tolerance is None
            else tolerance,
        }
    )
    if wanted == current:
        return []
    tolerance_changed = wanted.drift_tolerance_units != current.drift_tolerance_units
    return [
        PlanningSettingsChanged(
            ignore_unreceived=wanted.ignore_unreceived,
            drift_tolerance_units=wanted.drift_tolerance_units if tolerance_changed else None,
        )
    ]


def evolve(state: PlanningSettings | None, event: DomainEvent) -> PlanningSettings | None:
    if isinstance(event, PlanningSettingsChanged):
        current = state or PlanningSettings()
        tolerance = event.drift_tolerance_units
        return current.model_copy(
            update={
                "ignore_unreceived": event.ignore_unreceived,
                "drift_tolerance_units": current.drift_tolerance_units
                if tolerance is None
                else tolerance,
            }
        )
    return state


class Incoming(BaseModel):
    """An open order's units of one SKU on their way into an FBA warehouse."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    purchase_order_id: str
    shipment_id: str | None
    sku: str
    units: int  # on order, in transit or receiving
    expected_date: date | None
    anything_received: bool  # on any line of the order (its shipment)


def ignored_since(
    incoming: Incoming, settings: PlanningSettings, now: AwareDatetime
) -> datetime | None:
    """When planning started to ignore these units (None: it does not, now)."""
    rule = settings.ignore_unreceived
    if not rule.enabled or incoming.anything_received or incoming.expected_date is None:
        return None
    since = datetime.combine(
        incoming.expected_date + timedelta(days=rule.days_after_expected), time(), tzinfo=UTC
    )
    return since if now >= since else None
