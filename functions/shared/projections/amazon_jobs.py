"""Save-to-Amazon jobs: the doc only (their bindings move stock through the orders')."""

from typing import Any

from domain.event_store import RecordedEvent
from domain.save_to_amazon import job as amazon_job
from domain.streams import StreamId
from functions.shared.projections.changes import IndexKeys, MovesNoStock, NoRows
from functions.shared.views.docs.amazon_job import AmazonJobDoc


class AmazonJobProjection(NoRows, MovesNoStock):
    """A Save-to-Amazon job: the doc only (its bindings move stock through the orders')."""

    def initial(self, stream_id: StreamId) -> AmazonJobDoc:
        return AmazonJobDoc(stream_id=str(stream_id))

    def evolve(self, doc: AmazonJobDoc, recorded: RecordedEvent) -> dict[str, Any]:
        return {"job": amazon_job.evolve(doc.job, recorded.event)}

    def doc_index(self, doc: AmazonJobDoc) -> IndexKeys:
        return IndexKeys()
