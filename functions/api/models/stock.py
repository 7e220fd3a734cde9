"""Bodies of /stock: figures per warehouse x SKU, and the ledger that explains them."""

from pydantic import Field

from functions.api.models.common import ReadModel
from functions.shared.views.models import LedgerEntry, StockRow

NEXT_CURSOR = "Pass as `cursor` for the next page; null on the last page"


class StockList(ReadModel):
    items: list[StockRow]
    next_cursor: str | None = Field(description=NEXT_CURSOR)


class Ledger(ReadModel):
    warehouse_id: str
    sku: str
    entries: list[LedgerEntry]
    next_cursor: str | None = Field(description=NEXT_CURSOR)
