"""A tenant's settings: the doc only, read by the queries that apply them."""

from typing import Any

from domain import planning
from domain.event_store import RecordedEvent
from domain.stock.ledger import AmazonReport, LedgerFact
from domain.streams import StreamId
from functions.shared.projections.changes import IndexKeys
from functions.shared.views.docs.settings import SettingsDoc
from functions.shared.views.items import ViewItem


class SettingsProjection:
    """A tenant's settings: the doc only (read by the queries that apply them)."""

    rendered: tuple[str, ...] = ()  # no rows

    def initial(self, stream_id: StreamId) -> SettingsDoc:
        return SettingsDoc(stream_id=str(stream_id))

    def evolve(self, doc: SettingsDoc, recorded: RecordedEvent) -> dict[str, Any]:
        return {"planning": planning.evolve(doc.planning, recorded.event)}

    def rows(self, doc: SettingsDoc) -> list[ViewItem]:
        return []

    def doc_index(self, doc: SettingsDoc) -> IndexKeys:
        return IndexKeys()

    def facts(
        self, before: SettingsDoc, after: SettingsDoc, recorded: RecordedEvent
    ) -> list[LedgerFact]:
        return []

    def reports(self, recorded: RecordedEvent) -> list[AmazonReport]:
        return []
