"""Sales over time for a set of listings (warehouse x SKU pairs): the listing-day rows of the
range, read newest first from the range's end and no further than its start, summed into days
or months (`domain/sales/series.py`, where the bounds and the periods are decided)."""

from collections.abc import Iterator, Mapping, Sequence
from datetime import date, timedelta

from domain.sales.days import SalesDay
from domain.sales.figures import SalesFigures
from domain.sales.series import Granularity, SalesPeriod, check_range, series
from functions.shared.views import keys
from functions.shared.views.table import Partition, ViewTable


class SalesQueries:
    def __init__(self, table: ViewTable) -> None:
        self._table = table

    def series(
        self,
        tenant_id: str,
        listings: Mapping[str, Sequence[str]],
        start: date,
        end: date,
        granularity: Granularity,
    ) -> list[SalesPeriod]:
        """Per period of [start, end] (UTC days, inclusive): sold, cancelled, returned and net,
        summed over the SKUs given for each warehouse id. Raises `InvalidCommand` (naming the
        field) for a range or a set of listings over the bounds."""
        check_range(start, end, granularity, listings)
        days = (
            day
            for warehouse_id, skus in sorted(listings.items())
            for sku in sorted(set(skus))
            for day in self._days(tenant_id, warehouse_id, sku, start, end)
        )
        return series(days, start, end, granularity)

    def _days(
        self, tenant_id: str, warehouse_id: str, sku: str, start: date, end: date
    ) -> Iterator[tuple[date, SalesFigures]]:
        below = keys.sales_day(end + timedelta(days=1))
        partition = Partition(keys.sales_days(tenant_id, warehouse_id, sku), below=below)
        for item in self._table.all(partition, descending=True):
            row = item.parse(SalesDay)
            if row.day < start:
                return
            yield row.day, row.figures
