"""Assembly orders as the API reads them: one order read your writes (its doc caught up with
its stream), the list eventually consistent (newest first, by warehouse and status)."""

from domain.streams import StreamKind
from functions.shared.projections.orders import assembly_order_view
from functions.shared.views.assembly_models import AssemblyOrder, assembly_orders
from functions.shared.views.doc_reads import DocReads, stream_of
from functions.shared.views.docs.assembly_order import AssemblyOrderDoc
from functions.shared.views.models import Page
from functions.shared.views.table import Partition, ViewTable


class AssemblyOrderQueries:
    def __init__(self, table: ViewTable, reads: DocReads) -> None:
        self._table = table
        self._reads = reads

    def get(self, tenant_id: str, assembly_order_id: str) -> AssemblyOrder | None:
        stream = stream_of(tenant_id, StreamKind.ASSEMBLY_ORDER, assembly_order_id)
        doc = self._reads.doc(stream, AssemblyOrderDoc)
        return assembly_order_view(doc) if doc is not None else None

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
