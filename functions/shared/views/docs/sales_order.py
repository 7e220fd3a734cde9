"""A sales order's doc: what its views are rendered from."""

from typing import Literal

from domain.orders.sales_order import SalesOrder
from functions.shared.views.docs import StreamDoc


class SalesOrderDoc(StreamDoc):
    kind: Literal["sales_order"] = "sales_order"
    order: SalesOrder | None = None
