"""A warehouse's doc: what its views are rendered from."""

from typing import Literal

from domain.warehouse import Warehouse
from functions.shared.views.docs import StreamDoc


class WarehouseDoc(StreamDoc):
    kind: Literal["warehouse"] = "warehouse"
    warehouse: Warehouse | None = None
