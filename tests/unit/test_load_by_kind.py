"""A function loads the code of the stream kinds it meets, not of every kind: each check runs in
a fresh interpreter and lists the modules loaded after a warehouse or shipment is handled."""

import importlib
import json
import pkgutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from domain.messages import DomainEvent
from domain.registry import KINDS, all_event_types, event_types, evolver, state_type
from domain.streams import StreamKind

ROOT = Path(__file__).resolve().parents[2]
ORDER_MODULES = (
    "domain.orders.purchase_order",
    "domain.orders.transfer_order",
    "domain.orders.sales_order",
    "domain.orders.assembly_order",
    "domain.products.product",
    "domain.products.listing",
    "domain.save_to_amazon.job",
)

WAREHOUSE_EVENT = """
from datetime import UTC, datetime
from domain.event_store import EventContext, StreamAppend
from domain.streams import StreamId, StreamKind
from domain.warehouse import WarehouseCreated
from functions.shared.adapters.event_codec import from_record, to_record
from tests.support.in_memory import InMemoryEventStore

stream = StreamId(tenant_id="t1", kind=StreamKind.WAREHOUSE, entity_id="w1")
at = datetime(2026, 1, 1, tzinfo=UTC)
created = WarehouseCreated(warehouse_id="w1", name="Main", kind="own")
recorded = StreamAppend.of(
    stream_id=stream, expected_version=0, events=[created],
    context=EventContext(tenant_id="t1", actor="test", correlation_id="c1", occurred_at=at),
    event_ids=["e1"], recorded_at=at,
)
store = InMemoryEventStore()
store.append([recorded])
(event,) = store.read(stream)
"""


def loaded_after(script: str) -> set[str]:
    """The modules a fresh interpreter has loaded once `script` ran."""
    probe = textwrap.dedent(script) + "\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))\n"
    run = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert run.returncode == 0, run.stderr
    return set(json.loads(run.stdout.splitlines()[-1]))


def test_decoding_and_loading_a_warehouse_loads_no_order_product_or_job_code() -> None:
    loaded = loaded_after(
        WAREHOUSE_EVENT
        + """
assert from_record(to_record(event)).event == created
from functions.shared.aggregates import Aggregates
from functions.shared.adapters.system import RandomIds, SystemClock
state = Aggregates(store, RandomIds(), SystemClock()).load("t1", StreamKind.WAREHOUSE, "w1").state
assert state is not None and state.name == "Main"
"""
    )
    assert "domain.warehouse" in loaded
    assert loaded.isdisjoint(ORDER_MODULES)
    assert "domain.inbound_shipment.state" not in loaded


def test_projecting_and_reading_back_a_warehouse_loads_no_other_kind() -> None:
    loaded = loaded_after(
        WAREHOUSE_EVENT
        + """
from functions.shared.projections.step import initial_doc, step
from functions.shared.views.docs import parse_doc
after = step(initial_doc(stream), event).after
assert parse_doc(after.model_dump_json()) == after
"""
    )
    assert "functions.shared.views.docs.warehouse" in loaded
    assert loaded.isdisjoint(ORDER_MODULES)
    assert "functions.shared.projections.orders" not in loaded
    assert "functions.shared.views.docs.shipment" not in loaded


def test_projecting_a_shipment_loads_no_order_or_setup_code() -> None:
    """The projector's commonest record: a shipment's rows render and are written without the
    orders', the connections', the warehouses' or the sales rows' code."""
    loaded = loaded_after(
        """
from datetime import UTC, datetime
from domain.event_store import EventContext, StreamAppend
from domain.inbound_shipment.amazon import Address
from domain.inbound_shipment.events import InboundShipmentDiscovered
from domain.streams import StreamId, StreamKind
from functions.shared.projections.step import initial_doc, step

at = datetime(2026, 1, 1, tzinfo=UTC)
stream = StreamId(tenant_id="t1", kind=StreamKind.SHIPMENT, entity_id="FBA1")
discovered = InboundShipmentDiscovered(
    shipment_id="FBA1", connection_id="c1", marketplace_id="ATVPDKIKX0DER", name="Spring",
    destination_fc="PHX7", ship_from=Address(name="Main"), status="WORKING", observed_at=at,
)
(event,) = StreamAppend.of(
    stream_id=stream, expected_version=0, events=[discovered],
    context=EventContext(tenant_id="t1", actor="test", correlation_id="c1", occurred_at=at),
    event_ids=["e1"], recorded_at=at,
).events
changes = step(initial_doc(stream), event)
assert [row.sk for row in changes.puts], changes
from functions.projector.in_memory_store import InMemoryViewStore
from functions.projector.writer import ViewWriter
assert ViewWriter(InMemoryViewStore()).apply(changes)
"""
    )
    assert "functions.shared.projections.shipments" in loaded
    assert loaded.isdisjoint(ORDER_MODULES)
    unwanted = {
        "domain.connection",
        "domain.warehouse",
        "functions.shared.views.setup_models",
        "domain.sales.days",  # the sales rows' code loads with the first sales fact
        "functions.shared.views.order_models",  # the read models of the other families
        "functions.shared.views.stock_models",
        "functions.shared.views.order_render",
    }
    assert loaded.isdisjoint(unwanted), sorted(loaded & unwanted)
    assert "functions.shared.views.shipment_models" in loaded


def test_reacting_to_a_shipment_no_rule_imports_loads_no_order_code() -> None:
    """The reactor's commonest record: a shipment nobody reconciled, under the rule `none`,
    decides nothing without loading the orders' code (tests/projections follow reconciled
    ones)."""
    script = """
from datetime import UTC, datetime
from domain.event_store import EventContext, StreamAppend
from domain.inbound_shipment.amazon import Address
from domain.inbound_shipment.events import (
    InboundShipmentDiscovered, InboundShipmentLinesAdded, ShipmentLine,
)
from domain.streams import StreamId, StreamKind
from functions.reactor.reactor import Reactor
from functions.shared.adapters.system import RandomIds
from functions.shared.aggregates import Aggregates
from tests.support import fixed_clock
from tests.support.in_memory import InMemoryEventStore

at = datetime(2026, 1, 1, tzinfo=UTC)
stream = StreamId(tenant_id="t1", kind=StreamKind.SHIPMENT, entity_id="FBA1")
events = [
    InboundShipmentDiscovered(
        shipment_id="FBA1", connection_id="c1", marketplace_id="ATVPDKIKX0DER", name="Spring",
        destination_fc="PHX7", ship_from=Address(name="Main"), status="WORKING", observed_at=at,
    ),
    InboundShipmentLinesAdded(
        shipment_id="FBA1", observed_at=at,
        lines=(ShipmentLine(sku="A", fnsku="X0A", quantity_shipped=5, quantity_in_case=0),),
    ),
]
store = InMemoryEventStore()
store.append([StreamAppend.of(
    stream_id=stream, expected_version=0, events=events,
    context=EventContext(tenant_id="t1", actor="test", correlation_id="c1", occurred_at=at),
    event_ids=["e1", "e2"], recorded_at=at,
)])
reactor = Reactor(Aggregates(store, RandomIds(), fixed_clock()))
assert [reactor.react(event) for event in store.read(stream)] == [{}, {}]
"""
    loaded = loaded_after(script)
    assert {"functions.reactor.reactor", "domain.connection_events"} <= loaded
    assert loaded.isdisjoint(ORDER_MODULES), sorted(loaded.intersection(ORDER_MODULES))
    # The rule is read from the connection's events: none of its commands, nor the warehouses'.
    assert loaded.isdisjoint({"domain.connection", "domain.warehouse"})


@pytest.mark.parametrize(
    "handler",
    [
        "functions.api.handler",
        "functions.projector.handler",
        "functions.reactor.handler",
        "functions.sync.dispatcher",
    ],
)
def test_a_function_loads_no_order_code_at_import(handler: str) -> None:
    loaded = loaded_after(f"import {handler}")
    assert loaded.isdisjoint(ORDER_MODULES), sorted(loaded.intersection(ORDER_MODULES))


def test_every_event_is_registered_once_under_the_kind_whose_module_declares_it() -> None:
    by_kind = {kind: event_types(kind) for kind in KINDS}
    names = [name for types in by_kind.values() for name in types]
    assert len(names) == len(set(names)) == len(all_event_types())
    for module in pkgutil.walk_packages([str(ROOT / "domain")], "domain."):
        importlib.import_module(module.name)
    declared = {
        cls
        for cls in _subclasses(DomainEvent)
        if cls.__module__.startswith("domain.") and "type" in cls.model_fields
    }
    assert declared == set(all_event_types().values())


def test_every_kind_is_registered_with_its_state_and_evolve() -> None:
    assert set(KINDS) == set(StreamKind)
    for kind, code in KINDS.items():
        assert code.events.startswith("domain.")
        if code.state is None:
            continue
        state = state_type(kind)
        assert state.__name__ == code.state_class
        assert evolver(kind).__module__ == state.__module__ == code.state


def test_an_event_stored_under_another_kind_still_decodes() -> None:
    """The kind narrows which modules are imported, never whether an event decodes."""
    from domain.registry import decode_event
    from domain.warehouse import WarehouseCreated, WarehouseKind

    created = WarehouseCreated(warehouse_id="w1", name="Main", kind=WarehouseKind.OWN)
    payload = json.loads(created.model_dump_json())
    assert decode_event(payload, StreamKind.VENDOR) == created


def _subclasses(cls: type) -> set[type]:
    found = set(cls.__subclasses__())
    return found.union(*(_subclasses(sub) for sub in found)) if found else found


def test_the_api_and_its_read_side_load_no_connection_or_vendor_code_at_import() -> None:
    """The API's commonest cold start serves warehouses: the connections' and vendors' code
    loads with the first of them read."""
    loaded = loaded_after("import functions.api.handler, functions.shared.views.queries")
    unwanted = {
        "domain.connection",
        "domain.vendor",
        "domain.inbound_shipment.state",
        "functions.shared.views.shipment_models",  # the read models of the other families
        "functions.shared.views.order_models",
        "functions.shared.views.stock_models",
    }
    assert loaded.isdisjoint(unwanted), sorted(loaded & unwanted)


@pytest.mark.parametrize(
    "handler",
    ["functions.notifications.handler", "functions.sync.dispatcher", "functions.sync.worker"],
)
def test_functions_load_a_connections_terms_not_its_commands_at_import(
    handler: str,
) -> None:
    """A connection's status and its warehouses' ids come from `domain.connection_terms`, which
    declares no class: the notifications consumer and the dispatcher load no connection,
    warehouse or shipment classes; the worker (which syncs shipments) loads the connection's
    events, not its commands (needed only when its authorization is lost) nor the warehouses'."""
    loaded = loaded_after(f"import {handler}")
    assert "domain.connection_terms" in loaded
    unwanted = {"domain.connection", "domain.warehouse"}
    if handler != "functions.sync.worker":
        unwanted |= {"domain.inbound_shipment.events", "domain.inbound_shipment.state"}
    assert loaded.isdisjoint(unwanted), sorted(loaded & unwanted)


def test_the_save_to_amazon_job_loads_no_connection_or_parameters_code_at_import() -> None:
    """A message for a job that already ended opens no session: the connection's code and
    Powertools' parameters load with the first session opened."""
    loaded = loaded_after("import functions.amazon_jobs.handler")
    unwanted = {"domain.connection", "aws_lambda_powertools.utilities.parameters"}
    assert loaded.isdisjoint(unwanted), sorted(loaded & unwanted)
