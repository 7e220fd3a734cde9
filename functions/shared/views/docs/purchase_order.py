"""A purchase order's doc: what its views are rendered from."""

from typing import Literal

from pydantic import AwareDatetime

from domain.orders.purchase_order import PurchaseOrder
from functions.shared.views.docs import StreamDoc


class PurchaseOrderDoc(StreamDoc):
    kind: Literal["purchase_order"] = "purchase_order"
    order: PurchaseOrder | None = None
    created_at: AwareDatetime | None = None
