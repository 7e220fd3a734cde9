"""A tenant's settings: planning (ignore unreceived FBA shipments, the drift tolerance)."""

from domain import planning
from domain.planning import PLANNING, ChangePlanningSettings, PlanningSettings
from domain.streams import StreamKind
from functions.api.auth import Caller
from functions.api.commands.base import event_context, with_retries
from functions.shared.aggregates import Aggregates

KEY = (StreamKind.SETTINGS.value, PLANNING)


def planning_settings(aggregates: Aggregates, caller: Caller) -> tuple[PlanningSettings, int]:
    """The tenant's planning settings (the defaults until changed) and their version."""
    loaded = aggregates.load(caller.tenant_id, StreamKind.SETTINGS, PLANNING)
    return loaded.state or PlanningSettings(), loaded.version


def change_planning(
    aggregates: Aggregates, caller: Caller, command: ChangePlanningSettings
) -> tuple[PlanningSettings, int]:
    def attempt() -> tuple[PlanningSettings, int]:
        loaded = aggregates.load(caller.tenant_id, StreamKind.SETTINGS, PLANNING)
        events = planning.decide(command, loaded.state)
        if not events:
            return loaded.state or PlanningSettings(), loaded.version
        context = event_context(caller, aggregates.clock)
        version = aggregates.save(context, {KEY: events}, {KEY: loaded.version})[KEY]
        state = loaded.state
        for event in events:
            state = planning.evolve(state, event)
        return state or PlanningSettings(), version

    return with_retries(attempt)
