"""The read models of stock: rows, the ledger, drift from Amazon's figures (see `models.py`)."""

from datetime import date
from typing import Literal

from pydantic import AwareDatetime, Field

from functions.shared.views.models import View


class AmazonStock(View):
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


class IgnoredShipment(View):
    purchase_order_id: str
    shipment_id: str | None
    units: int
    expected_date: date
    ignored_since: AwareDatetime = Field(
        description="Expected date + `days_after_expected`: nothing was received by then"
    )


class StockRow(View):
    warehouse_id: str
    sku: str
    on_hand: int
    committed: int = Field(description="Sold or allocated at this (source) warehouse, not shipped")
    in_transit: int
    on_order: int = Field(
        description="On order from a vendor, or on assembly (assemblies an open assembly order "
        "will make here)"
    )
    receiving: int
    discrepancy: int
    written_off: int
    amazon: AmazonStock | None = Field(
        description="Amazon's figures (FBA warehouses, current stock only)"
    )
    as_of: AwareDatetime | None = None
    incoming_for_planning: int | None = Field(
        default=None,
        description="What planning counts as incoming: on order + in transit + receiving, less "
        "the units of FBA shipments `ignore_unreceived` leaves out (current stock only)",
    )
    ignored_shipments: list[IgnoredShipment] = Field(
        default_factory=list,
        description="The FBA shipments whose units planning ignores here, and since when",
    )
    members: list[str] | None = Field(
        default=None,
        description="A combined warehouse's row (`warehouse_id` the combined warehouse): the "
        "member warehouses holding the SKU, whose figures it sums (Amazon's own figures are "
        "not summed)",
    )


class LedgerEntry(View):
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
    reason: str | None = Field(
        default=None,
        description="`amazon_adjustment`: on hand set to Amazon's figure, a difference our "
        "events could not explain (units Amazon lost, damaged or found); `assembly`: "
        "assemblies made (or still to make) by an assembly order; `assembly_consumed`: its "
        "components taken to make them",
    )
    ours: int | None = Field(default=None, description="An adjustment: our on hand before it")
    amazon: int | None = Field(
        default=None,
        description="An adjustment: Amazon's on hand (fulfillable + reserved + unfulfillable + "
        "researching)",
    )
    on_hand: int = Field(description="The change of on hand this entry made")
    committed: int
    in_transit: int
    on_order: int
    receiving: int
    discrepancy: int
    written_off: int
    on_hand_after: int


class StockDrift(View):
    """A figure of an FBA warehouse x SKU on which our ledger and Amazon's reports differ
    beyond the tolerance, in every report since `since`."""

    warehouse_id: str
    sku: str
    figure: Literal["on_hand", "inbound"] = Field(
        description="`on_hand`: ours vs Amazon's fulfillable + reserved + unfulfillable + "
        "researching; `inbound`: our in transit + receiving vs Amazon's inbound shipped + "
        "receiving"
    )
    ours: int = Field(description="Our figure as of the latest report")
    amazon: int = Field(description="Amazon's figure in the latest report")
    difference: int = Field(description="Amazon's - ours")
    since: AwareDatetime = Field(description="The first report of the run that differs")
    reads: int = Field(description="Reports in a row that differ (3 or more: it persisted)")
    last_ours: list[LedgerEntry] = Field(description="Our last ledger entries, oldest first")
    last_amazon: list[AmazonStock] = Field(description="Amazon's last reports, oldest first")
