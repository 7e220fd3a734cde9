"""A customer order at Amazon's doc: what its views are rendered from."""

from typing import Literal

from domain.sales.order import AmazonOrder
from functions.shared.views.docs import StreamDoc


class AmazonOrderDoc(StreamDoc):
    """A customer order at Amazon: its sales and stock contributions come from this state."""

    kind: Literal["amazon_order"] = "amazon_order"
    order: AmazonOrder | None = None
