"""Customer orders from Amazon: what sold, what was cancelled and what came back, per listing.

One stream per Amazon order (`{tenant}#amazon_order#{amazon-order-id}`). Reading the same order
again appends nothing; a later change (a line cancelled, shipped) or a return appends once.
What an order books: `figures` (daily sold, cancelled, returned), `days` (a listing-day summed
over orders), `series` (days into periods); its stock in `domain/stock/contributions.py`.
"""

from domain.sales.order import (
    AmazonOrder,
    AmazonOrderLine,
    AmazonOrderObserved,
    AmazonReturn,
    AmazonReturnObserved,
    Cancellation,
    LineStatus,
    SalesChannel,
    evolve,
    observe_order,
    observe_return,
)

__all__ = [
    "AmazonOrder",
    "AmazonOrderLine",
    "AmazonOrderObserved",
    "AmazonReturn",
    "AmazonReturnObserved",
    "Cancellation",
    "LineStatus",
    "SalesChannel",
    "evolve",
    "observe_order",
    "observe_return",
]
