"""Asking to save an order to Amazon: every refusal a user can act on, before any call to Amazon.

A purchase order into an FBA warehouse (a vendor's, or the inbound half of a transfer) becomes
the job's request: its lines as the plan's items, the ship-from address (given, else the source
warehouse's), who labels and preps. The order records the save in the same append, so a second
save, or an edit while Amazon works on this one, is refused.
"""

from collections.abc import Sequence

from pydantic import AwareDatetime, ValidationError

from domain.errors import InvalidCommand, NotFound
from domain.messages import Command, Decision, DomainEvent
from domain.orders import purchase_order as po
from domain.save_to_amazon.gateway import Box, Owner, PlanItem, ShipFrom
from domain.save_to_amazon.job import AmazonJob, AmazonJobFailed, AmazonJobRequested, Split
from domain.streams import StreamKind
from domain.warehouse import Warehouse, WarehouseKind

# Amazon's maximum standard-size box, used when the request gives no box.
DEFAULT_BOX = Box(length=25, width=25, height=25, dimension_unit="IN", weight=50, weight_unit="LB")
# Marketplaces where Amazon does not accept AMAZON as label or prep owner (its model says so).
SELLER_LABELS_ONLY = frozenset({"ATVPDKIKX0DER"})


class SaveToAmazon(Command):
    job_id: str
    purchase_order_id: str
    split: Split
    ship_from: ShipFrom | None = None
    label_owner: Owner
    prep_owner: Owner
    box: Box | None = None
    requested_at: AwareDatetime


def request_save(
    command: SaveToAmazon,
    order: po.PurchaseOrder | None,
    destination: Warehouse | None,
    source: Warehouse | None,
) -> Decision:
    """The job's request and the order's save, appended together; `source` is the transfer's
    source warehouse (None for a vendor's order)."""
    if order is None:
        raise NotFound(f"purchase order {command.purchase_order_id} not found")
    if order.locked or order.saving_job_id is not None:
        po.decide(
            po.StartSaveToAmazon(purchase_order_id=order.purchase_order_id, job_id=command.job_id),
            order,
        )  # refuses: already saved, or a save in progress
    fba = _fba_destination(order, destination)
    _require_open(order)
    items = tuple(
        PlanItem(
            msku=line.sku,
            quantity=line.quantity_ordered,
            label_owner=command.label_owner,
            prep_owner=command.prep_owner,
        )
        for line in sorted(order.lines.values(), key=lambda line: line.sku)
        if line.quantity_ordered > 0
    )
    if not items:
        raise InvalidCommand(
            f"purchase order {order.purchase_order_id} has no line with units to send",
            field="lines",
        )
    assert fba.connection_id is not None and fba.marketplace_id is not None
    _require_accepted_owners(command, fba.marketplace_id)
    started = po.decide(
        po.StartSaveToAmazon(purchase_order_id=order.purchase_order_id, job_id=command.job_id),
        order,
    )
    requested = AmazonJobRequested(
        job_id=command.job_id,
        purchase_order_id=order.purchase_order_id,
        transfer_order_id=order.transfer_order_id,
        connection_id=fba.connection_id,
        marketplace_id=fba.marketplace_id,
        destination_warehouse_id=fba.warehouse_id,
        split=command.split,
        ship_from=command.ship_from or _address_of(order, source),
        items=items,
        box=command.box or DEFAULT_BOX,
        requested_at=command.requested_at,
    )
    return {
        (StreamKind.AMAZON_JOB.value, command.job_id): [requested],
        (StreamKind.PURCHASE_ORDER.value, order.purchase_order_id): list(started),
    }


def _fba_destination(order: po.PurchaseOrder, destination: Warehouse | None) -> Warehouse:
    if destination is None or destination.kind is not WarehouseKind.FBA:
        raise InvalidCommand(
            f"purchase order {order.purchase_order_id} goes into warehouse {order.warehouse_id}, "
            "not an FBA warehouse: only an order into FBA can be saved to Amazon",
            field="destination_warehouse_id",
        )
    if not destination.enabled:
        raise InvalidCommand(
            f"FBA warehouse {destination.warehouse_id} is disabled (its marketplace is no longer "
            "one of its connection's)",
            field="destination_warehouse_id",
        )
    return destination


def _require_open(order: po.PurchaseOrder) -> None:
    if order.status is not po.PurchaseOrderStatus.OPEN:
        raise InvalidCommand(
            f"purchase order {order.purchase_order_id} is {order.status.value}: only an open "
            "order with nothing received can be saved to Amazon",
            field="status",
        )


def _require_accepted_owners(command: SaveToAmazon, marketplace_id: str) -> None:
    if marketplace_id not in SELLER_LABELS_ONLY:
        return
    for field, owner in (("label_owner", command.label_owner), ("prep_owner", command.prep_owner)):
        if owner is Owner.AMAZON:
            raise InvalidCommand(
                f"Amazon does not accept AMAZON as {field} in marketplace {marketplace_id}: "
                "use SELLER or NONE",
                field=field,
            )


def _address_of(order: po.PurchaseOrder, source: Warehouse | None) -> ShipFrom:
    """The source warehouse's address as Amazon's ship-from, naming what it lacks."""
    if source is None:
        raise InvalidCommand(
            f"purchase order {order.purchase_order_id} comes from a vendor: give ship_from, "
            "the address the units leave from",
            field="ship_from",
        )
    address = source.address.model_dump(exclude_none=True) if source.address else {}
    try:
        return ShipFrom.model_validate(address)
    except ValidationError as error:
        missing = ", ".join(str(e["loc"][0]) for e in error.errors())
        raise InvalidCommand(
            f"warehouse {source.warehouse_id}'s address lacks what Amazon requires ({missing}): "
            "set it on the warehouse (PATCH /warehouses/{id} with address) or give ship_from",
            field=f"ship_from.{error.errors()[0]['loc'][0]}",
        ) from None


def fail_save(
    job: AmazonJob, order: po.PurchaseOrder, failed: AmazonJobFailed, before: Sequence[DomainEvent]
) -> Decision:
    """The job's failure and the order free again (open, editable), appended together."""
    released = po.decide(
        po.FailSaveToAmazon(
            purchase_order_id=order.purchase_order_id, job_id=job.job_id, code=failed.code
        ),
        order,
    )
    return {
        (StreamKind.AMAZON_JOB.value, job.job_id): [*before, failed],
        (StreamKind.PURCHASE_ORDER.value, order.purchase_order_id): list(released),
    }
