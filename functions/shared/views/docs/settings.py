"""A tenant's settings topic's doc: what its views are rendered from."""

from typing import Literal

from domain.planning import PlanningSettings
from functions.shared.views.docs import StreamDoc


class SettingsDoc(StreamDoc):
    kind: Literal["settings"] = "settings"
    planning: PlanningSettings | None = None
