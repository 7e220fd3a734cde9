"""An assembly order's doc: what its views are rendered from."""

from typing import Literal

from pydantic import AwareDatetime

from domain.orders.assembly_order import AssemblyOrder
from functions.shared.views.docs import StreamDoc


class AssemblyOrderDoc(StreamDoc):
    kind: Literal["assembly_order"] = "assembly_order"
    order: AssemblyOrder | None = None
    created_at: AwareDatetime | None = None
