"""Stock rows and ledger entries as the API shows them, rendered from the domain's ledger
(`domain.stock.ledger`, where the rules of stock live)."""

from collections.abc import Iterable

from pydantic import AwareDatetime

from domain.planning import Incoming, PlanningSettings, ignored_since
from domain.stock.ledger import AmazonReport, LedgerFact, StockState, fold
from functions.shared.views.stock_models import AmazonStock, IgnoredShipment, LedgerEntry, StockRow


def ledger_entries(facts: Iterable[LedgerFact], on_hand_before: int = 0) -> list[LedgerEntry]:
    """The facts in time order, each with the on-hand change it made and on hand after it
    (starting from `on_hand_before`: what the entries before these left)."""
    entries = []
    on_hand = on_hand_before
    for fact in sorted(facts, key=lambda f: f.position):
        change = fact.count - on_hand if fact.count is not None else fact.delta.on_hand
        on_hand += change
        figures = fact.delta.model_dump(exclude={"on_hand"})
        entries.append(
            LedgerEntry(
                **fact.model_dump(exclude={"delta", "tenant_id"}),
                on_hand=change,
                **figures,
                on_hand_after=on_hand,
            )
        )
    return entries


def amazon_stock(report: AmazonReport) -> AmazonStock:
    """Every figure of an Amazon report, with when it was read and where from."""
    return AmazonStock(
        **report.figures.model_dump(), reported_at=report.reported_at, source=report.source
    )


def stock_row(state: StockState) -> StockRow:
    return StockRow(
        warehouse_id=state.warehouse_id,
        sku=state.sku,
        **state.figures.model_dump(),
        amazon=amazon_stock(state.amazon) if state.amazon else None,
    )


def planned(
    row: StockRow, incoming: list[Incoming], settings: PlanningSettings, now: AwareDatetime
) -> StockRow:
    """The row with the units planning ignores taken out of what it counts as incoming."""
    ignored = []
    for units in incoming:
        since = ignored_since(units, settings, now)
        if since is not None and units.expected_date is not None:
            ignored.append(
                IgnoredShipment(
                    purchase_order_id=units.purchase_order_id,
                    shipment_id=units.shipment_id,
                    units=units.units,
                    expected_date=units.expected_date,
                    ignored_since=since,
                )
            )
    total = row.on_order + row.in_transit + row.receiving
    return row.model_copy(
        update={
            "incoming_for_planning": max(total - sum(i.units for i in ignored), 0),
            "ignored_shipments": ignored,
        }
    )


def stock_row_as_of(
    warehouse_id: str, sku: str, facts: Iterable[LedgerFact], as_of: AwareDatetime
) -> StockRow:
    return StockRow(
        warehouse_id=warehouse_id,
        sku=sku,
        **fold(facts).model_dump(),
        amazon=None,
        as_of=as_of,
    )
