"""What other code names of a connection without its commands, events or state: its status,
the bounds of its watch window, and the ids of the warehouses it brings (an FBA warehouse per
marketplace, one FBM warehouse). No pydantic class is declared here: the notifications
consumer, the dispatcher and the operational state import these without building the
connection's or the warehouses' classes (`domain.connection` and `domain.warehouse` re-export
them)."""

from enum import StrEnum

DEFAULT_WATCH_WINDOW_DAYS = 60
MAX_WATCH_WINDOW_DAYS = 365


class ConnectionStatus(StrEnum):
    ACTIVE = "active"
    AUTHORIZATION_LOST = "authorization_lost"
    DISCONNECTED = "disconnected"


def fba_warehouse_id(connection_id: str, marketplace_id: str) -> str:
    return f"fba-{connection_id}-{marketplace_id}"


def fbm_warehouse_id(connection_id: str) -> str:
    return f"fbm-{connection_id}"
