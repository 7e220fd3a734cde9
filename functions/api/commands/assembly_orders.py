"""Assembly orders: creating one from the product's bill of materials, receiving assemblies
(their components consumed) and cancelling what is still to make."""

from collections.abc import Callable
from dataclasses import dataclass

from domain.errors import NotFound
from domain.messages import Command
from domain.orders import assembly_order as ao
from domain.products.product import Product
from domain.streams import StreamKind
from functions.api.auth import Caller
from functions.api.commands.base import event_context, with_retries
from functions.shared.aggregates import Aggregates, Loaded

AO = StreamKind.ASSEMBLY_ORDER
OnHand = Callable[[str, str], int]  # (warehouse id, sku) -> on hand, as the views have it


@dataclass(frozen=True)
class AssemblyAfter:
    version: int
    status: ao.AssemblyOrderStatus


def create(aggregates: Aggregates, caller: Caller, command: ao.CreateAssemblyOrder) -> int:
    """`command` names a new assembly order id; the product and its components are read from
    their streams. Returns the order's version."""
    tenant = caller.tenant_id
    warehouse = aggregates.load(tenant, StreamKind.WAREHOUSE, command.warehouse_id).state
    assembly = aggregates.load(tenant, StreamKind.PRODUCT, command.product_id).state
    components: dict[str, Product | None] = {}
    if assembly is not None:
        for line in assembly.components:
            found = aggregates.load(tenant, StreamKind.PRODUCT, line.product_id).state
            components[line.product_id] = found
    events = ao.create(command, warehouse, assembly, components)
    key = (AO.value, command.assembly_order_id)
    return aggregates.save(event_context(caller, aggregates.clock), {key: events}, {})[key]


def receive(
    aggregates: Aggregates, caller: Caller, assembly_order_id: str, quantity: int, on_hand: OnHand
) -> AssemblyAfter:
    """Each attempt reads the components' on hand at the order's warehouse from the views (so
    the check is as of the views: eventually consistent) and decides on the order as read."""

    def attempt() -> AssemblyAfter:
        loaded = aggregates.load(caller.tenant_id, AO, assembly_order_id)
        order = loaded.state
        counts = (
            {c.sku: on_hand(order.warehouse_id, c.sku) for c in order.components}
            if order is not None
            else {}
        )
        command = ao.ReceiveAssemblies(
            assembly_order_id=assembly_order_id, quantity=quantity, on_hand=counts
        )
        return _save(aggregates, caller, assembly_order_id, loaded, command)

    return with_retries(attempt)


def cancel(aggregates: Aggregates, caller: Caller, assembly_order_id: str) -> AssemblyAfter:
    command = ao.CancelAssemblyOrder(
        assembly_order_id=assembly_order_id, reason=f"cancelled by {caller.actor}"
    )

    def attempt() -> AssemblyAfter:
        loaded = aggregates.load(caller.tenant_id, AO, assembly_order_id)
        return _save(aggregates, caller, assembly_order_id, loaded, command)

    return with_retries(attempt)


def _save(
    aggregates: Aggregates,
    caller: Caller,
    assembly_order_id: str,
    loaded: Loaded[ao.AssemblyOrder],
    command: Command,
) -> AssemblyAfter:
    if loaded.state is None:
        raise NotFound(f"assembly order {assembly_order_id} not found")
    events = ao.decide(command, loaded.state)
    status = ao.fold_onto(loaded.state, events).status
    if not events:
        return AssemblyAfter(loaded.version, status)
    key = (AO.value, assembly_order_id)
    context = event_context(caller, aggregates.clock)
    return AssemblyAfter(
        aggregates.save(context, {key: events}, {key: loaded.version})[key], status
    )
