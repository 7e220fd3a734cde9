"""Recording what Amazon's reports showed of one customer order: load its stream, let the domain's
`observe_order` / `observe_return` decide, append what they decided. The same order read twice
(overlapping windows, a report read again) appends nothing; a change appends once."""

from collections.abc import Callable

from domain.event_store import EventContext
from domain.messages import DomainEvent
from domain.ports import Clock
from domain.sales.order import (
    AmazonOrder,
    AmazonOrderObserved,
    AmazonReturnObserved,
    observe_order,
    observe_return,
)
from domain.streams import StreamKind
from functions.shared.aggregates import Aggregates, retry_on_conflict
from functions.sync.engine.recorder import SYNC_ACTOR, RunIdentity

# The operation under which an order whose events cannot be written is reported (quarantined).
RECORD_ORDER = "recordAmazonOrder"


class SalesRecorder:
    def __init__(self, aggregates: Aggregates, clock: Clock) -> None:
        self._aggregates = aggregates
        self._clock = clock

    def order(self, run: RunIdentity, seen: AmazonOrderObserved) -> int:
        """How many events the order's observation appended (0 or 1)."""
        return self._record(run, seen.amazon_order_id, lambda state: observe_order(state, seen))

    def returned(self, run: RunIdentity, seen: AmazonReturnObserved) -> int:
        return self._record(run, seen.amazon_order_id, lambda state: observe_return(state, seen))

    def _record(
        self,
        run: RunIdentity,
        amazon_order_id: str,
        decide: Callable[[AmazonOrder | None], list[DomainEvent]],
    ) -> int:
        def attempt() -> int:
            loaded = self._aggregates.load(run.tenant_id, StreamKind.AMAZON_ORDER, amazon_order_id)
            events = decide(loaded.state)
            if events:
                context = EventContext(
                    tenant_id=run.tenant_id,
                    actor=SYNC_ACTOR,
                    correlation_id=run.correlation_id,
                    causation_id=run.run_id,
                    occurred_at=self._clock.now(),
                )
                key = (StreamKind.AMAZON_ORDER.value, amazon_order_id)
                self._aggregates.save(context, {key: events}, {key: loaded.version})
            return len(events)

        return retry_on_conflict(attempt)
