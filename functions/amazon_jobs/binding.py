"""Binding a shipment the job's placement made to its order: the job observes it in Amazon's v0
reads (as the sync would: the same `observe`), and binds it in the same append as the job's
record of it, so the order follows it from then on and no sync imports it as a new order."""

from typing import Final

from domain.amazon_gateway import AmazonGateway, ShipmentItem, ShipmentQuery
from domain.event_store import EventContext
from domain.inbound_shipment.amazon import AmazonShipmentSnapshot
from domain.inbound_shipment.observe import observe
from domain.inbound_shipment.state import InboundShipment, evolve
from domain.messages import Decision
from domain.orders.saved_shipments import bind_saved_shipment
from domain.save_to_amazon import job as j
from domain.streams import StreamKind
from functions.shared.aggregates import Aggregates

MAX_ITEM_PAGES: Final = 20


class NotYetVisible(Exception):
    """Amazon's v0 reads do not show the shipment (yet): they lag its creation at times."""


class ShipmentBinder:
    def __init__(self, aggregates: Aggregates, reads: AmazonGateway) -> None:
        self._aggregates = aggregates
        self._reads = reads

    def bind(
        self, context: EventContext, job: j.AmazonJob, version: int, placed: j.PlacedShipment
    ) -> None:
        tenant, request = context.tenant_id, job.request
        snapshot = self._snapshot(request.connection_id, request.marketplace_id, placed)
        fba_id = placed.confirmation_id
        shipment = self._aggregates.load(tenant, StreamKind.SHIPMENT, fba_id)
        observed = observe(shipment.state, snapshot, self._aggregates.clock.now())
        state: InboundShipment | None = shipment.state
        for event in observed:
            state = evolve(state, event)
        assert state is not None
        order = self._aggregates.load(tenant, StreamKind.PURCHASE_ORDER, request.purchase_order_id)
        versions = {
            (StreamKind.SHIPMENT.value, fba_id): shipment.version,
            (StreamKind.PURCHASE_ORDER.value, request.purchase_order_id): order.version,
            (StreamKind.AMAZON_JOB.value, job.job_id): version,
        }
        transfer = sales = None
        if request.transfer_order_id is not None:
            transfer = self._aggregates.load(
                tenant, StreamKind.TRANSFER_ORDER, request.transfer_order_id
            )
            versions[(StreamKind.TRANSFER_ORDER.value, request.transfer_order_id)] = (
                transfer.version
            )
            if transfer.state is not None:
                sales_id = transfer.state.sales_order_id
                sales = self._aggregates.load(tenant, StreamKind.SALES_ORDER, sales_id)
                versions[(StreamKind.SALES_ORDER.value, sales_id)] = sales.version
        assert order.state is not None
        decision: Decision = bind_saved_shipment(
            state,
            order.state,
            job.job_id,
            transfer.state if transfer else None,
            sales.state if sales else None,
        )
        shipment_key = (StreamKind.SHIPMENT.value, fba_id)
        decision[shipment_key] = [*observed, *decision.get(shipment_key, [])]
        decision[(StreamKind.AMAZON_JOB.value, job.job_id)] = [
            j.AmazonJobShipmentBound(
                job_id=job.job_id, confirmation_id=fba_id, at=self._aggregates.clock.now()
            )
        ]
        self._aggregates.save(context, decision, versions)

    def _snapshot(
        self, connection_id: str, marketplace_id: str, placed: j.PlacedShipment
    ) -> AmazonShipmentSnapshot:
        fba_id = placed.confirmation_id
        page = self._reads.list_shipments(
            ShipmentQuery(marketplace_id=marketplace_id, shipment_ids=(fba_id,))
        )
        header = next((h for h in page.shipments if h.shipment_id == fba_id), None)
        if header is None:
            raise NotYetVisible(f"shipment {fba_id} is not in Amazon's v0 reads yet")
        items = self._items(marketplace_id, fba_id)
        return AmazonShipmentSnapshot(
            shipment_id=fba_id,
            connection_id=connection_id,
            marketplace_id=marketplace_id,
            name=header.name,
            destination_fc=header.destination_fc,
            ship_from=header.ship_from,
            status=header.status,
            confirmed_need_by_date=header.confirmed_need_by_date,
            lines=tuple(item.line for item in items),
        )

    def _items(self, marketplace_id: str, fba_id: str) -> list[ShipmentItem]:
        page = self._reads.shipment_items(marketplace_id, fba_id)
        items = list(page.items)
        for _ in range(MAX_ITEM_PAGES):
            if page.malformed:
                raise NotYetVisible(f"shipment {fba_id}'s items could not all be read")
            if page.next_token is None:
                return [i for i in items if i.shipment_id == fba_id]
            page = self._reads.next_items(marketplace_id, page.next_token)
            items += page.items
        raise NotYetVisible(f"shipment {fba_id} has more than {MAX_ITEM_PAGES} pages of items")
