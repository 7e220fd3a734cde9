"""What each order contributes to the stock figures of a warehouse x SKU.

Contributions are computed from an order's whole state, never from a single event, so a view
that stores one contribution per (order, warehouse, SKU) and sums them cannot double count.
Committed counts at the source; on order, in transit, receiving and discrepancy at the
destination (the FBA warehouse). Units are conserved per SKU: what left the source equals
in transit + receiving + received (on hand) + discrepancy + written off, at every instant.
"""

from domain.orders.assembly_order import AssemblyOrder
from domain.orders.purchase_order import PurchaseOrder
from domain.orders.sales_order import SalesOrder, SalesOrderStatus
from domain.sales.order import AmazonOrder, LineStatus
from domain.stock.figures import ZERO, Contribution, StockFigures


def sales_order_contribution(order: SalesOrder) -> Contribution:
    """Committed at the source until shipped; then what left it (the plan and any units Amazon
    received beyond it) is out of its on hand."""
    if order.status is SalesOrderStatus.CANCELLED:
        return {}
    shipped = order.status is SalesOrderStatus.SHIPPED
    return {
        (order.warehouse_id, line.sku): StockFigures(on_hand=-line.units)
        if shipped
        else StockFigures(committed=line.quantity)
        for line in order.lines
        if (line.units if shipped else line.quantity)
    }


def purchase_order_contribution(order: PurchaseOrder) -> Contribution:
    """At the destination: received units on hand; what is missing and not written off is on
    order, then in transit (receiving once some arrived), then the discrepancy after close."""
    if order.cancelled:
        return {}
    contribution: Contribution = {}
    for line in order.lines.values():
        open_units = line.shortfall
        moving = order.shipped and not order.closed
        figures = StockFigures(
            on_hand=line.quantity_received,
            on_order=open_units if not order.shipped and not order.closed else 0,
            in_transit=open_units if moving and not line.quantity_received else 0,
            receiving=open_units if moving and line.quantity_received else 0,
            discrepancy=open_units if order.closed else 0,
            written_off=line.written_off,
        )
        if not figures.is_zero():
            contribution[(order.warehouse_id, line.sku)] = figures
    return contribution


def assembly_order_contribution(order: AssemblyOrder) -> Contribution:
    """At the order's warehouse: the assembly's received units on hand and its units still to
    make on order (on assembly: none once cancelled); each component's on hand down by the
    received assemblies x its quantity per assembly, and what the assemblies still to make will
    take committed (reserved, as a transfer commits at its source). Units are conserved through
    the bill: components consumed = assemblies received x the bill's quantity."""
    contribution: Contribution = {}
    assembly = StockFigures(on_hand=order.received, on_order=order.open_units)
    if not assembly.is_zero():
        contribution[(order.warehouse_id, order.sku)] = assembly
    for component in order.components:
        moved = StockFigures(
            on_hand=-order.received * component.quantity,
            committed=order.open_units * component.quantity,
        )
        if not moved.is_zero():
            key = (order.warehouse_id, component.sku)
            contribution[key] = contribution.get(key, ZERO) + moved
    return contribution


def amazon_order_contribution(order: AmazonOrder) -> Contribution:
    """A customer order follows Amazon: its shipped units are out of the on hand of the
    warehouse that fulfilled it (FBA: the marketplace's, FBM: the region's), and each return's
    units are back on hand where they came back to. Pending and cancelled lines move nothing."""
    on_hand: dict[tuple[str, str], int] = {}
    seen = order.order
    if seen is not None:
        for line in seen.lines:
            if line.status is LineStatus.SHIPPED and line.quantity:
                key = (seen.warehouse_id, line.sku)
                on_hand[key] = on_hand.get(key, 0) - line.quantity
    for returned in order.returns:
        key = (returned.warehouse_id, returned.item.sku)
        on_hand[key] = on_hand.get(key, 0) + returned.item.quantity
    return {key: StockFigures(on_hand=units) for key, units in on_hand.items() if units}
