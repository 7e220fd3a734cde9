"""Bodies of /stock: figures per warehouse x SKU, and the ledger that explains them."""

from functions.api.models.common import ReadModel
from functions.shared.views.models import LedgerEntry, StockRow


class StockList(ReadModel):
    items: list[StockRow]


class Ledger(ReadModel):
    warehouse_id: str
    sku: str
    entries: list[LedgerEntry]
