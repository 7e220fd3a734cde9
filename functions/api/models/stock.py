"""Bodies of /stock: figures per warehouse x SKU, and the ledger that explains them."""

from pydantic import AwareDatetime, Field

from functions.api.models.common import ReadModel


class AmazonStock(ReadModel):
    """Amazon's own figures for an FBA warehouse x SKU, as last reported."""

    fulfillable: int
    inbound_working: int
    inbound_shipped: int
    inbound_receiving: int
    reserved: int
    unfulfillable: int
    researching: int
    reported_at: AwareDatetime
    source: str


class StockRow(ReadModel):
    warehouse_id: str
    sku: str
    on_hand: int
    committed: int = Field(description="Sold or allocated at this (source) warehouse, not shipped")
    in_transit: int
    on_order: int
    receiving: int
    discrepancy: int
    written_off: int
    amazon: AmazonStock | None = Field(
        description="Amazon's figures (FBA warehouses, current stock only)"
    )
    as_of: AwareDatetime | None = None


class StockList(ReadModel):
    items: list[StockRow]


class LedgerEntry(ReadModel):
    """One movement of a warehouse x SKU and its cause; a count sets on hand, so its on-hand
    change is the count minus what on hand was just before."""

    warehouse_id: str
    sku: str
    at: AwareDatetime
    event_id: str
    event_type: str
    stream_id: str
    version: int
    actor: str
    shipment_id: str | None
    order_id: str | None
    transfer_order_id: str | None
    count: int | None
    on_hand: int = Field(description="The change of on hand this entry made")
    committed: int
    in_transit: int
    on_order: int
    receiving: int
    discrepancy: int
    written_off: int
    on_hand_after: int


class Ledger(ReadModel):
    warehouse_id: str
    sku: str
    entries: list[LedgerEntry]
