"""A connection to a seller account's doc: what its views are rendered from."""

from typing import Literal

from domain.connection_events import Connection
from functions.shared.views.docs import StreamDoc


class ConnectionDoc(StreamDoc):
    kind: Literal["connection"] = "connection"
    connection: Connection | None = None
