"""A tenant's planning settings, and what "ignore unreceived FBA shipments" leaves out.

An FBA shipment with nothing received by its expected date (Amazon's confirmed need-by date,
else the order's own) plus N days leaves the planning figures: its units stay in the ledger and
in the real figures (on order, in transit), but are not counted as incoming for planning. A
receipt brings it back at once. The rule is applied when figures are read, from the orders as
they are and the settings as they are, so a change of the setting applies to every order at once.
"""

from datetime import UTC, date, datetime, time, timedelta
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from domain.messages import Command, DomainEvent

PLANNING = "planning"  # the entity id of a tenant's planning settings stream
MAX_DAYS_AFTER_EXPECTED = 365


class IgnoreUnreceived(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)

    enabled: bool = False
    days_after_expected: int = Field(default=30, ge=1, le=MAX_DAYS_AFTER_EXPECTED)


class PlanningSettings(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)

    ignore_unreceived: IgnoreUnreceived = IgnoreUnreceived()


class PlanningSettingsChanged(DomainEvent):
    type: Literal["PlanningSettingsChanged"] = "PlanningSettingsChanged"
    ignore_unreceived: IgnoreUnreceived


class ChangePlanningSettings(Command):
    ignore_unreceived: IgnoreUnreceived


def decide(command: ChangePlanningSettings, state: PlanningSettings | None) -> list[DomainEvent]:
    current = state or PlanningSettings()
    if command.ignore_unreceived == current.ignore_unreceived:
        return []
    return [PlanningSettingsChanged(ignore_unreceived=command.ignore_unreceived)]


def evolve(state: PlanningSettings | None, event: DomainEvent) -> PlanningSettings | None:
    if isinstance(event, PlanningSettingsChanged):
        return (state or PlanningSettings()).model_copy(
            update={"ignore_unreceived": event.ignore_unreceived}
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
