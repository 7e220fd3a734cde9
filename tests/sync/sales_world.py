"""Sales in the simulated Amazon, and what the sync recorded of them: a seller's orders spread
over the last year, and the Amazon order streams read back from the event store."""

from collections import Counter
from datetime import datetime, timedelta
from typing import Any

from domain.sales.order import AmazonOrderObserved, AmazonReturnObserved
from domain.streams import StreamKind
from tests.sync.harness import FAST_TUNING, SyncWorld

# The sync with sales reads on (every run; returns with every run too unless told otherwise).
# A backfill here fits in one run (paced for up to 60 s: the tests count one run's reports;
# `test_a_backfill_never_holds_the_connections_shipments` splits it).
SALES_TUNING = FAST_TUNING.model_copy(update={"sales_reads": True, "sales_wait_seconds": 6000.0})


def amazon_now(world: SyncWorld) -> datetime:
    return datetime.fromisoformat(world.control.now())


def year_of_orders(world: SyncWorld, marketplace_id: str, count: int) -> list[dict[str, Any]]:
    """`count` orders spread over the last 360 days, FBA and FBM in turn, every fifth one
    cancelled, every seventh with a return a day after the purchase."""
    now = amazon_now(world)
    orders = []
    for number in range(count):
        purchased = now - timedelta(days=360 * (number + 1) / (count + 1), hours=1)
        order: dict[str, Any] = {
            "marketplace_id": marketplace_id,
            "fulfillment_channel": "AFN" if number % 2 == 0 else "MFN",
            "purchase_date": purchased.isoformat(),
            "order_status": "Canceled" if number % 5 == 4 else "Shipped",
            "lines": [{"sku": f"SKU-{number % 7}", "quantity": 1 + number % 3}],
        }
        if number % 7 == 3 and number % 5 != 4:
            returned = purchased + timedelta(days=1)
            order["returns"] = [{"sku": f"SKU-{number % 7}", "quantity": 1,
                                 "return_date": returned.isoformat()}]  # fmt: skip
        orders.append(order)
    return orders


def order_streams(world: SyncWorld) -> dict[str, list[Any]]:
    """Every Amazon order stream of the world's tenant: order id -> its events."""
    streams: dict[str, list[Any]] = {}
    for recorded in world.store.read_all():
        sid = recorded.stream_id
        if sid.tenant_id == world.tenant_id and sid.kind is StreamKind.AMAZON_ORDER:
            streams.setdefault(sid.entity_id, []).append(recorded.event)
    return streams


def observations(world: SyncWorld) -> Counter[str]:
    """How many events of each type the order streams hold."""
    return Counter(type(e).__name__ for events in order_streams(world).values() for e in events)


def orders_seen(world: SyncWorld) -> dict[str, list[AmazonOrderObserved]]:
    return {
        order_id: [e for e in events if isinstance(e, AmazonOrderObserved)]
        for order_id, events in order_streams(world).items()
    }


def returns_seen(world: SyncWorld) -> list[AmazonReturnObserved]:
    return [
        e
        for events in order_streams(world).values()
        for e in events
        if isinstance(e, AmazonReturnObserved)
    ]
