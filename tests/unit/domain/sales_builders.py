"""Amazon customer orders and returns as the sync observes them, for the sales tests."""

from datetime import UTC, datetime, timedelta

from domain.messages import DomainEvent
from domain.sales import (
    AmazonOrder,
    AmazonOrderLine,
    AmazonOrderObserved,
    AmazonReturn,
    AmazonReturnObserved,
    LineStatus,
    SalesChannel,
    evolve,
    observe_order,
    observe_return,
)

DAY1 = datetime(2026, 11, 1, 10, 0, tzinfo=UTC)
FBA_US = "fba-c1-ATVPDKIKX0DER"
FBM_NA = "fbm-c1-NA"


def day(n: int, hour: int = 10) -> datetime:
    """Day n (1: DAY1) at `hour` UTC."""
    return DAY1.replace(hour=hour) + timedelta(days=n - 1)


def line(sku: str, quantity: int, status: LineStatus = LineStatus.PENDING) -> AmazonOrderLine:
    return AmazonOrderLine(sku=sku, quantity=quantity, status=status)


def seen(
    *lines: AmazonOrderLine,
    updated_at: datetime,
    purchased_at: datetime = DAY1,
    order_id: str = "111-0000001-0000001",
    channel: SalesChannel = SalesChannel.FBA,
    warehouse_id: str = FBA_US,
) -> AmazonOrderObserved:
    return AmazonOrderObserved(
        amazon_order_id=order_id,
        connection_id="c1",
        marketplace_id="ATVPDKIKX0DER",
        channel=channel,
        warehouse_id=warehouse_id,
        purchased_at=purchased_at,
        updated_at=updated_at,
        lines=lines,
    )


def returned(
    return_id: str,
    sku: str,
    quantity: int,
    at: datetime,
    warehouse_id: str = FBA_US,
    order_id: str = "111-0000001-0000001",
) -> AmazonReturnObserved:
    return AmazonReturnObserved(
        amazon_order_id=order_id,
        connection_id="c1",
        marketplace_id="ATVPDKIKX0DER",
        channel=SalesChannel.FBA,
        warehouse_id=warehouse_id,
        item=AmazonReturn(return_id=return_id, sku=sku, quantity=quantity, returned_at=at),
    )


def observed(*reads: AmazonOrderObserved | AmazonReturnObserved) -> AmazonOrder | None:
    """The order after the sync read these, in order, through the real deciders."""
    state: AmazonOrder | None = None
    for read in reads:
        events: list[DomainEvent] = (
            observe_order(state, read)
            if isinstance(read, AmazonOrderObserved)
            else observe_return(state, read)
        )
        for event in events:
            state = evolve(state, event)
    return state
