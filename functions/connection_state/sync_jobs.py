"""The message on the sync queue (SQS FIFO, one message group per connection).

Written by the dispatcher (schedule), the API (on-demand sync), the notifications consumer
(targeted re-polls) and the worker itself (continuing after a checkpoint); read by the worker.
"""

from enum import StrEnum

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field


class SyncReason(StrEnum):
    SCHEDULE = "schedule"
    ON_DEMAND = "on_demand"
    NOTIFICATION = "notification"
    CONTINUATION = "continuation"
    SALES_BACKFILL = "sales_backfill"  # the next run of a new connection's sales backfill


class SyncJob(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)

    tenant_id: str
    connection_id: str
    reason: SyncReason
    requested_at: AwareDatetime
    # Targeted re-poll: only the items of these shipments (empty = a full sync).
    shipment_ids: tuple[str, ...] = ()
    # Continuation of a run that saved a checkpoint before running out of time.
    run_id: str | None = None
    correlation_id: str = Field(default="", description="carried into the events appended")

    @property
    def message_group_id(self) -> str:
        return f"{self.tenant_id}#{self.connection_id}"
