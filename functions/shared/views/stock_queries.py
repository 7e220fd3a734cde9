"""Stock now (the stock rows) and as of any instant (the ledger up to it, folded)."""

from collections import defaultdict
from collections.abc import Iterable, Iterator

from pydantic import AwareDatetime

from domain.stock.ledger import LedgerFact, StockState
from functions.shared.tables import VIEWS_GSI1, VIEWS_GSI2
from functions.shared.views import keys
from functions.shared.views.items import ViewItem
from functions.shared.views.models import LedgerEntry, StockRow
from functions.shared.views.rows import stock_key
from functions.shared.views.stock import ledger_entries, stock_row, stock_row_as_of
from functions.shared.views.table import Partition, ViewTable


class StockQueries:
    def __init__(self, table: ViewTable) -> None:
        self._table = table

    def stock(
        self,
        tenant_id: str,
        warehouse_id: str | None,
        sku: str | None,
        as_of: AwareDatetime | None,
    ) -> list[StockRow]:
        if as_of is None:
            rows = [
                stock_row(item.parse(StockState))
                for item in self._rows(tenant_id, warehouse_id, sku)
            ]
        else:
            rows = self._as_of(tenant_id, warehouse_id, sku, as_of)
        return sorted(rows, key=lambda row: (row.warehouse_id, row.sku))

    def ledger(self, tenant_id: str, warehouse_id: str, sku: str) -> list[LedgerEntry]:
        partition = Partition(keys.ledger(tenant_id, warehouse_id, sku))
        return ledger_entries(_facts(self._table.all(partition)))

    def _rows(
        self, tenant_id: str, warehouse_id: str | None, sku: str | None
    ) -> Iterable[ViewItem]:
        if warehouse_id is not None and sku is not None:
            found = self._table.get(stock_key(tenant_id, warehouse_id, sku))
            return [found] if found else []
        if warehouse_id is not None:
            return self._table.all(Partition(keys.stock(tenant_id, warehouse_id)))
        if sku is not None:
            return self._table.all(Partition(keys.stock_by_sku(tenant_id, sku), VIEWS_GSI2))
        return self._table.all(Partition(keys.stock_all(tenant_id), VIEWS_GSI1))

    def _as_of(
        self, tenant_id: str, warehouse_id: str | None, sku: str | None, as_of: AwareDatetime
    ) -> list[StockRow]:
        below = keys.until(as_of)
        if warehouse_id is not None and sku is not None:
            partition = Partition(keys.ledger(tenant_id, warehouse_id, sku), below=below)
            facts = list(_facts(self._table.all(partition)))
            return [stock_row_as_of(warehouse_id, sku, facts, as_of)] if facts else []
        if warehouse_id is not None:
            warehouses = [warehouse_id]
        else:  # every warehouse that has (or had) a row for the SKU, or any row at all
            current = (item.parse(StockState) for item in self._rows(tenant_id, None, sku))
            warehouses = sorted({state.warehouse_id for state in current})
        rows = []
        for warehouse in warehouses:
            partition = Partition(keys.ledger_of_warehouse(tenant_id, warehouse), VIEWS_GSI1, below)
            by_sku: dict[str, list[LedgerFact]] = defaultdict(list)
            for fact in _facts(self._table.all(partition)):
                if sku is None or fact.sku == sku:
                    by_sku[fact.sku].append(fact)
            rows += [stock_row_as_of(warehouse, s, facts, as_of) for s, facts in by_sku.items()]
        return rows


def _facts(items: Iterable[ViewItem]) -> Iterator[LedgerFact]:
    return (item.parse(LedgerFact) for item in items)
