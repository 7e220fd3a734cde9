"""The reactor's wiring names, for each reaction, the event types it is built for: every name
must be a registered event type, or that reaction would silently never run."""

import boto3

from domain.registry import all_event_types
from functions.reactor.wiring import build
from functions.shared.adapters.system import RandomIds, SystemClock
from functions.shared.settings import StoreSettings


def test_every_reaction_is_for_registered_event_types() -> None:
    settings = StoreSettings.model_validate(
        {"EVENTS_TABLE": "events", "VIEWS_TABLE": "views", "STATE_TABLE": "state"}
    )
    client = boto3.client("dynamodb", region_name="us-east-1")  # built only: never called
    deps = build(settings, client, RandomIds(), SystemClock())
    assert len(deps.reactions) == 3
    for reaction in deps.reactions:
        assert reaction.kinds or reaction.types
        assert reaction.types <= set(all_event_types()), reaction.types - set(all_event_types())
