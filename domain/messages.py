"""Base classes of the domain's two vocabularies: commands (imperative) and events (past tense).

Both are frozen pydantic models. Every event carries a stable `type` literal (never a module path)
and a `schema_version`, so stored events can be upcast when a schema changes. Their validators
are built at first use (`defer_build`): a function's cold start builds only the few it meets.
"""

from datetime import datetime

from pydantic import BaseModel, ConfigDict


class Command(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class DomainEvent(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    type: str
    schema_version: int = 1

    def units_moved_at(self) -> datetime | None:
        """When the units this event moves moved, if it names that time (a count, a shipment);
        None: they moved when the event occurred."""
        return None


# Events decided for several streams at once, appended all or nothing: (stream kind, id) -> events.
Decision = dict[tuple[str, str], list[DomainEvent]]
