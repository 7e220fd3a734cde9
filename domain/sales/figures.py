"""The daily sales figures of a listing (warehouse x seller SKU): what an Amazon order books.

Booking rules (docs/amazon-sales.md, "Figures"); days are UTC days:
- sold: the units of the order's lines Amazon does not show cancelled, on the purchase day.
  Pending and shipped units alike: a sale is a customer's order, not a shipment.
- cancelled: the units Amazon shows cancelled, on the day of the observation that first showed
  them cancelled (its `updated_at`). They are not sold: a cancellation takes the units off the
  purchase day's sold figure and books them cancelled on its own day. An order first seen
  cancelled therefore books its units cancelled only (on its `updated_at`), exactly what an
  order seen pending and then cancelled leaves, so a backfill and a live sync agree.
- returned: each return's units, on its return day, at the warehouse they came back to.

Like an order's stock (`domain/stock/contributions.py`), the figures are computed from the
order's whole state, never from one event: a view that applies the difference of two states
once per stream version cannot double count, however often an event is delivered.
"""

from datetime import UTC, date, datetime

from pydantic import BaseModel, ConfigDict

from domain.sales.order import AmazonOrder, LineStatus


class SalesFigures(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)

    sold: int = 0
    cancelled: int = 0
    returned: int = 0

    @property
    def net(self) -> int:
        """Units that stayed sold: cancelled units are already out of `sold`."""
        return self.sold - self.returned

    def __add__(self, other: "SalesFigures") -> "SalesFigures":
        return SalesFigures(
            sold=self.sold + other.sold,
            cancelled=self.cancelled + other.cancelled,
            returned=self.returned + other.returned,
        )

    def __sub__(self, other: "SalesFigures") -> "SalesFigures":
        return SalesFigures(
            sold=self.sold - other.sold,
            cancelled=self.cancelled - other.cancelled,
            returned=self.returned - other.returned,
        )

    def is_zero(self) -> bool:
        return self == NO_SALES


NO_SALES = SalesFigures()

# (warehouse id, sku, UTC day) -> figures
SalesKey = tuple[str, str, date]
SalesContribution = dict[SalesKey, SalesFigures]


def day_of(moment: datetime) -> date:
    return moment.astimezone(UTC).date()


def sales_contribution(order: AmazonOrder) -> SalesContribution:
    """The figures the order books, per listing and day (no zero figures)."""
    booked: SalesContribution = {}

    def book(key: SalesKey, figures: SalesFigures) -> None:
        booked[key] = booked.get(key, NO_SALES) + figures

    seen = order.order
    if seen is not None:
        purchased = day_of(seen.purchased_at)
        for line in seen.lines:
            if line.status is not LineStatus.CANCELLED and line.quantity:
                book((seen.warehouse_id, line.sku, purchased), SalesFigures(sold=line.quantity))
        for cancellation in order.cancellations:
            key = (seen.warehouse_id, cancellation.sku, day_of(cancellation.at))
            book(key, SalesFigures(cancelled=cancellation.units))
    for returned in order.returns:
        item = returned.item
        key = (returned.warehouse_id, item.sku, day_of(item.returned_at))
        book(key, SalesFigures(returned=item.quantity))
    return booked


def sales_changes(
    before: SalesContribution, after: SalesContribution
) -> list[tuple[SalesKey, SalesFigures]]:
    """(listing and day, delta) for every listing and day whose figures changed, in key order."""
    return [
        (key, after.get(key, NO_SALES) - before.get(key, NO_SALES))
        for key in sorted({*before, *after})
        if after.get(key, NO_SALES) != before.get(key, NO_SALES)
    ]
