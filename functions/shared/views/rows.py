"""The items of the stock views: one row per warehouse x SKU, one ledger item per fact."""

from typing import Final

from domain.stock.ledger import LedgerFact, StockState
from functions.shared.views import keys
from functions.shared.views.items import RowKey, ViewItem

STOCK_KIND: Final = "stock"
LEDGER_KIND: Final = "ledger"
DOC_KIND: Final = "doc"


def stock_key(tenant_id: str, warehouse_id: str, sku: str) -> RowKey:
    return RowKey(pk=keys.stock(tenant_id, warehouse_id), sk=keys.part(sku))


def stock_item(state: StockState, rev: int) -> ViewItem:
    key = stock_key(state.tenant_id, state.warehouse_id, state.sku)
    return ViewItem.of(
        key.pk,
        key.sk,
        STOCK_KIND,
        state,
        gsi1pk=keys.stock_all(state.tenant_id),
        gsi1sk=keys.join(state.warehouse_id, state.sku),
        gsi2pk=keys.stock_by_sku(state.tenant_id, state.sku),
        gsi2sk=keys.part(state.warehouse_id),
        rev=rev,
    )


def ledger_item(fact: LedgerFact) -> ViewItem:
    return ViewItem.of(
        keys.ledger(fact.tenant_id, fact.warehouse_id, fact.sku),
        keys.ledger_position(fact.at, fact.event_id),
        LEDGER_KIND,
        fact,
        gsi1pk=keys.ledger_of_warehouse(fact.tenant_id, fact.warehouse_id),
        gsi1sk=keys.join(keys.sortable_time(fact.at), fact.event_id, fact.sku),
    )
