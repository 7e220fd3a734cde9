"""Base classes of the domain's two vocabularies: commands (imperative) and events (past tense).

Both are frozen pydantic models. Every event carries a stable `type` literal (never a module path)
and a `schema_version`, so stored events can be upcast when a schema changes.
"""

from pydantic import BaseModel, ConfigDict


class Command(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class DomainEvent(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    type: str
    schema_version: int = 1


# Events decided for several streams at once, appended all or nothing: (stream kind, id) -> events.
Decision = dict[tuple[str, str], list[DomainEvent]]
