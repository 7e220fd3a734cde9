"""The doc of a connection's FBA inventory stream: what its views are rendered from."""

from typing import Literal

from pydantic import AwareDatetime

from functions.shared.views.docs import StreamDoc


class InventoryDoc(StreamDoc):
    """Amazon's reports go onto stock rows; the doc keeps the stream's position and how far
    our reads of the marketplace's orders reach."""

    kind: Literal["fba_inventory"] = "fba_inventory"
    sales_read_through: AwareDatetime | None = None
