"""Bodies of /history: the audit trail of one aggregate, straight from the event log."""

from enum import StrEnum
from typing import Any

from pydantic import AwareDatetime, Field

from functions.api.models.common import ApiModel


class HistoryKind(StrEnum):
    SHIPMENT = "shipment"
    TRANSFER_ORDER = "transfer-order"
    SALES_ORDER = "sales-order"
    PURCHASE_ORDER = "purchase-order"
    WAREHOUSE = "warehouse"
    CONNECTION = "connection"
    VENDOR = "vendor"


class HistoryEvent(ApiModel):
    version: int
    type: str = Field(description="Stable event type name, e.g. `SalesOrderShipped`")
    schema_version: int
    event_id: str
    occurred_at: AwareDatetime = Field(description="When it happened (or was observed)")
    recorded_at: AwareDatetime = Field(description="When it was appended to the log")
    actor: str = Field(description="`user:<sub>` for API commands, `sync:...` for the sync")
    correlation_id: str
    causation_id: str | None = None
    payload: dict[str, Any]


class History(ApiModel):
    kind: HistoryKind
    id: str
    events: list[HistoryEvent]
    next_from_version: int | None = Field(
        default=None, description="Pass as `from_version` for the next page; null at the end"
    )
