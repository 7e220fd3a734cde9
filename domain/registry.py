"""Every stream kind's code: its events by their stable names, the state they fold into and its
`evolve`, and the upcasters that lift old stored payloads.

Stored events name their type with a stable string (never a module path); decoding looks the
class up here after upcasting the payload to the current schema version.

A kind's modules are imported when a function first meets that kind, not at import: a cold
start that reads warehouses builds no order or shipment classes. A kind's events are the
`DomainEvent` classes its events module defines. A type not found among its stream's kind is
looked up among every kind's, so where an event is declared never decides whether it decodes.
"""

import importlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from types import ModuleType
from typing import Any, Final

from pydantic import BaseModel

from domain.messages import DomainEvent
from domain.streams import StreamKind


@dataclass(frozen=True)
class KindModules:
    """Where a stream kind's code lives."""

    events: str  # the module defining the events its streams hold
    state: str | None = None  # the module defining its `evolve`, when it folds into a state
    state_class: str | None = None  # the name of the state `evolve` folds into, in `state`


KINDS: Final[Mapping[StreamKind, KindModules]] = {
    StreamKind.CONNECTION: KindModules(
        "domain.connection_events", "domain.connection_events", "Connection"
    ),
    StreamKind.WAREHOUSE: KindModules("domain.warehouse", "domain.warehouse", "Warehouse"),
    StreamKind.SHIPMENT: KindModules(
        "domain.inbound_shipment.events", "domain.inbound_shipment.state", "InboundShipment"
    ),
    StreamKind.TRANSFER_ORDER: KindModules(
        "domain.orders.transfer_order", "domain.orders.transfer_order", "TransferOrder"
    ),
    StreamKind.SALES_ORDER: KindModules(
        "domain.orders.sales_order", "domain.orders.sales_order", "SalesOrder"
    ),
    StreamKind.PURCHASE_ORDER: KindModules(
        "domain.orders.purchase_order", "domain.orders.purchase_order", "PurchaseOrder"
    ),
    StreamKind.FBA_INVENTORY: KindModules("domain.inventory"),
    StreamKind.VENDOR: KindModules("domain.vendor", "domain.vendor", "Vendor"),
    StreamKind.SETTINGS: KindModules("domain.planning", "domain.planning", "PlanningSettings"),
    StreamKind.AMAZON_JOB: KindModules(
        "domain.save_to_amazon.job", "domain.save_to_amazon.job", "AmazonJob"
    ),
    StreamKind.AMAZON_ORDER: KindModules("domain.sales.order", "domain.sales.order", "AmazonOrder"),
    StreamKind.PRODUCT: KindModules(
        "domain.products.product", "domain.products.product", "Product"
    ),
    StreamKind.LISTING: KindModules(
        "domain.products.listing", "domain.products.listing", "Listing"
    ),
    StreamKind.ASSEMBLY_ORDER: KindModules(
        "domain.orders.assembly_order", "domain.orders.assembly_order", "AssemblyOrder"
    ),
}

Evolve = Callable[[Any, DomainEvent], Any]


def _defined_in(module: ModuleType) -> Iterator[type[DomainEvent]]:
    for value in vars(module).values():
        if (
            isinstance(value, type)
            and issubclass(value, DomainEvent)
            and value.__module__ == module.__name__
        ):
            yield value


@cache
def event_types(kind: StreamKind) -> Mapping[str, type[DomainEvent]]:
    """The events a kind's streams hold, by their stable type names."""
    module = importlib.import_module(KINDS[kind].events)
    return {cls.model_fields["type"].default: cls for cls in _defined_in(module)}


@cache
def all_event_types() -> Mapping[str, type[DomainEvent]]:
    """Every kind's events, by their stable type names."""
    return {name: cls for kind in KINDS for name, cls in event_types(kind).items()}


@cache
def _state_module(kind: StreamKind) -> ModuleType:
    name = KINDS[kind].state
    if name is None:
        raise KeyError(f"streams of kind {kind.value!r} fold into no state")
    return importlib.import_module(name)


def state_type(kind: StreamKind) -> type[BaseModel]:
    """The state a kind's events fold into."""
    found: type[BaseModel] = getattr(_state_module(kind), str(KINDS[kind].state_class))
    return found


def evolver(kind: StreamKind) -> Evolve:
    """The kind's `evolve`: its state (or None) and one event -> the next state."""
    found: Evolve = _state_module(kind).evolve
    return found


Payload = dict[str, Any]
# (type, stored schema version) -> function lifting the payload to the next version.
UPCASTERS: Final[Mapping[tuple[str, int], Callable[[Payload], Payload]]] = {}


class UnknownEventType(Exception):
    pass


def decode_event(payload: Payload, kind: StreamKind | None = None) -> DomainEvent:
    """A stored payload (with its `type` and `schema_version`) as the current event class;
    `kind`, the kind of the stream it is stored in, limits which modules are imported."""
    type_name = payload.get("type")
    if not isinstance(type_name, str):
        raise UnknownEventType(f"unknown event type {type_name!r}")
    cls = event_types(kind).get(type_name) if kind is not None else None
    if cls is None:
        cls = all_event_types().get(type_name)
    if cls is None:
        raise UnknownEventType(f"unknown event type {type_name!r}")
    current = cls.model_fields["schema_version"].default
    version = int(payload.get("schema_version", 1))
    while version < current:
        payload = {**UPCASTERS[(type_name, version)](payload), "schema_version": version + 1}
        version += 1
    return cls.model_validate(payload)


def encode_event(event: DomainEvent) -> str:
    return event.model_dump_json()
