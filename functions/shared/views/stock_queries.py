"""Stock now (the stock rows) and as of any instant (the ledger up to it, folded), a page at a
time; the ledger a page at a time too, its running on-hand carried from page to page in the
(signed) cursor. A combined warehouse's stock is its members' summed per SKU, a page of SKUs
at a time."""

from collections.abc import Iterable, Iterator
from typing import Final

from pydantic import AwareDatetime

from domain.errors import InvalidCommand
from domain.planning import PLANNING, Incoming, PlanningSettings
from domain.stock.ledger import LedgerFact, StockState
from domain.streams import StreamId, StreamKind
from functions.shared.tables import VIEWS_GSI1, VIEWS_GSI2, VIEWS_PK, VIEWS_SK
from functions.shared.views import keys
from functions.shared.views.combined_stock import WarehouseMembers, combined_rows
from functions.shared.views.docs import parse_doc
from functions.shared.views.docs.settings import SettingsDoc
from functions.shared.views.items import RowKey, ViewItem
from functions.shared.views.models import Page
from functions.shared.views.rows import stock_key
from functions.shared.views.stock import ledger_entries, planned, stock_row, stock_row_as_of
from functions.shared.views.stock_models import LedgerEntry, StockRow
from functions.shared.views.table import Partition, ViewTable

ON_HAND: Final = "on_hand"


class StockQueries:
    def __init__(self, table: ViewTable) -> None:
        self._table = table
        self.members = WarehouseMembers(table)

    def stock(
        self,
        tenant_id: str,
        warehouse_id: str | None,
        sku: str | None,
        as_of: AwareDatetime | None,
        limit: int,
        cursor: str | None = None,
        now: AwareDatetime | None = None,
    ) -> Page[StockRow]:
        """Rows in (warehouse, SKU) order. As of an instant, each row of the page is folded
        from its own ledger up to then (rows with no movement by then are left out)."""
        if warehouse_id is not None:
            members = self.members.stock(tenant_id, warehouse_id)
            if members is not None:
                return self._combined(
                    tenant_id, warehouse_id, members, sku, as_of, limit, cursor, now
                )
        if warehouse_id is not None and sku is not None:
            found = self._table.get(stock_key(tenant_id, warehouse_id, sku))
            states = [found.parse(StockState)] if found else []
            next_cursor = None
        else:
            partition = _stock_partition(tenant_id, warehouse_id, sku)
            items, next_cursor = self._table.page(partition, limit, cursor, descending=False)
            states = [item.parse(StockState) for item in items]
        return Page[StockRow](
            items=self._rows(tenant_id, states, as_of, now), next_cursor=next_cursor
        )

    def _combined(
        self,
        tenant_id: str,
        warehouse_id: str,
        members: tuple[str, ...],
        sku: str | None,
        as_of: AwareDatetime | None,
        limit: int,
        cursor: str | None,
        now: AwareDatetime | None,
    ) -> Page[StockRow]:
        """A page of SKUs of a combined warehouse, each its members' rows summed. Each member
        answers its first `limit` SKUs after the cursor's; the first `limit` SKUs of them all
        are complete (a member holding one of them answered it, or `limit` SKUs before it)."""
        if sku is not None:
            found = self._table.get_many([stock_key(tenant_id, m, sku) for m in members])
            held = [item.parse(StockState) for item in found.values()]
            rows = self._rows(tenant_id, held, as_of, now)
            return Page[StockRow](items=combined_rows(warehouse_id, rows))
        partition = Partition(keys.stock(tenant_id, warehouse_id))  # holds no rows: the cursor's
        start, _ = self._table.start_of(partition, cursor)
        after = start[VIEWS_SK]["S"] if start else None
        states: list[StockState] = []
        more = False
        for member in members:
            path = Partition(keys.stock(tenant_id, member))
            from_key = {VIEWS_PK: {"S": path.value}, VIEWS_SK: {"S": after}} if after else None
            items, last_key = self._table.page_from(path, limit, from_key, descending=False)
            states += [item.parse(StockState) for item in items]
            more = more or last_key is not None
        skus = sorted({keys.part(state.sku) for state in states})
        more = more or len(skus) > limit
        page = skus[:limit]
        on_page = set(page)
        kept = [state for state in states if keys.part(state.sku) in on_page]
        last = {VIEWS_PK: {"S": partition.value}, VIEWS_SK: {"S": page[-1]}} if page else None
        next_cursor = self._table.cursor_after(partition, last) if more else None
        rows = combined_rows(warehouse_id, self._rows(tenant_id, kept, as_of, now))
        return Page[StockRow](items=rows, next_cursor=next_cursor)

    def _rows(
        self,
        tenant_id: str,
        states: list[StockState],
        as_of: AwareDatetime | None,
        now: AwareDatetime | None,
    ) -> list[StockRow]:
        """The rows of `states` now (with planning's incoming), or as of an instant."""
        if as_of is None:
            return self._for_planning(tenant_id, [stock_row(state) for state in states], now)
        folded = (self._as_of(tenant_id, s.warehouse_id, s.sku, as_of) for s in states)
        return [row for row in folded if row is not None]

    def ledger(
        self, tenant_id: str, warehouse_id: str, sku: str, limit: int, cursor: str | None = None
    ) -> Page[LedgerEntry]:
        """A combined warehouse has no ledger of its own (its members' are theirs): 422."""
        partition = Partition(keys.ledger(tenant_id, warehouse_id, sku))
        start, carried = self._table.start_of(partition, cursor)
        items, last_key = self._table.page_from(partition, limit, start, descending=False)
        if not items and cursor is None and self.members.stock(tenant_id, warehouse_id) is not None:
            raise InvalidCommand(
                f"warehouse_id {warehouse_id} is a combined warehouse, which has no ledger of its "
                "own: read the ledger of each of its members"
            )
        entries = ledger_entries(_facts(items), on_hand_before=carried.get(ON_HAND, 0))
        on_hand = entries[-1].on_hand_after if entries else carried.get(ON_HAND, 0)
        next_cursor = self._table.cursor_after(partition, last_key, {ON_HAND: on_hand})
        return Page[LedgerEntry](items=entries, next_cursor=next_cursor)

    def _for_planning(
        self, tenant_id: str, rows: list[StockRow], now: AwareDatetime | None
    ) -> list[StockRow]:
        """Each row with what planning counts as incoming (see `domain.planning`)."""
        settings = self._planning(tenant_id)
        wanted = {row.warehouse_id for row in rows if _incoming(row)}
        if not settings.ignore_unreceived.enabled or now is None or not wanted:
            return [
                row.model_copy(update={"incoming_for_planning": _incoming(row)}) for row in rows
            ]
        incoming: dict[tuple[str, str], list[Incoming]] = {}
        for warehouse_id in sorted(wanted):
            for item in self._table.all(Partition(keys.incoming(tenant_id, warehouse_id))):
                units = item.parse(Incoming)
                incoming.setdefault((warehouse_id, units.sku), []).append(units)
        return [
            planned(row, incoming.get((row.warehouse_id, row.sku), []), settings, now)
            for row in rows
        ]

    def _planning(self, tenant_id: str) -> PlanningSettings:
        stream = StreamId(tenant_id=tenant_id, kind=StreamKind.SETTINGS, entity_id=PLANNING)
        item = self._table.get(RowKey(pk=keys.doc_pk(stream), sk=keys.DOC))
        doc = parse_doc(item.data) if item else None
        return doc.planning if isinstance(doc, SettingsDoc) and doc.planning else PlanningSettings()

    def _as_of(
        self, tenant_id: str, warehouse_id: str, sku: str, as_of: AwareDatetime
    ) -> StockRow | None:
        below = keys.until(as_of)
        partition = Partition(keys.ledger(tenant_id, warehouse_id, sku), below=below)
        facts = list(_facts(self._table.all(partition)))
        return stock_row_as_of(warehouse_id, sku, facts, as_of) if facts else None


def _stock_partition(tenant_id: str, warehouse_id: str | None, sku: str | None) -> Partition:
    if warehouse_id is not None:
        return Partition(keys.stock(tenant_id, warehouse_id))
    if sku is not None:
        return Partition(keys.stock_by_sku(tenant_id, sku), VIEWS_GSI2)
    return Partition(keys.stock_all(tenant_id), VIEWS_GSI1)


def _incoming(row: StockRow) -> int:
    return row.on_order + row.in_transit + row.receiving


def _facts(items: Iterable[ViewItem]) -> Iterator[LedgerFact]:
    return (item.parse(LedgerFact) for item in items)
