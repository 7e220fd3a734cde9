"""A transfer order's doc: what its views are rendered from."""

from typing import Literal

from pydantic import AwareDatetime

from domain.orders.transfer_order import TransferOrder
from functions.shared.views.docs import StreamDoc


class TransferOrderDoc(StreamDoc):
    kind: Literal["transfer_order"] = "transfer_order"
    order: TransferOrder | None = None
    created_at: AwareDatetime | None = None
