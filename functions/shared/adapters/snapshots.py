"""Aggregate snapshots in the operational state table: `snapshot#{stream}` / `state`.

A snapshot is a fact about the immutable events up to its version, so it may be written by any
reader that folded them, whatever its command then does.
"""

from typing import Final

from domain.streams import StreamId
from functions.shared.adapters.state_store import StateTable
from functions.shared.aggregates import Snapshot

_SK: Final = "state"


def snapshot_pk(stream_id: StreamId) -> str:
    return f"snapshot#{stream_id}"


class StateTableSnapshots:
    def __init__(self, table: StateTable) -> None:
        self._table = table

    def get(self, stream_id: StreamId) -> Snapshot | None:
        stored = self._table.get(snapshot_pk(stream_id), _SK, Snapshot)
        return None if stored is None else stored.doc

    def put(self, stream_id: StreamId, snapshot: Snapshot) -> None:
        self._table.put(snapshot_pk(stream_id), _SK, snapshot)
