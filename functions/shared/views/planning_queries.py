"""A product's forecast at a warehouse, from its history there: net units sold per day (its
listings' sales) and the days it was out of stock (its rows' ledger), over the last two years.
The arithmetic is the domain's (`domain.replenishment.forecast`)."""

from datetime import date, datetime, timedelta
from math import ceil
from typing import Final

from domain.replenishment.forecast import History, forecast, last_days_rate, out_of_stock_days
from domain.sales.series import Granularity
from functions.shared.views.errors import TooMuchToRead
from functions.shared.views.planning_models import ForecastMonth, ProductForecast
from functions.shared.views.product_models import Product
from functions.shared.views.product_queries import ProductQueries
from functions.shared.views.sales_queries import SalesQueries
from functions.shared.views.stock_queries import StockQueries

HISTORY_DAYS: Final = 730  # two years: what `seasonal` compares
LEDGER_PAGE: Final = 500
MAX_LEDGER_ENTRIES: Final = 100_000  # of one product at one warehouse, read for its history


class HistoryTooLong(TooMuchToRead):
    code = "too_much_history"

    def __init__(self, product_id: str, warehouse_id: str) -> None:
        super().__init__(
            f"product {product_id} has more than {MAX_LEDGER_ENTRIES} ledger entries at "
            f"{warehouse_id} in two years: too many to read for one forecast"
        )


class PlanningQueries:
    def __init__(self, products: ProductQueries, stock: StockQueries, sales: SalesQueries) -> None:
        self._products = products
        self._stock = stock
        self._sales = sales

    def history(self, tenant_id: str, product: Product, warehouse_id: str, today: date) -> History:
        first, last = today - timedelta(days=HISTORY_DAYS), today - timedelta(days=1)
        rows = self._products.rows_of(tenant_id, product)
        members = self._stock.members
        selling = members.sales(tenant_id, warehouse_id) or (warehouse_id,)
        stocking = members.stock(tenant_id, warehouse_id) or (warehouse_id,)
        pairs = {w: skus for w, skus in rows.amazon_pairs().items() if w in selling}
        days = self._sales.series(tenant_id, pairs, first, last, Granularity.DAY) if pairs else []
        sold = {period.start: period.net for period in days if period.net}
        moves: list[tuple[datetime, str, int]] = []
        for member in stocking:
            for sku in rows.skus():
                if rows.includes(member, sku):
                    moves += self._moves(tenant_id, product.product_id, member, sku)
        earliest = min([move[0].date() for move in moves] + list(sold), default=today)
        return History(
            sold=sold,
            out_of_stock=out_of_stock_days(moves, first, last),
            since=max(earliest, first),
        )

    def forecast(
        self, tenant_id: str, product: Product, warehouse_id: str, today: date
    ) -> ProductForecast:
        history = self.history(tenant_id, product, warehouse_id, today)
        planning = product.planning
        months = forecast(
            history,
            today,
            planning.forecast_method,
            planning.forecast_days,
            product.forecast_edits,
        )
        rate = last_days_rate(history, today, planning.forecast_days)
        return ProductForecast(
            product_id=product.product_id,
            warehouse_id=warehouse_id,
            method=planning.forecast_method,
            forecast_days=planning.forecast_days,
            daily_rate=f"{float(rate):.4f}",
            history_since=history.since,
            days_out_of_stock=history.days_out_of_stock(
                today - timedelta(days=planning.forecast_days), today - timedelta(days=1)
            ),
            months=[
                ForecastMonth(month=month, units=ceil(units), edited=edited)
                for month, units, edited in months
            ],
        )

    def _moves(
        self, tenant_id: str, product_id: str, warehouse_id: str, sku: str
    ) -> list[tuple[datetime, str, int]]:
        moves: list[tuple[datetime, str, int]] = []
        cursor = None
        while True:
            page = self._stock.ledger(tenant_id, warehouse_id, sku, LEDGER_PAGE, cursor)
            moves += [
                (entry.at, f"{warehouse_id}#{sku}", entry.on_hand_after) for entry in page.items
            ]
            if len(moves) > MAX_LEDGER_ENTRIES:
                raise HistoryTooLong(product_id, warehouse_id)
            cursor = page.next_cursor
            if cursor is None:
                return moves
