"""/history: every event of one shipment, order, warehouse or connection, in order.

Read from the event store itself (consistent), not from a view: this is the audit trail.
"""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path, Query

from domain.errors import NotFound
from domain.streams import StreamId, StreamKind
from functions.api import contract
from functions.api.dependencies import CallerDep, ServicesDep
from functions.api.models.common import MAX_PAGE
from functions.api.models.history import History, HistoryEvent, HistoryKind
from functions.api.routers import resource_router
from functions.api.routers.params import EntityId, Limit

router = resource_router()
STREAM_OF: dict[HistoryKind, StreamKind] = {
    HistoryKind.SHIPMENT: StreamKind.SHIPMENT,
    HistoryKind.TRANSFER_ORDER: StreamKind.TRANSFER_ORDER,
    HistoryKind.SALES_ORDER: StreamKind.SALES_ORDER,
    HistoryKind.PURCHASE_ORDER: StreamKind.PURCHASE_ORDER,
    HistoryKind.WAREHOUSE: StreamKind.WAREHOUSE,
    HistoryKind.CONNECTION: StreamKind.CONNECTION,
    HistoryKind.VENDOR: StreamKind.VENDOR,
}


@router.get(
    "/history/<kind>/<entity_id>",
    tags=["history"],
    summary="The audit trail of one shipment, order, warehouse or connection",
    description="Its events in version order, from the event log (consistent, not a view): "
    "what happened, when it happened and was recorded, who did it, and why.",
    responses=contract.responses(200, "Events in order", contract.ITEM_ERRORS),
)
def history(
    kind: Annotated[HistoryKind, Path()],
    entity_id: EntityId,
    caller: CallerDep,
    services: ServicesDep,
    from_version: Annotated[int, Query(ge=1, le=10**9)] = 1,
    limit: Limit = MAX_PAGE,
) -> History:
    stream = StreamId(tenant_id=caller.tenant_id, kind=STREAM_OF[kind], entity_id=entity_id)
    # One more than the page: whether a next page exists, without reading the whole stream.
    recorded = services.events.read(stream, from_version=from_version, limit=limit + 1)
    # Past the end of a stream is an empty page; an unknown (or another tenant's) one is a 404
    # whatever the page asked for.
    if not recorded and (from_version == 1 or not services.events.read(stream, limit=1)):
        raise NotFound(f"no {kind.value} {entity_id}")
    page = recorded[:limit]
    events = [
        HistoryEvent(
            version=r.version,
            type=r.type,
            schema_version=r.schema_version,
            event_id=r.event_id,
            occurred_at=r.occurred_at,
            recorded_at=r.recorded_at,
            actor=r.actor,
            correlation_id=r.correlation_id,
            causation_id=r.causation_id,
            payload=r.event.model_dump(mode="json", exclude={"type", "schema_version"}),
        )
        for r in page
    ]
    next_from = page[-1].version + 1 if len(recorded) > limit else None
    return History(kind=kind, id=entity_id, events=events, next_from_version=next_from)
