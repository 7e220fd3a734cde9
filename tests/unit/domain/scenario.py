"""A reconciled shipment's streams, built through the real deciders, for order tests."""

from dataclasses import dataclass, field

from domain.inbound_shipment.observe import observe
from domain.inbound_shipment.state import InboundShipment
from domain.inbound_shipment.state import evolve as evolve_shipment
from domain.messages import Decision, DomainEvent
from domain.orders import purchase_order, sales_order
from domain.orders.transfer import ReconcileShipment, destination_of, reconcile
from domain.streams import StreamKind
from domain.warehouse import Warehouse, WarehouseKind
from tests.unit.domain.builders import at, new_id, shipment_id, snapshot


@dataclass
class Scenario:
    """Streams by (kind, id) -> events, with helpers to fold each aggregate."""

    streams: dict[tuple[str, str], list[DomainEvent]] = field(default_factory=dict)
    shipment_id: str = field(default_factory=shipment_id)
    ids: ReconcileShipment | None = None

    def apply(self, decision: Decision) -> None:
        for key, events in decision.items():
            self.streams.setdefault(key, []).extend(events)

    def events(self, kind: StreamKind, entity_id: str) -> list[DomainEvent]:
        return self.streams.get((kind, entity_id), [])

    def shipment(self) -> InboundShipment | None:
        state: InboundShipment | None = None
        for event in self.events(StreamKind.SHIPMENT, self.shipment_id):
            state = evolve_shipment(state, event)
        return state

    def shipment_version(self) -> int:
        return len(self.events(StreamKind.SHIPMENT, self.shipment_id))

    def sales_order(self) -> sales_order.SalesOrder:
        assert self.ids is not None
        state: sales_order.SalesOrder | None = None
        for event in self.events(StreamKind.SALES_ORDER, self.ids.sales_order_id):
            state = sales_order.evolve(state, event)
        assert state is not None
        return state

    def purchase_order(self) -> purchase_order.PurchaseOrder:
        assert self.ids is not None
        state: purchase_order.PurchaseOrder | None = None
        for event in self.events(StreamKind.PURCHASE_ORDER, self.ids.purchase_order_id):
            state = purchase_order.evolve(state, event)
        assert state is not None
        return state

    def observe(self, status: str, lines: dict[str, tuple[int, int]], minute: int) -> None:
        events = observe(self.shipment(), snapshot(self.shipment_id, status, lines), at(minute))
        self.apply({(StreamKind.SHIPMENT, self.shipment_id): events})


def own_warehouse(enabled: bool = True) -> Warehouse:
    return Warehouse(
        warehouse_id=new_id("wh-"), name="Main", kind=WarehouseKind.OWN, enabled=enabled
    )


def fba_warehouse_for(shipment: InboundShipment) -> Warehouse:
    return Warehouse(
        warehouse_id=destination_of(shipment),
        name="FBA US",
        kind=WarehouseKind.FBA,
        connection_id=shipment.connection_id,
        marketplace_id=shipment.marketplace_id,
    )


def reconciled(lines: dict[str, tuple[int, int]], status: str = "WORKING") -> Scenario:
    scenario = Scenario()
    scenario.observe(status, lines, 0)
    shipment = scenario.shipment()
    assert shipment is not None
    scenario.ids = ReconcileShipment(
        shipment_id=scenario.shipment_id,
        source_warehouse_id=new_id("wh-"),
        transfer_order_id=new_id("to-"),
        sales_order_id=new_id("so-"),
        purchase_order_id=new_id("po-"),
    )
    source = own_warehouse().model_copy(update={"warehouse_id": scenario.ids.source_warehouse_id})
    scenario.apply(reconcile(scenario.ids, shipment, source, fba_warehouse_for(shipment)))
    return scenario
