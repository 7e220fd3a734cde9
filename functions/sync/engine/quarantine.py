"""Setting aside what Amazon sent that cannot be read or recorded: counted and shown in the run's
status (`RunCounters.quarantine`), a metric and a warning; never fatal to the run."""

from domain.amazon_gateway import MalformedRecord
from functions.connection_state.status import QuarantinedRecord, RunCounters
from functions.sync.observability import SyncMetrics


def quarantine(
    counters: RunCounters, metrics: SyncMetrics, marketplace_id: str, record: MalformedRecord
) -> None:
    quarantined = QuarantinedRecord(
        marketplace_id=marketplace_id, **record.model_dump(exclude={"shipment_id"})
    )
    counters.quarantine(quarantined)
    metrics.quarantined(quarantined)
