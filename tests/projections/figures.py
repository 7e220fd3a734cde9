"""Stock figures of a World as a user reads them: its log projected by the real projector, the
rows now and the ledger folded as of any instant."""

from datetime import datetime

from domain.stock import ZERO, StockFigures
from domain.stock.ledger import LedgerFact, fold
from functions.projector.in_memory_store import InMemoryViewStore
from functions.projector.projector import Projector
from functions.shared.views import keys
from functions.shared.views.rows import LEDGER_KIND
from tests.projections.views_check import stock_states
from tests.projections.world import World


class Figures:
    def __init__(self, world: World) -> None:
        self.world = world
        self.views = InMemoryViewStore()
        projector = Projector(world.store, self.views)
        for event in world.log:
            projector.project(event)

    def of(self, warehouse_id: str, sku: str) -> StockFigures:
        state = stock_states(self.views).get((warehouse_id, sku))
        return state.figures if state else ZERO

    def as_of(self, warehouse_id: str, sku: str, at: datetime) -> StockFigures:
        ledger = keys.ledger(self.world.tenant_id, warehouse_id, sku)
        facts = [item.parse(LedgerFact) for item in self.views.query(ledger)]
        return fold(fact for fact in facts if fact.at <= at)

    def instants(self) -> list[datetime]:
        """Every instant a movement is dated at."""
        facts = (item.parse(LedgerFact) for item in self.views.items() if item.kind == LEDGER_KIND)
        return sorted({fact.at for fact in facts})


def accounted(figures: StockFigures) -> int:
    """Units at a destination that left a source: on the way, received, missing, written off."""
    return (
        figures.in_transit
        + figures.receiving
        + figures.on_hand
        + figures.discrepancy
        + figures.written_off
    )
