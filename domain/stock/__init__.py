"""The rules of stock: what each order contributes to a warehouse x SKU's figures
(`contributions`), and the ledger of movements those figures fold from (`ledger`)."""

from domain.stock.contributions import (
    ZERO,
    Contribution,
    StockFigures,
    amazon_order_contribution,
    assembly_order_contribution,
    moved_at,
    purchase_order_contribution,
    sales_order_contribution,
)

__all__ = [
    "ZERO",
    "Contribution",
    "StockFigures",
    "amazon_order_contribution",
    "assembly_order_contribution",
    "moved_at",
    "purchase_order_contribution",
    "sales_order_contribution",
]
