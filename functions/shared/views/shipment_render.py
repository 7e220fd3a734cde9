"""Rendering the read models of inbound shipments from their docs (pure)."""

from typing import TYPE_CHECKING

from functions.shared.views.shipment_models import (
    Address,
    ShipmentDetail,
    ShipmentLine,
    ShipmentSummary,
    StatusObservation,
)

if TYPE_CHECKING:  # the doc's module loads with the first shipment doc read
    from functions.shared.views.docs.shipment import ShipmentDoc


def shipment_summary(doc: "ShipmentDoc") -> ShipmentSummary | None:
    shipment = doc.shipment
    if shipment is None or doc.discovered_at is None:
        return None
    reconciliation = shipment.reconciliation
    return ShipmentSummary(
        shipment_id=shipment.shipment_id,
        name=shipment.name,
        status=shipment.status,
        connection_id=shipment.connection_id,
        marketplace_id=shipment.marketplace_id,
        destination_fc=shipment.destination_fc,
        discovered_at=doc.discovered_at,
        last_observed_at=shipment.last_observed_at,
        reconciled=reconciliation is not None,
        transfer_order_ids=[reconciliation.transfer_order_id]
        if reconciliation and reconciliation.transfer_order_id
        else [],
        purchase_order_ids=[reconciliation.purchase_order_id] if reconciliation else [],
        sku_count=len(shipment.lines),
        version=doc.version,
        units_shipped=sum(line.quantity_shipped for line in shipment.lines.values()),
        units_received=sum(line.quantity_received for line in shipment.lines.values()),
    )


def shipment_detail(doc: "ShipmentDoc") -> ShipmentDetail | None:
    summary = shipment_summary(doc)
    if summary is None or doc.shipment is None:
        return None
    shipment = doc.shipment
    return ShipmentDetail(
        **summary.model_dump(),
        ship_from=Address(**shipment.ship_from.model_dump()),
        lines=[
            ShipmentLine(**line.model_dump(), discrepancy=line.discrepancy)
            for line in sorted(shipment.lines.values(), key=lambda line: line.sku)
        ],
        status_history=[
            StatusObservation(status=seen.status, observed_at=seen.observed_at)
            for seen in shipment.status_history
        ],
        closed_at=shipment.closed_at,
    )
