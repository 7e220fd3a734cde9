"""Assembly orders as the API reads them: one order read your writes (its doc caught up with
its stream), the list eventually consistent (newest first, by warehouse and status)."""

from collections.abc import Callable
from typing import TypeVar

from domain.streams import StreamId, StreamKind
from functions.shared.projections.orders import assembly_order_view
from functions.shared.views.assembly_models import AssemblyOrder, assembly_orders
from functions.shared.views.docs import AssemblyOrderDoc, StreamDoc
from functions.shared.views.models import Page
from functions.shared.views.table import Partition, ViewTable

D = TypeVar("D", bound=StreamDoc)
DocReader = Callable[[StreamId | None, type[D]], D | None]


class AssemblyOrderQueries:
    def __init__(self, table: ViewTable, doc: DocReader[StreamDoc]) -> None:
        self._table = table
        self._doc = doc

    def get(self, tenant_id: str, assembly_order_id: str) -> AssemblyOrder | None:
        try:
            stream = StreamId(
                tenant_id=tenant_id, kind=StreamKind.ASSEMBLY_ORDER, entity_id=assembly_order_id
            )
        except ValueError:
            return None
        doc = self._doc(stream, AssemblyOrderDoc)
        return assembly_order_view(doc) if isinstance(doc, AssemblyOrderDoc) else None

    def list(
        self,
        tenant_id: str,
        warehouse_id: str | None = None,
        status: str | None = None,
        limit: int = 50,
        cursor: str | None = None,
    ) -> Page[AssemblyOrder]:
        """Newest first; every filter given must match."""
        wanted = {"warehouse_id": warehouse_id, "status": status}
        filters = {name: value for name, value in wanted.items() if value is not None}
        path = Partition(assembly_orders(tenant_id))
        items, next_cursor = self._table.page(path, limit, cursor, filters)
        return Page[AssemblyOrder](
            items=[item.parse(AssemblyOrder) for item in items], next_cursor=next_cursor
        )
