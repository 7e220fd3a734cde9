"""The rules of stock: a warehouse x SKU's figures (`figures`), what each order contributes to
them (`contributions`), the movements an event makes (`movements`) and the ledger they fold
into (`ledger`). The package itself exports the figures only: importing it loads no order kind.
"""

from domain.stock.figures import ZERO, Contribution, StockFigures, moved_at

__all__ = ["ZERO", "Contribution", "StockFigures", "moved_at"]
