"""Bodies of /stock: figures per warehouse x SKU, the ledger that explains them, and where
they drift from Amazon's own."""

from pydantic import Field

from functions.api.models.common import ReadModel
from functions.shared.views.stock_models import LedgerEntry, StockDrift, StockRow

NEXT_CURSOR = "Pass as `cursor` for the next page; null on the last page"


class StockList(ReadModel):
    items: list[StockRow]
    next_cursor: str | None = Field(description=NEXT_CURSOR)


class Ledger(ReadModel):
    warehouse_id: str
    sku: str
    entries: list[LedgerEntry]
    next_cursor: str | None = Field(description=NEXT_CURSOR)


class DriftList(ReadModel):
    warehouse_id: str
    tolerance: int = Field(description="Units ours and Amazon's may differ by (the setting's)")
    items: list[StockDrift]
    next_cursor: str | None = Field(description=NEXT_CURSOR)
