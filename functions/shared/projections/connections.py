"""Connections to seller accounts, listed per tenant."""

from typing import Any

from domain import connection
from domain.event_store import RecordedEvent
from domain.streams import StreamId
from functions.shared.projections.changes import IndexKeys, MovesNoStock, NoRows
from functions.shared.views import keys
from functions.shared.views.docs.connection import ConnectionDoc


class ConnectionProjection(NoRows, MovesNoStock):
    def initial(self, stream_id: StreamId) -> ConnectionDoc:
        return ConnectionDoc(stream_id=str(stream_id))

    def evolve(self, doc: ConnectionDoc, recorded: RecordedEvent) -> dict[str, Any]:
        return {"connection": connection.evolve(doc.connection, recorded.event)}

    def doc_index(self, doc: ConnectionDoc) -> IndexKeys:
        if doc.connection is None:
            return IndexKeys()
        tenant = doc.tenant_id
        return IndexKeys(
            gsi1pk=keys.connections(tenant), gsi1sk=keys.part(doc.connection.connection_id)
        )
