"""Thread-safe state of the simulated Amazon: sellers, the refresh tokens they have granted,
inbound shipments, and the control operations that change them (what Amazon's fulfillment
centres would do)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from functools import partial

from pydantic import BaseModel, Field

from .clock import SimulatedClock
from .control_schema import (
    BulkCreateShipmentsRequest,
    CreateSellerRequest,
    CreateShipmentRequest,
    PlanLine,
    ReceivedItem,
)
from .errors import Conflict, InvalidRequest, NotFound
from .identifiers import (
    asin_for,
    fnsku_for,
    new_refresh_token,
    new_shipment_id,
    quantity_in_case_for,
)
from .inventory import InventoryLevels, StockMovements, inventory_by_sku
from .models import (
    CANCELLED,
    CLOSED,
    DELETED,
    FINAL_STATUSES,
    NOT_YET_SHIPPED_STATUSES,
    RECEIVING,
    Address,
    Seller,
    Shipment,
    ShipmentItem,
)
from .plans import replace_plan
from .subscriptions import Destination, Subscription, SubscriptionRegistry

# A seller holds one refresh token per authorization (consent, control API); past this many
# the oldest is dropped, so repeated authorizations cannot grow the simulator without bound.
MAX_REFRESH_TOKENS_PER_SELLER = 1_000


class SimulatorState(BaseModel):
    sellers: list[Seller]
    shipments: list[Shipment]
    now: datetime
    # seller id -> the refresh tokens that work, oldest first. None in state saved before
    # sellers could hold several: then each seller's own `refresh_token` is its only one.
    refresh_tokens: dict[str, list[str]] | None = Field(default=None)
    # The Notifications API's destinations and subscriptions (none in older saved state).
    destinations: list[Destination] = Field(default_factory=list)
    subscriptions: list[Subscription] = Field(default_factory=list)


@dataclass
class SkuInventorySnapshot:
    """Inventory of one SKU in each of the seller's marketplaces where it is known, as an
    FBA_INVENTORY_AVAILABILITY_CHANGES notification reports it."""

    seller_id: str
    sku: str
    fnsku: str
    asin: str
    by_marketplace: dict[str, InventoryLevels]


class SimulatorStore:
    def __init__(
        self, clock: SimulatedClock, subscriptions: SubscriptionRegistry | None = None
    ) -> None:
        self.clock = clock
        # Kept with the rest by export_state/import_state; cleared by /_sim/reset's hooks.
        self.subscriptions = subscriptions or SubscriptionRegistry()
        self._lock = threading.RLock()
        self._sellers: dict[str, Seller] = {}
        # Every refresh token that works, and each seller's, oldest first. A revoked token is
        # in neither: LWA refuses it and SP-API refuses access tokens obtained from it.
        self._sellers_by_refresh_token: dict[str, str] = {}
        self._refresh_tokens_by_seller: dict[str, list[str]] = {}
        # Insertion order is the order shipments are listed in, which keeps paging stable.
        self._shipments: dict[str, Shipment] = {}
        self._shipment_ids_by_seller: dict[str, list[str]] = {}
        # Amazon's own movements of stock (FBA orders, returns, adjustments): `inventory`.
        self.stock_movements = StockMovements()

    @contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the state still while reading several things (e.g. rendering a page)."""
        with self._lock:
            yield

    def export_state(self) -> SimulatorState:
        """Everything Seller Central knows, to keep across restarts of the local runtime."""
        with self._lock:
            return SimulatorState(
                sellers=list(self._sellers.values()),
                shipments=list(self._shipments.values()),
                now=self.clock.now(),
                refresh_tokens={
                    seller_id: list(tokens)
                    for seller_id, tokens in self._refresh_tokens_by_seller.items()
                },
                destinations=self.subscriptions.destinations(),
                subscriptions=self.subscriptions.subscriptions(),
            )

    def import_state(self, state: SimulatorState) -> None:
        with self._lock:
            self.reset()
            saved_tokens = state.refresh_tokens
            for seller in state.sellers:
                self._sellers[seller.seller_id] = seller
                self._shipment_ids_by_seller[seller.seller_id] = []
                tokens = (
                    [seller.refresh_token]
                    if saved_tokens is None
                    else saved_tokens.get(seller.seller_id, [])
                )
                for token in tokens:
                    self._add_refresh_token(seller.seller_id, token)
            for shipment in state.shipments:
                self._shipments[shipment.shipment_id] = shipment
                self._shipment_ids_by_seller[shipment.seller_id].append(shipment.shipment_id)
            self.subscriptions.load(state.destinations, state.subscriptions)

    def reset(self) -> None:
        with self._lock:
            self._sellers.clear()
            self._sellers_by_refresh_token.clear()
            self._refresh_tokens_by_seller.clear()
            self._shipments.clear()
            self._shipment_ids_by_seller.clear()
            self.stock_movements.clear()

    # Sellers

    def create_seller(self, request: CreateSellerRequest) -> Seller:
        with self._lock:
            if request.seller_id in self._sellers:
                raise Conflict(
                    f"seller {request.seller_id!r} already exists; use another seller_id "
                    "or POST /_sim/reset"
                )
            refresh_token = request.refresh_token or new_refresh_token(request.seller_id)
            if refresh_token in self._sellers_by_refresh_token:
                raise Conflict("that refresh_token already belongs to another seller")
            seller = Seller(
                seller_id=request.seller_id,
                marketplace_ids=list(dict.fromkeys(request.marketplace_ids)),
                refresh_token=refresh_token,
            )
            self._sellers[seller.seller_id] = seller
            self._shipment_ids_by_seller[seller.seller_id] = []
            self._add_refresh_token(seller.seller_id, refresh_token)
            return seller

    def seller(self, seller_id: str) -> Seller:
        with self._lock:
            seller = self._sellers.get(seller_id)
            if seller is None:
                raise NotFound(f"no seller {seller_id!r}; create it with POST /_sim/sellers")
            return seller

    def seller_for_refresh_token(self, refresh_token: str) -> Seller | None:
        """The seller a working refresh token belongs to; None if unknown or revoked."""
        with self._lock:
            seller_id = self._sellers_by_refresh_token.get(refresh_token)
            return None if seller_id is None else self._sellers[seller_id]

    def refresh_tokens_of(self, seller_id: str) -> list[str]:
        """The seller's working refresh tokens, oldest first."""
        with self._lock:
            self.seller(seller_id)
            return list(self._refresh_tokens_by_seller.get(seller_id, []))

    def issue_refresh_token(self, seller_id: str) -> str:
        """A new working refresh token for the seller (a new authorization of the app)."""
        with self._lock:
            self.seller(seller_id)
            token = new_refresh_token(seller_id)
            self._add_refresh_token(seller_id, token)
            return token

    def revoke_refresh_tokens(self, seller_id: str) -> list[str]:
        """The seller withdraws the app's authorization: every refresh token stops working.

        Returns the tokens revoked (to revoke the access tokens obtained from them).
        """
        with self._lock:
            self.seller(seller_id)
            revoked = self._refresh_tokens_by_seller.pop(seller_id, [])
            for token in revoked:
                del self._sellers_by_refresh_token[token]
            return revoked

    # Shipments

    def create_shipment(self, seller_id: str, request: CreateShipmentRequest) -> Shipment:
        with self._lock:
            seller = self.seller(seller_id)
            self._require_marketplace(seller, request.marketplace_id)
            shipment_id = request.shipment_id or self._unused_shipment_id()
            if shipment_id in self._shipments:
                raise Conflict(f"shipment {shipment_id!r} already exists")
            now = self.clock.now()
            shipment = Shipment(
                shipment_id=shipment_id,
                seller_id=seller_id,
                marketplace_id=request.marketplace_id,
                name=request.name or f"FBA STA ({now:%m/%d/%Y %H:%M})-{request.destination_fc}",
                destination_fc=request.destination_fc,
                status=request.status,
                ship_from=request.ship_from or Address(),
                label_prep_type=request.label_prep_type,
                are_cases_required=request.are_cases_required,
                confirmed_need_by_date=request.confirmed_need_by_date,
                box_contents_source=request.box_contents_source,
                created_at=now,
                last_updated_at=now,
            )
            for planned in request.items:
                item = self._new_item(shipment, planned.sku, planned.quantity)
                if planned.quantity_in_case is not None:
                    item.quantity_in_case = planned.quantity_in_case
                item.release_date = planned.release_date
                shipment.items[planned.sku] = item
            self._add_shipment(shipment)
            return shipment

    def bulk_create_shipments(
        self, seller_id: str, request: BulkCreateShipmentsRequest
    ) -> list[str]:
        """Many shipments at once for benchmarks; SKUs cycle through a pool so lines overlap."""
        with self._lock:
            seller = self.seller(seller_id)
            self._require_marketplace(seller, request.marketplace_id)
            pool = request.sku_pool_size or request.count * request.lines_per_shipment
            if pool < request.lines_per_shipment:
                raise InvalidRequest("sku_pool_size must be at least lines_per_shipment")
            now = self.clock.now()
            shipment_ids = []
            for index in range(request.count):
                shipment = Shipment(
                    shipment_id=self._unused_shipment_id(),
                    seller_id=seller_id,
                    marketplace_id=request.marketplace_id,
                    name=f"Bulk shipment {index + 1}",
                    destination_fc=request.destination_fc,
                    status=request.status,
                    created_at=now,
                    last_updated_at=now,
                )
                for line in range(request.lines_per_shipment):
                    sku_number = (index * request.lines_per_shipment + line) % pool
                    sku = f"{request.sku_prefix}{sku_number:05d}"
                    quantity = request.quantity or 1 + (index * 7 + line * 13) % 48
                    shipment.items[sku] = self._new_item(shipment, sku, quantity)
                self._add_shipment(shipment)
                shipment_ids.append(shipment.shipment_id)
            return shipment_ids

    def shipment(self, shipment_id: str) -> Shipment:
        with self._lock:
            shipment = self._shipments.get(shipment_id)
            if shipment is None:
                raise NotFound(f"no shipment {shipment_id!r}")
            return shipment

    def find_shipment(self, shipment_id: str) -> Shipment | None:
        with self._lock:
            return self._shipments.get(shipment_id)

    def shipments_of(self, seller_id: str, marketplace_id: str | None = None) -> list[Shipment]:
        with self._lock:
            shipments = [self._shipments[sid] for sid in self._shipment_ids_by_seller[seller_id]]
        if marketplace_id is None:
            return shipments
        return [s for s in shipments if s.marketplace_id == marketplace_id]

    def set_status(self, shipment_id: str, status: str) -> Shipment:
        with self._lock:
            shipment = self.shipment(shipment_id)
            self._change_status(shipment, status)
            return shipment

    def close(self, shipment_id: str) -> Shipment:
        return self.set_status(shipment_id, CLOSED)

    def cancel(self, shipment_id: str) -> Shipment:
        with self._lock:
            shipment = self.shipment(shipment_id)
            if shipment.status in FINAL_STATUSES:
                raise Conflict(f"shipment {shipment_id} is {shipment.status}: cannot cancel it")
            # Amazon says DELETED for a shipment cancelled before it was sent, CANCELLED after.
            new_status = DELETED if shipment.status in NOT_YET_SHIPPED_STATUSES else CANCELLED
            self._change_status(shipment, new_status)
            return shipment

    def set_items(self, shipment_id: str, lines: list[PlanLine]) -> Shipment:
        """Replace the shipment's plan (see `plans.replace_plan`); a CLOSED one is refused."""
        with self._lock:
            shipment = self.shipment(shipment_id)
            if shipment.status == CLOSED:
                raise Conflict(f"shipment {shipment_id} is CLOSED: its plan cannot change")
            planned = {line.sku: line.quantity for line in lines}
            new_line = partial(self._new_item, shipment)
            replace_plan(shipment, planned, self.clock.now(), new_line)
            return shipment

    def receive(self, shipment_id: str, received: list[ReceivedItem]) -> Shipment:
        """Add to the cumulative QuantityReceived of each SKU (negative = correction)."""
        with self._lock:
            shipment = self.shipment(shipment_id)
            deltas: dict[str, int] = {}
            for line in received:
                deltas[line.sku] = deltas.get(line.sku, 0) + line.quantity
            for sku, delta in deltas.items():
                current = shipment.items[sku].quantity_received if sku in shipment.items else 0
                if current + delta < 0:
                    raise InvalidRequest(
                        f"sku {sku!r}: receiving {delta} would make QuantityReceived "
                        f"{current + delta}; it is {current} now"
                    )
            now = self.clock.now()
            for sku, delta in deltas.items():
                item = shipment.items.get(sku)
                if item is None:
                    # Units Amazon found that were not planned: a new line shipped 0.
                    item = shipment.items[sku] = self._new_item(shipment, sku, 0)
                item.quantity_received += delta
                item.last_updated_at = item.last_received_at = now
            # Amazon credits units that arrive after close or cancellation (late finds, boxes
            # sent anyway) without reopening the shipment.
            if shipment.status not in FINAL_STATUSES:
                self._change_status(shipment, RECEIVING)
            return shipment

    def inventory(self, seller_id: str, marketplace_id: str) -> dict[str, InventoryLevels]:
        with self._lock:
            movements = self.stock_movements.of(seller_id, marketplace_id)
            return inventory_by_sku(self.shipments_of(seller_id, marketplace_id), movements)

    def sku_snapshots(
        self, seller_id: str, skus: list[str], zero_in: str | None = None
    ) -> list[SkuInventorySnapshot]:
        """Figures per marketplace where the SKU is known, plus zeros in `zero_in` for a SKU
        that has just left every shipment there (taken off a plan)."""
        with self._lock:
            seller = self.seller(seller_id)
            inventories = {m: self.inventory(seller_id, m) for m in seller.marketplace_ids}
        snapshots = []
        for sku in skus:
            fnsku, asin = fnsku_for(seller_id, sku), asin_for(seller_id, sku)
            by_marketplace = {
                marketplace_id: levels.get(sku) or InventoryLevels(sku, fnsku, asin)
                for marketplace_id, levels in inventories.items()
                if sku in levels or marketplace_id == zero_in
            }
            snapshots.append(
                SkuInventorySnapshot(
                    seller_id=seller_id,
                    sku=sku,
                    fnsku=fnsku,
                    asin=asin,
                    by_marketplace=by_marketplace,
                )
            )
        return snapshots

    # Internals

    def _add_refresh_token(self, seller_id: str, token: str) -> None:
        tokens = self._refresh_tokens_by_seller.setdefault(seller_id, [])
        tokens.append(token)
        self._sellers_by_refresh_token[token] = seller_id
        while len(tokens) > MAX_REFRESH_TOKENS_PER_SELLER:
            del self._sellers_by_refresh_token[tokens.pop(0)]

    def _change_status(self, shipment: Shipment, status: str) -> None:
        if shipment.status != status:
            shipment.status = status
            shipment.last_updated_at = self.clock.now()

    def _new_item(self, shipment: Shipment, sku: str, quantity_shipped: int) -> ShipmentItem:
        return ShipmentItem(
            sku=sku,
            fnsku=fnsku_for(shipment.seller_id, sku),
            asin=asin_for(shipment.seller_id, sku),
            quantity_shipped=quantity_shipped,
            quantity_in_case=quantity_in_case_for(shipment.shipment_id, sku),
            last_updated_at=self.clock.now(),
        )

    def _add_shipment(self, shipment: Shipment) -> None:
        self._shipments[shipment.shipment_id] = shipment
        self._shipment_ids_by_seller[shipment.seller_id].append(shipment.shipment_id)

    def _unused_shipment_id(self) -> str:
        while True:
            candidate = new_shipment_id()
            if candidate not in self._shipments:
                return candidate

    @staticmethod
    def _require_marketplace(seller: Seller, marketplace_id: str) -> None:
        if marketplace_id not in seller.marketplace_ids:
            raise InvalidRequest(
                f"seller {seller.seller_id!r} sells in {seller.marketplace_ids}, "
                f"not in {marketplace_id!r}"
            )
