"""A tenant's settings: the doc only, read by the queries that apply them."""

from typing import Any

from domain import planning
from domain.event_store import RecordedEvent
from domain.streams import StreamId
from functions.shared.projections.changes import IndexKeys, MovesNoStock, NoRows
from functions.shared.views.docs.settings import SettingsDoc


class SettingsProjection(NoRows, MovesNoStock):
    """A tenant's settings: the doc only (read by the queries that apply them)."""

    def initial(self, stream_id: StreamId) -> SettingsDoc:
        return SettingsDoc(stream_id=str(stream_id))

    def evolve(self, doc: SettingsDoc, recorded: RecordedEvent) -> dict[str, Any]:
        return {"planning": planning.evolve(doc.planning, recorded.event)}

    def doc_index(self, doc: SettingsDoc) -> IndexKeys:
        return IndexKeys()
