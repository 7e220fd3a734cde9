"""Combined warehouses on the read side: which warehouses one sums (resolved from the warehouse
docs, bounded as `domain.combined_warehouse` bounds them), and its stock rows, one per SKU,
summed from its members' rows."""

from collections.abc import Callable, Iterable, Mapping

from domain.combined_warehouse import reach, sales_members, stock_members
from domain.stock import StockFigures
from domain.streams import StreamId, StreamKind
from domain.warehouse import Warehouse, WarehouseKind
from functions.shared.views import keys
from functions.shared.views.docs import parse_doc
from functions.shared.views.docs.warehouse import WarehouseDoc
from functions.shared.views.items import RowKey
from functions.shared.views.stock_models import StockRow
from functions.shared.views.table import ViewTable

FIGURES = tuple(StockFigures.model_fields)


class WarehouseMembers:
    """The warehouses whose stock or sales a warehouse shows: itself, unless it is combined
    (then its members', through nested combined ones). A GET /sales by warehouse resolves its
    warehouse with `sales`, as GET /stock does with `stock`."""

    def __init__(self, table: ViewTable) -> None:
        self._table = table

    def stock(self, tenant_id: str, warehouse_id: str) -> tuple[str, ...] | None:
        """The warehouses a combined warehouse sums the stock of; None if it is not combined."""
        return self._resolve(tenant_id, warehouse_id, stock_members)

    def sales(self, tenant_id: str, warehouse_id: str) -> tuple[str, ...] | None:
        """The warehouses a combined warehouse sums the sales of; None if it is not combined."""
        return self._resolve(tenant_id, warehouse_id, sales_members)

    def _resolve(
        self,
        tenant_id: str,
        warehouse_id: str,
        members: Callable[[str, Mapping[str, Warehouse]], tuple[str, ...]],
    ) -> tuple[str, ...] | None:
        found = self._warehouses(tenant_id, [warehouse_id]).get(warehouse_id)
        if found is None or found.kind is not WarehouseKind.COMBINED:
            return None
        below = reach(
            (member.warehouse_id for member in found.members),
            lambda ids: self._warehouses(tenant_id, ids),
        )
        return members(warehouse_id, {**below, warehouse_id: found})

    def _warehouses(self, tenant_id: str, warehouse_ids: list[str]) -> dict[str, Warehouse]:
        """The tenant's warehouses among `warehouse_ids`, from their docs (one batch read)."""
        wanted = [_doc_key(tenant_id, warehouse_id) for warehouse_id in warehouse_ids]
        docs = (parse_doc(item.data) for item in self._table.get_many(wanted).values())
        return {
            doc.warehouse.warehouse_id: doc.warehouse
            for doc in docs
            if isinstance(doc, WarehouseDoc) and doc.warehouse is not None
        }


def _doc_key(tenant_id: str, warehouse_id: str) -> RowKey:
    stream = StreamId(tenant_id=tenant_id, kind=StreamKind.WAREHOUSE, entity_id=warehouse_id)
    return RowKey(pk=keys.doc_pk(stream), sk=keys.DOC)


def combined_rows(warehouse_id: str, rows: Iterable[StockRow]) -> list[StockRow]:
    """One row per SKU (in key order) for combined warehouse `warehouse_id`: the sum of its
    members' rows of that SKU, naming them."""
    by_sku: dict[str, list[StockRow]] = {}
    for row in rows:
        by_sku.setdefault(row.sku, []).append(row)
    return [_summed(warehouse_id, by_sku[sku]) for sku in sorted(by_sku, key=keys.part)]


def _summed(warehouse_id: str, rows: list[StockRow]) -> StockRow:
    incoming = [row.incoming_for_planning for row in rows if row.incoming_for_planning is not None]
    return StockRow(
        warehouse_id=warehouse_id,
        sku=rows[0].sku,
        **{figure: sum(getattr(row, figure) for row in rows) for figure in FIGURES},
        amazon=None,
        as_of=rows[0].as_of,
        incoming_for_planning=sum(incoming) if incoming else None,
        ignored_shipments=[shipment for row in rows for shipment in row.ignored_shipments],
        members=[row.warehouse_id for row in rows],
    )
