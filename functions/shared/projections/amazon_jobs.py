"""Save-to-Amazon jobs: the doc only (their bindings move stock through the orders')."""

from typing import Any

from domain.event_store import RecordedEvent
from domain.save_to_amazon import job as amazon_job
from domain.stock.ledger import AmazonReport, LedgerFact
from domain.streams import StreamId
from functions.shared.projections.changes import IndexKeys
from functions.shared.views.docs.amazon_job import AmazonJobDoc
from functions.shared.views.items import ViewItem


class AmazonJobProjection:
    """A Save-to-Amazon job: the doc only (its bindings move stock through the orders')."""

    rendered: tuple[str, ...] = ()  # no rows

    def initial(self, stream_id: StreamId) -> AmazonJobDoc:
        return AmazonJobDoc(stream_id=str(stream_id))

    def evolve(self, doc: AmazonJobDoc, recorded: RecordedEvent) -> dict[str, Any]:
        return {"job": amazon_job.evolve(doc.job, recorded.event)}

    def rows(self, doc: AmazonJobDoc) -> list[ViewItem]:
        return []

    def doc_index(self, doc: AmazonJobDoc) -> IndexKeys:
        return IndexKeys()

    def facts(
        self, before: AmazonJobDoc, after: AmazonJobDoc, recorded: RecordedEvent
    ) -> list[LedgerFact]:
        return []

    def reports(self, recorded: RecordedEvent) -> list[AmazonReport]:
        return []
