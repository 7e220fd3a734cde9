"""The items of the sales view: one row per listing (warehouse x SKU) and day."""

from datetime import date
from typing import Final

from domain.sales.days import SalesDay
from functions.shared.views import keys
from functions.shared.views.items import RowKey, ViewItem

SALES_DAY_KIND: Final = "sales_day"


def sales_day_key(tenant_id: str, warehouse_id: str, sku: str, day: date) -> RowKey:
    return RowKey(pk=keys.sales_days(tenant_id, warehouse_id, sku), sk=keys.sales_day(day))


def sales_day_item(state: SalesDay, rev: int) -> ViewItem:
    key = sales_day_key(state.tenant_id, state.warehouse_id, state.sku, state.day)
    return ViewItem.of(key.pk, key.sk, SALES_DAY_KIND, state, rev=rev)
