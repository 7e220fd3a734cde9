"""Recording what the sync saw of one shipment: load its stream, let the domain's pure `observe`
decide, append what it decided. Nothing changed, nothing appended; a concurrent writer (the API
reconciling the shipment) makes us reload and decide again."""

from dataclasses import dataclass

from domain.amazon_gateway import ShipmentHeader
from domain.event_store import EventContext
from domain.inbound_shipment.amazon import AmazonShipmentLine, AmazonShipmentSnapshot
from domain.inbound_shipment.observe import observe
from domain.inbound_shipment.state import InboundShipment, evolve
from domain.ports import Clock
from domain.streams import StreamKind
from functions.shared.aggregates import Aggregates, retry_on_conflict

SYNC_ACTOR = "system:sync"
# The operation under which a shipment whose events cannot be written is reported (quarantined).
RECORD_SHIPMENT = "recordShipment"


@dataclass(frozen=True)
class Recorded:
    state: InboundShipment
    appended: int


@dataclass(frozen=True)
class RunIdentity:
    tenant_id: str
    connection_id: str
    run_id: str
    correlation_id: str


class ShipmentRecorder:
    def __init__(self, aggregates: Aggregates, clock: Clock) -> None:
        self._aggregates = aggregates
        self._clock = clock

    def current(self, tenant_id: str, shipment_id: str) -> InboundShipment | None:
        state: InboundShipment | None = self._aggregates.load(
            tenant_id, StreamKind.SHIPMENT, shipment_id
        ).state
        return state

    def record(
        self,
        run: RunIdentity,
        marketplace_id: str,
        shipment_id: str,
        header: ShipmentHeader | None,
        lines: tuple[AmazonShipmentLine, ...] | None,
    ) -> Recorded | None:
        """None when there is nothing to observe: no header and no stream yet."""

        def attempt() -> Recorded | None:
            loaded = self._aggregates.load(run.tenant_id, StreamKind.SHIPMENT, shipment_id)
            state: InboundShipment | None = loaded.state
            snapshot = _snapshot(
                run.connection_id, marketplace_id, shipment_id, state, header, lines
            )
            if snapshot is None:
                return None
            observed_at = self._clock.now()
            events = observe(state, snapshot, observed_at)
            for event in events:
                state = evolve(state, event)
            if events:
                context = EventContext(
                    tenant_id=run.tenant_id,
                    actor=SYNC_ACTOR,
                    correlation_id=run.correlation_id,
                    causation_id=run.run_id,
                    occurred_at=observed_at,
                )
                key = (StreamKind.SHIPMENT.value, shipment_id)
                self._aggregates.save(context, {key: events}, {key: loaded.version})
            assert state is not None
            return Recorded(state=state, appended=len(events))

        return retry_on_conflict(attempt)


def _snapshot(
    connection_id: str,
    marketplace_id: str,
    shipment_id: str,
    state: InboundShipment | None,
    header: ShipmentHeader | None,
    lines: tuple[AmazonShipmentLine, ...] | None,
) -> AmazonShipmentSnapshot | None:
    """Amazon's view: the header just listed, or (not listed: its last-updated time has not
    moved) the details we already hold, with the lines just read."""
    if header is not None:
        details = header.model_dump(exclude={"shipment_id"})
    elif state is not None:
        details = {
            "name": state.name,
            "destination_fc": state.destination_fc,
            "ship_from": state.ship_from,
            "status": state.status,
            "confirmed_need_by_date": state.confirmed_need_by_date,
        }
    else:
        return None
    return AmazonShipmentSnapshot(
        shipment_id=shipment_id,
        connection_id=state.connection_id if state else connection_id,
        marketplace_id=state.marketplace_id if state else marketplace_id,
        lines=lines,
        **details,
    )
