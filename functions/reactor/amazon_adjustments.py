"""Amazon's reports against our ledger, one report at a time: a persisted on-hand drift is
booked as an `AmazonStockAdjusted` on the FBA inventory stream, and every persisted drift
(on hand or inbound) is a `StockDriftPersisted` metric, which the stack alarms on.

The decision is `domain.stock.drift` on the warehouse x SKU as the views hold it (the stock
row's latest reports, our ledger's tail) plus what the FBA inventory stream holds beyond the
views' doc of it (reports and adjustments not projected yet: the doc is written after the
ledger facts). It is re-derived from those facts on every report, so a redelivered report
finds the adjustment it made (the drift closed) and decides nothing new; the append expects
the stream's version as read, so two reactions racing are one adjustment and one retry.

Our events recorded late (the projector has not yet projected a movement dated before a
report) can only delay an adjustment or make one a later report corrects: an adjustment needs
the very same difference in three reports in a row.

An adjustment is decided on the reports our reads of the marketplace's orders cover
(`AmazonSalesReadThrough`, appended by the sync), the newer ones left out: Amazon's figures
move with a sale at once, its order report shows the sale later, and booking that difference
would count the sale twice. The report that decides is then the latest covered one, and the
adjustment is dated at it. (With no sales read ever recorded, every report counts.)

No adjustment is booked while a shipment into the warehouse that nobody reconciled holds units
of the SKU Amazon received: our events explain those units (the shipment's receipts), our
ledger does not hold them yet (no order), and booking them would count them twice once the
shipment is reconciled. The drift stays shown, and its metric raised, meanwhile.
"""

import json
from datetime import datetime
from typing import Final, Protocol

from aws_lambda_powertools import Metrics
from aws_lambda_powertools.metrics import MetricUnit

from domain.connection_terms import fba_warehouse_id
from domain.event_store import EventContext, RecordedEvent
from domain.inventory import (
    AmazonInventoryReported,
    AmazonStockAdjusted,
    sales_read_through,
)
from domain.messages import Decision, DomainEvent
from domain.planning import PLANNING, PlanningSettings
from domain.stock.drift import Drift
from domain.streams import StreamId, StreamKind
from functions.shared.aggregates import Aggregates, retry_on_conflict
from functions.shared.projections.inventory import InventoryProjection
from functions.shared.tables import VIEWS_GSI2
from functions.shared.views import keys
from functions.shared.views.docs import parse_doc
from functions.shared.views.docs.fba_inventory import InventoryDoc
from functions.shared.views.docs.shipment import ShipmentDoc
from functions.shared.views.drift_queries import LedgerRows, adjustment_of, drifts_of, read_ours
from functions.shared.views.items import RowKey
from functions.shared.views.table import Partition

ACTOR: Final = "system:reactor"
STOCK_DRIFT_PERSISTED: Final = "StockDriftPersisted"
# Events of an FBA inventory stream the views may lag behind before a report waits (its
# record fails and is retried by the stream, by then the projector has caught up).
MAX_UNPROJECTED: Final = 1_000
MAX_UNRECONCILED: Final = 200  # unreconciled shipments looked through before adjusting
_INVENTORY = InventoryProjection()


class DriftAlerts(Protocol):
    def persisted(self, drift: Drift) -> None:
        """A drift seen past two reads (the `StockDriftPersisted` metric)."""
        ...


class MetricAlerts:
    """`StockDriftPersisted` through Powertools (the handler's `log_metrics` flushes it)."""

    def __init__(self, metrics: Metrics) -> None:
        self._metrics = metrics

    def persisted(self, drift: Drift) -> None:
        self._metrics.add_metric(name=STOCK_DRIFT_PERSISTED, unit=MetricUnit.Count, value=1)


class ViewsLagging(Exception):
    """The views are too far behind the FBA inventory stream to decide on: retried later."""


class AmazonAdjustments:
    def __init__(self, aggregates: Aggregates, rows: LedgerRows, alerts: DriftAlerts) -> None:
        self._aggregates = aggregates
        self._rows = rows
        self._alerts = alerts

    def react(self, recorded: RecordedEvent) -> Decision:
        """The adjustment the report calls for ({} for none)."""
        if not isinstance(recorded.event, AmazonInventoryReported):
            return {}
        decision, found = retry_on_conflict(lambda: self._decide(recorded))
        for drift in found:
            if drift.persisted:
                self._alerts.persisted(drift)
        return decision

    def _decide(self, recorded: RecordedEvent) -> tuple[Decision, list[Drift]]:
        event = recorded.event
        assert isinstance(event, AmazonInventoryReported)
        tenant, stream = recorded.tenant_id, recorded.stream_id
        ours = read_ours(self._rows, tenant, event.warehouse_id, event.sku)
        projected, read_through = self._projected(recorded)
        unprojected = self._aggregates.store.read(stream, projected + 1, MAX_UNPROJECTED + 1)
        if len(unprojected) > MAX_UNPROJECTED:
            raise ViewsLagging(f"views are {len(unprojected)}+ events behind {stream}")
        doc = InventoryDoc(stream_id=str(stream))
        mine = [e for e in unprojected if _of_sku(e, event.sku)]
        ours = ours.with_unprojected(
            [report for e in mine for report in _INVENTORY.reports(e)],
            [fact for e in mine for fact in _INVENTORY.facts(doc, doc, e)],
        )
        tolerance = self._tolerance(tenant)
        found = drifts_of(ours, tolerance)
        settled = adjustment_of(ours, tolerance, _latest(read_through, unprojected))
        if settled is None or self._received_unreconciled(tenant, event.warehouse_id, event.sku):
            return {}, found
        events: list[DomainEvent] = [settled]
        key = (StreamKind.FBA_INVENTORY.value, stream.entity_id)
        decision: Decision = {key: events}
        context = EventContext(
            tenant_id=tenant,
            actor=ACTOR,
            correlation_id=recorded.correlation_id,
            causation_id=recorded.event_id,
            occurred_at=settled.reported_at,  # Amazon's time: the report it settles on
        )
        version = projected + len(unprojected)
        self._aggregates.save(context, decision, {key: version})
        return decision, found

    def _received_unreconciled(self, tenant_id: str, warehouse_id: str, sku: str) -> bool:
        """Whether an unreconciled shipment into the warehouse holds received units of the
        SKU (past MAX_UNRECONCILED such shipments, held as if one did: never book twice)."""
        path = Partition(keys.shipments_by(tenant_id, "RECONCILED", "no"), VIEWS_GSI2)
        for looked, item in enumerate(self._rows.all(path)):
            if looked >= MAX_UNRECONCILED:
                return True
            summary = json.loads(item.data)
            into = fba_warehouse_id(summary["connection_id"], summary["marketplace_id"])
            if into != warehouse_id or not summary["units_received"]:
                continue
            stream = StreamId(
                tenant_id=tenant_id, kind=StreamKind.SHIPMENT, entity_id=summary["shipment_id"]
            )
            found = self._rows.get(RowKey(pk=keys.doc_pk(stream), sk=keys.DOC))
            doc = parse_doc(found.data) if found else None
            shipment = doc.shipment if isinstance(doc, ShipmentDoc) else None
            line = shipment.lines.get(sku) if shipment else None
            if line is not None and line.quantity_received > 0:
                return True
        return False

    def _projected(self, recorded: RecordedEvent) -> tuple[int, datetime | None]:
        """The stream's version the views reached, and how far our sales reads reach then."""
        item = self._rows.get(RowKey(pk=keys.doc_pk(recorded.stream_id), sk=keys.DOC))
        doc = parse_doc(item.data) if item else None
        if not isinstance(doc, InventoryDoc):
            return 0, None
        return doc.version, doc.sales_read_through

    def _tolerance(self, tenant_id: str) -> int:
        loaded = self._aggregates.load(tenant_id, StreamKind.SETTINGS, PLANNING)
        settings: PlanningSettings = loaded.state or PlanningSettings()
        return settings.drift_tolerance_units


def _latest(read_through: datetime | None, events: list[RecordedEvent]) -> datetime | None:
    for recorded in events:
        read_through = sales_read_through(read_through, recorded.event)
    return read_through


def _of_sku(recorded: RecordedEvent, sku: str) -> bool:
    event = recorded.event
    return isinstance(event, AmazonInventoryReported | AmazonStockAdjusted) and event.sku == sku
