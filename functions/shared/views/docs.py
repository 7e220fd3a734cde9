"""The projection's state per source stream ("doc"): the position reached and what the views
of that stream are rendered from. One doc item per stream, keyed by the stream id.

Orders keep the domain's own aggregate state, so stock contributions come from
`domain/stock.py` computed on the order's whole state, never re-derived here.
"""

import json
from collections.abc import Callable, Mapping
from functools import cache
from typing import Annotated, Any, Final, Literal, TypeVar, cast, get_args

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, TypeAdapter

from domain.connection import Connection
from domain.inbound_shipment.state import InboundShipment
from domain.orders.assembly_order import AssemblyOrder
from domain.orders.purchase_order import PurchaseOrder
from domain.orders.sales_order import SalesOrder
from domain.orders.transfer_order import TransferOrder
from domain.planning import PlanningSettings
from domain.products.listing import Listing
from domain.products.product import Product
from domain.sales.order import AmazonOrder
from domain.save_to_amazon.job import AmazonJob
from domain.streams import SEPARATOR
from domain.vendor import Vendor
from domain.warehouse import Warehouse

T = TypeVar("T")


class StreamDoc(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)
    # What the projector derived from this very doc (the rows it renders, an order's stock
    # contribution), kept in memory only: a slot, so not a field. Equality, serialisation and
    # `model_copy` ignore it: a copy (an evolved doc) starts with nothing derived.
    __slots__ = ("__derived__",)

    stream_id: str
    version: int = 0

    @property
    def tenant_id(self) -> str:
        return self.stream_id.partition(SEPARATOR)[0]  # stream ids start with the tenant


_DERIVED = StreamDoc.__dict__["__derived__"]  # the slot itself: unset, it raises at once
# (getattr would go through pydantic's slower __getattr__ first)


def derived(doc: StreamDoc, name: str, compute: Callable[[], T]) -> T:
    """`compute()`, a pure function of `doc`, computed once per doc object."""
    try:
        memo: dict[str, Any] = _DERIVED.__get__(doc)
    except AttributeError:
        memo = {}
        _DERIVED.__set__(doc, memo)
    if name not in memo:
        memo[name] = compute()
    found: T = memo[name]
    return found


class ShipmentDoc(StreamDoc):
    kind: Literal["shipment"] = "shipment"
    shipment: InboundShipment | None = None
    discovered_at: AwareDatetime | None = None


class TransferOrderDoc(StreamDoc):
    kind: Literal["transfer_order"] = "transfer_order"
    order: TransferOrder | None = None
    created_at: AwareDatetime | None = None


class SalesOrderDoc(StreamDoc):
    kind: Literal["sales_order"] = "sales_order"
    order: SalesOrder | None = None


class PurchaseOrderDoc(StreamDoc):
    kind: Literal["purchase_order"] = "purchase_order"
    order: PurchaseOrder | None = None
    created_at: AwareDatetime | None = None


class AssemblyOrderDoc(StreamDoc):
    kind: Literal["assembly_order"] = "assembly_order"
    order: AssemblyOrder | None = None
    created_at: AwareDatetime | None = None


class WarehouseDoc(StreamDoc):
    kind: Literal["warehouse"] = "warehouse"
    warehouse: Warehouse | None = None


class ConnectionDoc(StreamDoc):
    kind: Literal["connection"] = "connection"
    connection: Connection | None = None


class VendorDoc(StreamDoc):
    kind: Literal["vendor"] = "vendor"
    vendor: Vendor | None = None


class SettingsDoc(StreamDoc):
    kind: Literal["settings"] = "settings"
    planning: PlanningSettings | None = None


class AmazonJobDoc(StreamDoc):
    """A Save-to-Amazon job: the doc only (the API reads jobs from the log itself)."""

    kind: Literal["amazon_job"] = "amazon_job"
    job: AmazonJob | None = None


class ProductDoc(StreamDoc):
    kind: Literal["product"] = "product"
    product: Product | None = None


class ListingDoc(StreamDoc):
    kind: Literal["listing"] = "listing"
    listing: Listing | None = None


class InventoryDoc(StreamDoc):
    """Amazon's reports go onto stock rows; the doc keeps the stream's position and how far
    our reads of the marketplace's orders reach."""

    kind: Literal["fba_inventory"] = "fba_inventory"
    sales_read_through: AwareDatetime | None = None


class AmazonOrderDoc(StreamDoc):
    """A customer order at Amazon: its sales and stock contributions come from this state."""

    kind: Literal["amazon_order"] = "amazon_order"
    order: AmazonOrder | None = None


Doc = Annotated[
    ShipmentDoc
    | TransferOrderDoc
    | SalesOrderDoc
    | PurchaseOrderDoc
    | WarehouseDoc
    | ConnectionDoc
    | VendorDoc
    | SettingsDoc
    | AmazonJobDoc
    | InventoryDoc
    | ProductDoc
    | ListingDoc
    | AmazonOrderDoc
    | AssemblyOrderDoc,
    Field(discriminator="kind"),
]
DOC_TYPES: Final[Mapping[str, type[StreamDoc]]] = {
    doc.model_fields["kind"].default: doc for doc in get_args(get_args(Doc)[0])
}
_STREAM_ID_FIRST: Final = '{"stream_id":'  # how `model_dump_json` writes every doc
_JSON: Final = json.JSONDecoder()


def parse_doc(data: str) -> Doc:
    """A doc as stored (`model_dump_json`), validated as the doc of its stream's kind: only the
    kinds a function reads have their validators built (each on first use, not all of them at
    import, which a cold start would pay for). Anything else is validated against every kind,
    whose error says what is wrong."""
    if data.startswith(_STREAM_ID_FIRST):
        stream_id, _ = _JSON.raw_decode(data, len(_STREAM_ID_FIRST))
        parts = stream_id.split(SEPARATOR) if isinstance(stream_id, str) else ()
        doc_type = DOC_TYPES.get(parts[1]) if len(parts) == 3 else None
        if doc_type is not None:
            return cast(Doc, doc_type.model_validate_json(data))
    return _any_doc().validate_json(data)


@cache
def _any_doc() -> TypeAdapter[Doc]:
    return TypeAdapter(Doc)
