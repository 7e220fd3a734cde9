"""A shipment discovered while a Save-to-Amazon job of its connection places shipments is not
imported by the connection's rule until the job is done: the job binds its own shipments, and
any other shipment is imported once the job no longer places (or the record is tried again)."""

from datetime import datetime

import pytest

from domain.connection import OrderRule, OrderType
from domain.inbound_shipment.events import InboundShipmentReconciled
from domain.streams import StreamKind
from domain.warehouse import fba_warehouse_id
from functions.reactor.reactor import PLACING_WAIT_SECONDS, ImportDeferred, Reactor
from tests.projections.test_importing import a_world, imported
from tests.projections.world import US, World


class Marks:
    """The placing marks of one connection, as the job's runner sets and clears them."""

    def __init__(self) -> None:
        self.jobs: tuple[str, ...] = ()
        self.looks = 0

    def placing(self, tenant_id: str, connection_id: str, now: datetime) -> tuple[str, ...]:
        self.looks += 1
        return self.jobs


def reactor_with(world: World, marks: Marks, while_waiting: list[object]) -> Reactor:
    def sleep(seconds: float) -> None:
        if while_waiting:
            action = while_waiting.pop(0)
            assert callable(action)
            action()

    return Reactor(world.aggregates, marks, sleep)


def discovered(world: World) -> tuple[str, int]:
    shipment_id = world.discover({"A": 10})
    position = next(i for i, e in enumerate(world.log) if e.stream_id.entity_id == shipment_id)
    return shipment_id, position


def test_a_shipment_the_job_binds_while_the_reactor_waits_is_not_imported() -> None:
    world, _ = a_world(OrderRule(default_order_type=OrderType.PURCHASE_ORDER))
    marks = Marks()
    marks.jobs = ("aj-1",)
    shipment_id, position = discovered(world)

    def the_job_binds_it() -> None:
        bound = InboundShipmentReconciled(
            shipment_id=shipment_id,
            purchase_order_id="po-saved",
            destination_warehouse_id=fba_warehouse_id(world.connection_id, US),
        )
        world.save({(StreamKind.SHIPMENT, shipment_id): [bound]}, actor="system:amazon-jobs")
        marks.jobs = ()

    decided = reactor_with(world, marks, [the_job_binds_it]).react(world.log[position])

    assert decided == {}
    assert imported(world) == []


def test_another_shipment_is_imported_once_the_job_is_done() -> None:
    world, _ = a_world(OrderRule(default_order_type=OrderType.PURCHASE_ORDER))
    marks = Marks()
    marks.jobs = ("aj-1",)
    shipment_id, position = discovered(world)

    def the_job_ends() -> None:
        marks.jobs = ()

    reactor_with(world, marks, [the_job_ends]).react(world.log[position])

    assert imported(world) == [f"po-{shipment_id}"]


def test_a_job_that_does_not_end_in_time_defers_the_record() -> None:
    world, _ = a_world(OrderRule(default_order_type=OrderType.PURCHASE_ORDER))
    marks = Marks()
    marks.jobs = ("aj-1",)
    _, position = discovered(world)

    with pytest.raises(ImportDeferred):
        reactor_with(world, marks, []).react(world.log[position])

    assert imported(world) == []
    assert marks.looks == PLACING_WAIT_SECONDS + 1


def test_without_a_rule_to_import_by_nothing_waits() -> None:
    world, _ = a_world(OrderRule(default_order_type=OrderType.NONE))
    marks = Marks()
    marks.jobs = ("aj-1",)
    _, position = discovered(world)

    assert reactor_with(world, marks, []).react(world.log[position]) == {}
    assert marks.looks == 0
