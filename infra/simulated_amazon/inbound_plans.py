"""Fulfillment Inbound v2024-03-20 as Amazon runs it: inbound plans go through packing options,
packing information and placement options; confirming a placement option creates its shipments,
which then also appear in the v0 reads as WORKING under their `FBA...` ids.

Every state-changing call starts an asynchronous operation: IN_PROGRESS for the seller's
operation time on the simulated clock, then SUCCESS (its effect applied) or FAILED (nothing
changed; `operationProblems` say why). Effects are applied by `settle()`, which the server runs
before every request, so any read (v0, v2024 or control) agrees with the clock. While an
operation runs on a plan, other state-changing calls on that plan are refused.

Checks Amazon makes at once answer 400 `BadRequest` with an `ERROR: ...` message, as live
Amazon does (e.g. "ERROR: No placement option is confirmed for inboundPlan wf...",
selling-partner-api-models#3978); unknown or another seller's ids answer 404 `NotFound`.
"""

from __future__ import annotations

import hashlib
import heapq
import itertools
import threading
from collections import Counter, OrderedDict, deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from .clock import SimulatedClock, format_timestamp
from .control_schema import CreateShipmentRequest, PlannedItem
from .errors import NotFound
from .identifiers import asin_for, fnsku_for, new_next_token, new_shipment_id
from .inbound_plan_schema import REQUEST_DEFINITIONS
from .inbound_plan_settings import (
    DEFAULT_OPERATION_SECONDS,
    DEFAULT_PLACEMENT_OFFERS,
    OperationFailureRequest,
    PlacementOffer,
)
from .inbound_plan_state import (
    ABANDONED,
    ACCEPTED,
    ACTIVE,
    ERRORED,
    EXPIRED,
    OFFERED,
    SHIPPED,
    SUCCESS,
    VOIDED,
    InboundOperation,
    InboundPlan,
    PackingOption,
    PlacementOption,
    PlanItem,
    PlannedShipment,
    new_inbound_id,
    new_operation_id,
)
from .inbound_plan_wire import (
    item_document,
    operation_document,
    packing_option_document,
    placement_option_document,
    plan_document,
    plan_summary,
    shipment_document,
)
from .inventory_changes import FigureChanges, Watch
from .models import (
    CANCELLED,
    CLOSED,
    DELETED,
    IN_TRANSIT_STATUSES,
    NOT_YET_SHIPPED_STATUSES,
    RECEIVING,
    WORKING,
    Address,
    BoxContentsSource,
    LabelPrepType,
)
from .store import SimulatorStore

US_MARKETPLACE = "ATVPDKIKX0DER"
OPTIONS_VALID_FOR = timedelta(days=7)
SHIPPED_OR_LATER = IN_TRANSIT_STATUSES | {RECEIVING, CLOSED}
GONE = frozenset({CANCELLED, DELETED})
# Fulfillment centres placement options send shipments to.
WAREHOUSES = (
    "PHX7", "ONT8", "LGB8", "SBD1", "MDW2", "TEB6", "ABE8",
    "IND9", "CLT2", "BFI4", "SMF3", "FTW1", "RDU1", "MQJ1",
)  # fmt: skip
CURRENCIES = {
    "ATVPDKIKX0DER": "USD",
    "A2EUQ1WTGCTBG2": "CAD",
    "A1AM78C64UM0Y8": "MXN",
    "A2Q3Y263D00KWC": "BRL",
    "A1F83G8C2ARO7P": "GBP",
    "A2NODRKZP88ZB9": "SEK",
    "A1C3SOZRARQ6R3": "PLN",
    "A33AVAJ2PDY3EV": "TRY",
    "A2VIGQ35RCS4UG": "AED",
    "A17E79C6D8DWNP": "SAR",
    "ARBP9OOSHTCHU": "EGP",
    "A21TJRUUN4KGV": "INR",
    "AE08WJ6YKNBMC": "ZAR",
    "A1VC38T7YXB528": "JPY",
    "A19VAU5U5O7RUS": "SGD",
    "A39IBJ37TRP1C6": "AUD",
}
EURO_MARKETPLACES = frozenset(
    {"A1PA6795UKMFR9", "A13V1IB3VIYZZH", "A1RKKUPIHCS9HS", "APJ6JRA9NG5V4", "A1805IZSGTT6HS"}
    | {"AMEN7PMS3EDWL", "A28R8C7NBKEWEA"}
)
_BOX_CONTENTS_SOURCES: dict[str, BoxContentsSource] = {
    "BOX_CONTENT_PROVIDED": "FEED",
    "BARCODE_2D": "2D_BARCODE",
    "MANUAL_PROCESS": "NONE",
}
_LABEL_PREP_TYPES: dict[str, LabelPrepType] = {"AMAZON": "AMAZON_LABEL", "NONE": "NO_LABEL"}
_ADDRESS_FIELDS = tuple(REQUEST_DEFINITIONS["AddressInput"]["properties"])
MAX_REMEMBERED_TOKENS = 20_000


class InboundApiError(Exception):
    """An SP-API error answer: HTTP status, Amazon's error code and message."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def bad_request(message: str) -> InboundApiError:
    return InboundApiError(400, "BadRequest", f"ERROR: {message}")


def not_found(message: str) -> InboundApiError:
    return InboundApiError(404, "NotFound", message)


def currency_for(marketplace_id: str) -> str:
    if marketplace_id in EURO_MARKETPLACES:
        return "EUR"
    return CURRENCIES.get(marketplace_id, "USD")


def split_units(lines: Sequence[tuple[str, int]], count: int) -> list[dict[str, int]]:
    """How a placement option places a plan's units into `count` shipments (fewer if the plan
    has fewer units): SKUs in turn; a shipment left empty takes half of the largest line."""
    total = sum(quantity for _, quantity in lines)
    count = max(1, min(count, total))
    shipments: list[dict[str, int]] = [{} for _ in range(count)]
    for index, (msku, quantity) in enumerate(lines):
        shipments[index % count][msku] = quantity
    for empty in [shipment for shipment in shipments if not shipment]:
        fullest, msku = max(
            ((shipment, msku) for shipment in shipments for msku in shipment),
            key=lambda pair: pair[0][pair[1]],
        )
        moved = fullest[msku] // 2
        fullest[msku] -= moved
        empty[msku] = moved
    return shipments


def v0_address(source: dict[str, str]) -> Address:
    """The ship-from address as v0 shows it (v0's maximum lengths are shorter)."""
    return Address(
        name=source["name"][:50],
        address_line1=source["addressLine1"][:180],
        address_line2=source["addressLine2"][:60] if "addressLine2" in source else None,
        district_or_county=(
            source["districtOrCounty"][:25] if "districtOrCounty" in source else None
        ),
        city=source["city"][:30],
        state_or_province_code=source.get("stateOrProvinceCode", ""),
        country_code=source["countryCode"],
        postal_code=source["postalCode"][:30],
    )


@dataclass(frozen=True)
class _PageCursor:
    seller_id: str
    scope: tuple[str, ...]
    keys: tuple[str, ...]
    offset: int


@dataclass
class _PendingFailure:
    request: OperationFailureRequest
    remaining: int


@dataclass
class _SellerSettings:
    offers: list[PlacementOffer] | None = None
    operation_seconds: float | None = None
    failures: deque[_PendingFailure] = field(default_factory=deque)

    def take_failure(self, operation: str) -> OperationFailureRequest | None:
        for pending in self.failures:
            if pending.request.operation == operation:
                pending.remaining -= 1
                if pending.remaining == 0:
                    self.failures.remove(pending)
                return pending.request
        return None


Page = tuple[list[str], str | None]


class InboundPlans:
    def __init__(
        self,
        store: SimulatorStore,
        clock: SimulatedClock,
        changes: FigureChanges,
        operation_seconds: float = DEFAULT_OPERATION_SECONDS,
    ) -> None:
        self._store = store
        self._clock = clock
        self._changes = changes
        self._default_seconds = operation_seconds
        self._lock = threading.RLock()
        self._plans: dict[str, InboundPlan] = {}
        self._plan_ids_by_seller: dict[str, list[str]] = {}
        self._operations: dict[str, InboundOperation] = {}
        self._pending: list[tuple[float, int, str]] = []
        self._sequence = itertools.count()
        self._settings: dict[str, _SellerSettings] = {}
        self._cursors: OrderedDict[str, _PageCursor] = OrderedDict()

    # Lifecycle

    def clear(self) -> None:
        """Forget plans, operations, settings and tokens (`/_sim/reset`)."""
        with self._lock:
            self._plans.clear()
            self._plan_ids_by_seller.clear()
            self._operations.clear()
            self._pending.clear()
            self._settings.clear()
            self._cursors.clear()

    def settle(self) -> None:
        """Complete every operation whose time has come, in the order they complete."""
        with self._lock:
            now = self._clock.monotonic()
            while self._pending and self._pending[0][0] <= now:
                _, _, operation_id = heapq.heappop(self._pending)
                self._finish(self._operations[operation_id])

    # Settings (control API)

    def set_placement_offers(self, seller_id: str, offers: list[PlacementOffer]) -> None:
        with self._lock:
            self._settings_of(seller_id).offers = list(offers)

    def clear_placement_offers(self, seller_id: str) -> None:
        with self._lock:
            self._settings_of(seller_id).offers = None

    def placement_offers(self, seller_id: str) -> tuple[list[PlacementOffer], bool]:
        """The offers generatePlacementOptions makes for the seller, and whether they were set
        (else the defaults)."""
        with self._lock:
            offers = self._settings_of(seller_id).offers
            return (list(DEFAULT_PLACEMENT_OFFERS), False) if offers is None else (offers, True)

    def set_operation_seconds(self, seller_id: str, seconds: float) -> None:
        with self._lock:
            self._settings_of(seller_id).operation_seconds = seconds

    def operation_seconds(self, seller_id: str) -> float:
        with self._lock:
            seconds = self._settings_of(seller_id).operation_seconds
            return self._default_seconds if seconds is None else seconds

    def add_failure(self, seller_id: str, request: OperationFailureRequest) -> None:
        with self._lock:
            self._settings_of(seller_id).failures.append(_PendingFailure(request, request.count))

    def pending_failures(self, seller_id: str) -> list[dict[str, Any]]:
        with self._lock:
            return [
                {**pending.request.model_dump(exclude_none=True), "count": pending.remaining}
                for pending in self._settings_of(seller_id).failures
            ]

    def clear_failures(self, seller_id: str) -> None:
        with self._lock:
            self._settings_of(seller_id).failures.clear()

    def plan_views(self, seller_id: str) -> list[dict[str, Any]]:
        with self._lock:
            self._store.seller(seller_id)
            return [
                self._plan_view(self._plans[plan_id])
                for plan_id in self._plan_ids_by_seller.get(seller_id, [])
            ]

    def plan_view(self, inbound_plan_id: str) -> dict[str, Any]:
        with self._lock:
            plan = self._plans.get(inbound_plan_id)
            if plan is None:
                raise NotFound(f"no inbound plan {inbound_plan_id!r}")
            return self._plan_view(plan)

    # State-changing operations: each returns the operation's id

    def create_plan(self, seller_id: str, body: dict[str, Any]) -> dict[str, str]:
        marketplace_id = body["destinationMarketplaces"][0]
        if marketplace_id not in self._store.seller(seller_id).marketplace_ids:
            raise bad_request(f"The seller is not registered in marketplace {marketplace_id}.")
        items = [self._plan_item(seller_id, line) for line in body["items"]]
        _refuse_repeated_mskus(items)
        _refuse_amazon_owners_in_us(marketplace_id, items)
        now = self._clock.now()
        address = body["sourceAddress"]
        plan = InboundPlan(
            inbound_plan_id=new_inbound_id("wf"),
            seller_id=seller_id,
            marketplace_id=marketplace_id,
            name=body.get("name") or f"FBA ({now:%m/%d/%Y, %I:%M %p})",
            source_address={
                key: address[key] for key in _ADDRESS_FIELDS if address.get(key) is not None
            },
            items=items,
            created_at=now,
            last_updated_at=now,
        )
        with self._lock:
            self._plans[plan.inbound_plan_id] = plan
            self._plan_ids_by_seller.setdefault(seller_id, []).append(plan.inbound_plan_id)
            operation_id = self._start(
                plan, "createInboundPlan", on_failure=lambda: setattr(plan, "status", ERRORED)
            )
        return {"inboundPlanId": plan.inbound_plan_id, "operationId": operation_id}

    def generate_packing_options(self, seller_id: str, inbound_plan_id: str) -> str:
        with self._lock:
            plan = self._plan_of(seller_id, inbound_plan_id)
            self._require_changeable(plan)
            self._refuse_confirmed_packing(plan)
            return self._start(
                plan, "generatePackingOptions", on_success=lambda: self._offer_packing(plan)
            )

    def confirm_packing_option(
        self, seller_id: str, inbound_plan_id: str, packing_option_id: str
    ) -> str:
        with self._lock:
            plan = self._plan_of(seller_id, inbound_plan_id)
            option = next(
                (o for o in plan.packing_options if o.packing_option_id == packing_option_id),
                None,
            )
            if option is None:
                raise not_found(
                    f"Packing option {packing_option_id} was not found for inboundPlan "
                    f"{inbound_plan_id}."
                )
            self._require_changeable(plan)
            self._refuse_confirmed_packing(plan)
            _refuse_expired(option.status, "Packing option", packing_option_id)
            return self._start(
                plan,
                "confirmPackingOption",
                on_success=lambda: _accept(plan.packing_options, option),
            )

    def set_packing_information(
        self, seller_id: str, inbound_plan_id: str, body: dict[str, Any]
    ) -> str:
        with self._lock:
            plan = self._plan_of(seller_id, inbound_plan_id)
            self._require_changeable(plan)
            packing = plan.confirmed_packing_option()
            if packing is None:
                raise bad_request(
                    f"No packing option is confirmed for inboundPlan {inbound_plan_id}."
                )
            boxes_by_key = {
                self._grouping_key(plan, packing, grouping): grouping["boxes"]
                for grouping in body["packageGroupings"]
            }
            for key, boxes in boxes_by_key.items():
                self._check_box_contents(plan, key, boxes)
            return self._start(
                plan,
                "setPackingInformation",
                on_success=lambda: plan.packing_information.update(boxes_by_key),
            )

    def generate_placement_options(self, seller_id: str, inbound_plan_id: str) -> str:
        with self._lock:
            plan = self._plan_of(seller_id, inbound_plan_id)
            self._require_changeable(plan)
            packing = plan.confirmed_packing_option()
            if packing is None:
                raise bad_request(
                    f"No packing option is confirmed for inboundPlan {inbound_plan_id}."
                )
            missing = [g for g in packing.packing_group_ids if g not in plan.packing_information]
            if missing:
                raise bad_request(
                    f"Packing information is missing for packing group(s) {', '.join(missing)} "
                    f"of inboundPlan {inbound_plan_id}; call setPackingInformation first."
                )
            self._refuse_confirmed_placement(plan)
            offers, _ = self.placement_offers(seller_id)
            return self._start(
                plan,
                "generatePlacementOptions",
                on_success=lambda: self._offer_placement(plan, offers),
            )

    def confirm_placement_option(
        self, seller_id: str, inbound_plan_id: str, placement_option_id: str
    ) -> str:
        with self._lock:
            plan = self._plan_of(seller_id, inbound_plan_id)
            option = next(
                (o for o in plan.placement_options if o.placement_option_id == placement_option_id),
                None,
            )
            if option is None:
                raise not_found(
                    f"Placement option {placement_option_id} was not found for inboundPlan "
                    f"{inbound_plan_id}."
                )
            self._require_changeable(plan)
            self._refuse_confirmed_placement(plan)
            _refuse_expired(option.status, "Placement option", placement_option_id)
            return self._start(
                plan,
                "confirmPlacementOption",
                on_success=lambda: self._confirm_placement(plan, option),
            )

    def cancel_plan(self, seller_id: str, inbound_plan_id: str) -> str:
        with self._lock:
            plan = self._plan_of(seller_id, inbound_plan_id)
            if self._plan_status(plan) == VOIDED:
                raise bad_request(f"Inbound plan {inbound_plan_id} is already voided.")
            self._refuse_busy(plan)
            for shipment in plan.confirmed_shipments():
                status = self._shipment_status(shipment)
                if status not in NOT_YET_SHIPPED_STATUSES | GONE:
                    raise bad_request(
                        f"Shipment {shipment.confirmation_id} is {status}: inboundPlan "
                        f"{inbound_plan_id} can no longer be cancelled."
                    )
            return self._start(plan, "cancelInboundPlan", on_success=lambda: self._void(plan))

    # Reads

    def get_plan(self, seller_id: str, inbound_plan_id: str) -> dict[str, Any]:
        with self._lock:
            plan = self._plan_of(seller_id, inbound_plan_id)
            statuses = {
                shipment.shipment_id: self._shipment_status(shipment)
                for shipment in plan.confirmed_shipments()
            }
            return plan_document(plan, self._plan_status(plan), statuses)

    def list_plans(
        self,
        seller_id: str,
        page_size: int,
        token: str | None,
        status: str | None,
        sort_by: str,
        sort_order: str,
    ) -> dict[str, Any]:
        with self._lock:

            def keys() -> list[str]:
                plans = [self._plans[i] for i in self._plan_ids_by_seller.get(seller_id, [])]
                if status is not None:
                    plans = [p for p in plans if self._plan_status(p) == status]
                attribute = "created_at" if sort_by == "CREATION_TIME" else "last_updated_at"
                plans.sort(key=lambda p: getattr(p, attribute), reverse=sort_order == "DESC")
                return [plan.inbound_plan_id for plan in plans]

            scope = ("plans", status or "", sort_by, sort_order)
            page, next_token = self._page(seller_id, scope, keys, page_size, token)
            summaries = [
                plan_summary(self._plans[i], self._plan_status(self._plans[i])) for i in page
            ]
            return _listing("inboundPlans", summaries, next_token)

    def list_plan_items(
        self, seller_id: str, inbound_plan_id: str, page_size: int, token: str | None
    ) -> dict[str, Any]:
        with self._lock:
            plan = self._plan_of(seller_id, inbound_plan_id)
            page, next_token = self._page(
                seller_id,
                ("items", inbound_plan_id),
                lambda: [item.msku for item in plan.items],
                page_size,
                token,
            )
            items = [item_document(plan.item(msku), plan.item(msku).quantity) for msku in page]
            return _listing("items", items, next_token)

    def list_packing_options(
        self, seller_id: str, inbound_plan_id: str, page_size: int, token: str | None
    ) -> dict[str, Any]:
        with self._lock:
            plan = self._plan_of(seller_id, inbound_plan_id)
            options = {option.packing_option_id: option for option in plan.packing_options}
            page, next_token = self._page(
                seller_id, ("packing", inbound_plan_id), lambda: list(options), page_size, token
            )
            documents = [packing_option_document(options[i]) for i in page if i in options]
            return _listing("packingOptions", documents, next_token)

    def list_packing_group_items(
        self,
        seller_id: str,
        inbound_plan_id: str,
        packing_group_id: str,
        page_size: int,
        token: str | None,
    ) -> dict[str, Any]:
        with self._lock:
            plan = self._plan_of(seller_id, inbound_plan_id)
            mskus = plan.packing_groups.get(packing_group_id)
            if mskus is None:
                raise not_found(
                    f"Packing group {packing_group_id} was not found for inboundPlan "
                    f"{inbound_plan_id}."
                )
            page, next_token = self._page(
                seller_id, ("group", packing_group_id), lambda: list(mskus), page_size, token
            )
            items = [item_document(plan.item(msku), plan.item(msku).quantity) for msku in page]
            return _listing("items", items, next_token)

    def list_placement_options(
        self, seller_id: str, inbound_plan_id: str, page_size: int, token: str | None
    ) -> dict[str, Any]:
        with self._lock:
            plan = self._plan_of(seller_id, inbound_plan_id)
            options = {option.placement_option_id: option for option in plan.placement_options}
            page, next_token = self._page(
                seller_id,
                ("placement", inbound_plan_id),
                lambda: list(options),
                page_size,
                token,
            )
            documents = [placement_option_document(options[i]) for i in page if i in options]
            return _listing("placementOptions", documents, next_token)

    def get_shipment(
        self, seller_id: str, inbound_plan_id: str, shipment_id: str
    ) -> dict[str, Any]:
        with self._lock:
            plan = self._plan_of(seller_id, inbound_plan_id)
            shipment = self._shipment_of(plan, shipment_id)
            return shipment_document(plan, shipment, self._shipment_status(shipment))

    def list_shipment_items(
        self,
        seller_id: str,
        inbound_plan_id: str,
        shipment_id: str,
        page_size: int,
        token: str | None,
    ) -> dict[str, Any]:
        with self._lock:
            plan = self._plan_of(seller_id, inbound_plan_id)
            shipment = self._shipment_of(plan, shipment_id)
            units = self._shipment_units(shipment)
            page, next_token = self._page(
                seller_id, ("shipment", shipment_id), lambda: list(units), page_size, token
            )
            items = [
                item_document(self._item_for(plan, msku), units[msku])
                for msku in page
                if units.get(msku, 0) >= 1
            ]
            return _listing("items", items, next_token)

    def operation_status(self, seller_id: str, operation_id: str) -> dict[str, Any]:
        with self._lock:
            operation = self._operations.get(operation_id)
            if operation is None or operation.seller_id != seller_id:
                raise not_found(f"Operation {operation_id} was not found.")
            return operation_document(operation)

    # Operations: start and finish

    def _start(
        self,
        plan: InboundPlan,
        operation: str,
        on_success: Callable[[], None] | None = None,
        on_failure: Callable[[], None] | None = None,
    ) -> str:
        settings = self._settings_of(plan.seller_id)
        failure = settings.take_failure(operation)
        seconds = self.operation_seconds(plan.seller_id)
        started = InboundOperation(
            operation_id=new_operation_id(),
            operation=operation,
            seller_id=plan.seller_id,
            inbound_plan_id=plan.inbound_plan_id,
            completes_at=self._clock.monotonic() + seconds,
            outcome=SUCCESS if failure is None else failure.outcome,
            problems=[]
            if failure is None
            else [problem.model_dump(exclude_none=True) for problem in failure.problems],
            on_success=on_success,
            on_failure=on_failure,
        )
        self._operations[started.operation_id] = started
        entry = (started.completes_at, next(self._sequence), started.operation_id)
        heapq.heappush(self._pending, entry)
        plan.busy_with = started.operation_id
        return started.operation_id

    def _finish(self, operation: InboundOperation) -> None:
        operation.status = operation.outcome
        effect = operation.on_success if operation.outcome == SUCCESS else operation.on_failure
        operation.on_success = operation.on_failure = None
        plan = self._plans.get(operation.inbound_plan_id)
        if plan is None:
            return
        if plan.busy_with == operation.operation_id:
            plan.busy_with = None
        if effect is not None:
            effect()
        plan.last_updated_at = self._clock.now()

    # Effects

    def _offer_packing(self, plan: InboundPlan) -> None:
        group_id = new_inbound_id("pg")
        plan.packing_groups = {group_id: [item.msku for item in plan.items]}
        expiration = self._clock.now() + OPTIONS_VALID_FOR
        plan.packing_options = [PackingOption(new_inbound_id("po"), [group_id], expiration)]

    def _offer_placement(self, plan: InboundPlan, offers: list[PlacementOffer]) -> None:
        plan.shipments = {}
        plan.placement_options = []
        now = self._clock.now()
        seed = int(hashlib.sha256(plan.inbound_plan_id.encode()).hexdigest(), 16)
        lines = [(item.msku, item.quantity) for item in plan.items]
        for index, offer in enumerate(offers):
            option_id = new_inbound_id("pl")
            shipment_ids = []
            for number, units in enumerate(split_units(lines, offer.shipment_count)):
                warehouse = WAREHOUSES[(seed + index * 5 + number) % len(WAREHOUSES)]
                shipment = PlannedShipment(
                    shipment_id=new_inbound_id("sh"),
                    placement_option_id=option_id,
                    warehouse_id=warehouse,
                    name=f"FBA ({now:%m/%d/%Y %H:%M})-{warehouse}",
                    items=units,
                )
                plan.shipments[shipment.shipment_id] = shipment
                shipment_ids.append(shipment.shipment_id)
            plan.placement_options.append(
                PlacementOption(
                    placement_option_id=option_id,
                    shipment_ids=shipment_ids,
                    fee=offer.fee,
                    discount=offer.discount,
                    currency=offer.currency or currency_for(plan.marketplace_id),
                    expiration=now + OPTIONS_VALID_FOR,
                )
            )

    def _confirm_placement(self, plan: InboundPlan, option: PlacementOption) -> None:
        _accept(plan.placement_options, option)
        for shipment in plan.shipments.values():
            if shipment.placement_option_id != option.placement_option_id:
                shipment.status = ABANDONED
        chosen = plan.confirmed_shipments()
        self._changes.apply(
            lambda: Watch(plan.seller_id, [item.msku for item in plan.items]),
            lambda: self._create_v0_shipments(plan, chosen),
            lambda _: None,
        )

    def _create_v0_shipments(self, plan: InboundPlan, chosen: list[PlannedShipment]) -> None:
        for shipment in chosen:
            shipment.confirmation_id = self._unused_fba_id()
            shipment.status = WORKING
            request = CreateShipmentRequest(
                marketplace_id=plan.marketplace_id,
                destination_fc=shipment.warehouse_id,
                items=[PlannedItem(sku=m, quantity=q) for m, q in shipment.items.items()],
                name=shipment.name,
                shipment_id=shipment.confirmation_id,
                ship_from=v0_address(plan.source_address),
                label_prep_type=_label_prep_type(plan, shipment),
                box_contents_source=_box_contents_source(plan),
            )
            self._store.create_shipment(plan.seller_id, request)

    def _void(self, plan: InboundPlan) -> None:
        plan.status = VOIDED
        for shipment in plan.shipments.values():
            if shipment.confirmation_id is None:
                shipment.status = ABANDONED
        cancellable = [
            shipment.confirmation_id
            for shipment in plan.confirmed_shipments()
            if shipment.confirmation_id is not None
            and self._shipment_status(shipment) in NOT_YET_SHIPPED_STATUSES
        ]
        if cancellable:
            self._changes.apply(
                lambda: Watch(plan.seller_id, [item.msku for item in plan.items]),
                lambda: [self._store.cancel(shipment_id) for shipment_id in cancellable],
                lambda _: None,
            )

    # Checks

    def _plan_of(self, seller_id: str, inbound_plan_id: str) -> InboundPlan:
        plan = self._plans.get(inbound_plan_id)
        if plan is None or plan.seller_id != seller_id:
            raise not_found(f"Inbound plan {inbound_plan_id} was not found.")
        now = self._clock.now()
        options: list[PackingOption | PlacementOption] = [
            *plan.packing_options,
            *plan.placement_options,
        ]
        for option in options:
            if option.status == OFFERED and option.expiration < now:
                option.status = EXPIRED
        return plan

    def _shipment_of(self, plan: InboundPlan, shipment_id: str) -> PlannedShipment:
        shipment = plan.shipments.get(shipment_id)
        if shipment is None:
            raise not_found(
                f"Shipment {shipment_id} was not found for inboundPlan {plan.inbound_plan_id}."
            )
        return shipment

    def _require_changeable(self, plan: InboundPlan) -> None:
        status = self._plan_status(plan)
        if status != ACTIVE:
            raise bad_request(
                f"Inbound plan {plan.inbound_plan_id} is {status}: it can no longer be changed."
            )
        self._refuse_busy(plan)

    def _refuse_busy(self, plan: InboundPlan) -> None:
        if plan.busy_with is not None:
            busy = self._operations[plan.busy_with]
            raise bad_request(
                f"Operation {busy.operation} {busy.operation_id} is still in progress for "
                f"inboundPlan {plan.inbound_plan_id}; try again when it has completed."
            )

    @staticmethod
    def _refuse_confirmed_packing(plan: InboundPlan) -> None:
        if plan.confirmed_packing_option() is not None:
            raise bad_request(
                f"A packing option is already confirmed for inboundPlan {plan.inbound_plan_id}."
            )

    @staticmethod
    def _refuse_confirmed_placement(plan: InboundPlan) -> None:
        if plan.confirmed_placement_option() is not None:
            raise bad_request(
                f"A placement option is already confirmed for inboundPlan {plan.inbound_plan_id}."
            )

    def _grouping_key(
        self, plan: InboundPlan, packing: PackingOption, grouping: dict[str, Any]
    ) -> str:
        group_id, shipment_id = grouping.get("packingGroupId"), grouping.get("shipmentId")
        if (group_id is None) == (shipment_id is None):
            raise bad_request(
                "Each package grouping needs exactly one of packingGroupId and shipmentId."
            )
        placed = plan.confirmed_placement_option() is not None
        if group_id is not None:
            if placed:
                raise bad_request(
                    "PackingGroupId can only be provided before placement confirmation; "
                    "provide shipmentId."
                )
            if group_id not in packing.packing_group_ids:
                raise bad_request(
                    f"Packing group {group_id} is not part of the confirmed packing option "
                    f"{packing.packing_option_id}."
                )
            return str(group_id)
        if not placed:
            raise bad_request("ShipmentId can only be provided after placement confirmation.")
        if shipment_id not in {s.shipment_id for s in plan.confirmed_shipments()}:
            raise bad_request(
                f"Shipment {shipment_id} is not part of the confirmed placement option."
            )
        return str(shipment_id)

    def _check_box_contents(self, plan: InboundPlan, key: str, boxes: list[dict[str, Any]]) -> None:
        if any(
            box["contentInformationSource"] == "BOX_CONTENT_PROVIDED" and not box.get("items")
            for box in boxes
        ):
            raise bad_request(
                "Box items are required when contentInformationSource is BOX_CONTENT_PROVIDED."
            )
        if not any(box.get("items") for box in boxes):
            return
        packed: Counter[str] = Counter()
        for box in boxes:
            for item in box.get("items") or []:
                packed[item["msku"]] += box["quantity"] * item["quantity"]
        expected = (
            {msku: plan.item(msku).quantity for msku in plan.packing_groups[key]}
            if key in plan.packing_groups
            else self._shipment_units(plan.shipments[key])
        )
        if dict(packed) != expected:
            raise bad_request(
                f"The boxes of {key} do not hold its items: it has {_units(expected)}, "
                f"the boxes hold {_units(packed)}."
            )

    # Derived state

    def _plan_status(self, plan: InboundPlan) -> str:
        if plan.status != ACTIVE:
            return plan.status
        statuses = [self._shipment_status(s) for s in plan.confirmed_shipments()]
        live = [status for status in statuses if status not in GONE]
        if statuses and not live:
            return VOIDED
        if live and all(status in SHIPPED_OR_LATER for status in live):
            return SHIPPED
        return ACTIVE

    def _shipment_status(self, shipment: PlannedShipment) -> str:
        if shipment.confirmation_id is not None:
            v0 = self._store.find_shipment(shipment.confirmation_id)
            if v0 is not None:
                return v0.status
        return shipment.status

    def _shipment_units(self, shipment: PlannedShipment) -> dict[str, int]:
        """A confirmed shipment's units are its v0 plan's (which Seller Central may change)."""
        if shipment.confirmation_id is not None:
            v0 = self._store.find_shipment(shipment.confirmation_id)
            if v0 is not None:
                with self._store.locked():
                    return {
                        sku: item.quantity_shipped
                        for sku, item in v0.items.items()
                        if item.quantity_shipped >= 1
                    }
        return dict(shipment.items)

    def _item_for(self, plan: InboundPlan, msku: str) -> PlanItem:
        known = next((item for item in plan.items if item.msku == msku), None)
        if known is not None:
            return known
        # A SKU added to the shipment afterwards (in Seller Central).
        return self._plan_item(
            plan.seller_id,
            {"msku": msku, "quantity": 1, "labelOwner": "SELLER", "prepOwner": "NONE"},
        )

    def _plan_view(self, plan: InboundPlan) -> dict[str, Any]:
        packing = plan.confirmed_packing_option()
        placement = plan.confirmed_placement_option()
        return {
            "inbound_plan_id": plan.inbound_plan_id,
            "seller_id": plan.seller_id,
            "marketplace_id": plan.marketplace_id,
            "name": plan.name,
            "status": self._plan_status(plan),
            "created_at": format_timestamp(plan.created_at),
            "last_updated_at": format_timestamp(plan.last_updated_at),
            "items": [{"msku": item.msku, "quantity": item.quantity} for item in plan.items],
            "packing_option_id": packing.packing_option_id if packing else None,
            "placement_option_id": placement.placement_option_id if placement else None,
            "placement_options": [
                {
                    "placement_option_id": option.placement_option_id,
                    "status": option.status,
                    "shipment_ids": list(option.shipment_ids),
                    "fee": option.fee,
                    "discount": option.discount,
                    "currency": option.currency,
                }
                for option in plan.placement_options
            ],
            "shipments": [
                {
                    "shipment_id": shipment.shipment_id,
                    "shipment_confirmation_id": shipment.confirmation_id,
                    "placement_option_id": shipment.placement_option_id,
                    "warehouse_id": shipment.warehouse_id,
                    "status": self._shipment_status(shipment),
                    "items": self._shipment_units(shipment),
                }
                for shipment in plan.shipments.values()
            ],
            "operations": [
                {
                    "operation_id": operation.operation_id,
                    "operation": operation.operation,
                    "status": operation.status,
                }
                for operation in self._operations.values()
                if operation.inbound_plan_id == plan.inbound_plan_id
            ],
        }

    # Helpers

    def _settings_of(self, seller_id: str) -> _SellerSettings:
        self._store.seller(seller_id)  # NotFound for an unknown seller
        return self._settings.setdefault(seller_id, _SellerSettings())

    @staticmethod
    def _plan_item(seller_id: str, line: dict[str, Any]) -> PlanItem:
        return PlanItem(
            msku=line["msku"],
            quantity=int(line["quantity"]),
            label_owner=line["labelOwner"],
            prep_owner=line["prepOwner"],
            fnsku=fnsku_for(seller_id, line["msku"]),
            asin=asin_for(seller_id, line["msku"]),
            expiration=line.get("expiration"),
            manufacturing_lot_code=line.get("manufacturingLotCode"),
        )

    def _unused_fba_id(self) -> str:
        while True:
            candidate = new_shipment_id()
            if self._store.find_shipment(candidate) is None:
                return candidate

    def _page(
        self,
        seller_id: str,
        scope: tuple[str, ...],
        keys: Callable[[], list[str]],
        page_size: int,
        token: str | None,
    ) -> Page:
        """A page of keys, snapshotted on the first page; a token belongs to one seller and
        one listing, and stays valid after use (to retry a page after a 429)."""
        if token:
            cursor = self._cursors.get(token)
            if cursor is None or cursor.seller_id != seller_id or cursor.scope != scope:
                raise InboundApiError(
                    400, "InvalidInput", "The pagination token is invalid or has expired."
                )
            snapshot, offset = cursor.keys, cursor.offset
        else:
            snapshot, offset = tuple(keys()), 0
        end = offset + page_size
        if end >= len(snapshot):
            return list(snapshot[offset:]), None
        next_token = new_next_token()
        self._cursors[next_token] = _PageCursor(seller_id, scope, snapshot, end)
        while len(self._cursors) > MAX_REMEMBERED_TOKENS:
            self._cursors.popitem(last=False)
        return list(snapshot[offset:end]), next_token


def _listing(name: str, documents: list[dict[str, Any]], token: str | None) -> dict[str, Any]:
    # Amazon answers an empty `pagination` object on the last page (#4219).
    return {name: documents, "pagination": {"nextToken": token} if token else {}}


def _accept(options: Sequence[PackingOption | PlacementOption], chosen: object) -> None:
    for option in options:
        option.status = ACCEPTED if option is chosen else EXPIRED


def _refuse_expired(status: str, kind: str, option_id: str) -> None:
    if status == EXPIRED:
        raise bad_request(f"{kind} {option_id} has expired; generate the options again.")


def _refuse_repeated_mskus(items: list[PlanItem]) -> None:
    counts = Counter(item.msku for item in items)
    repeated = sorted(msku for msku, count in counts.items() if count > 1)
    if repeated:
        raise bad_request(f"Each msku may appear once in items; repeated: {', '.join(repeated)}.")


def _refuse_amazon_owners_in_us(marketplace_id: str, items: list[PlanItem]) -> None:
    # The model: "`AMAZON` is not an accepted value in the US marketplace" (both owners).
    if marketplace_id != US_MARKETPLACE:
        return
    for item in items:
        if "AMAZON" in (item.label_owner, item.prep_owner):
            raise bad_request(
                f"AMAZON is not an accepted labelOwner or prepOwner in the US marketplace "
                f"(msku {item.msku})."
            )


def _label_prep_type(plan: InboundPlan, shipment: PlannedShipment) -> LabelPrepType:
    owners = {plan.item(msku).label_owner for msku in shipment.items}
    if len(owners) == 1:
        return _LABEL_PREP_TYPES.get(owners.pop(), "SELLER_LABEL")
    return "SELLER_LABEL"


def _box_contents_source(plan: InboundPlan) -> BoxContentsSource:
    for boxes in plan.packing_information.values():
        for box in boxes:
            return _BOX_CONTENTS_SOURCES[box["contentInformationSource"]]
    return "NONE"


def _units(units: dict[str, int] | Counter[str]) -> str:
    return ", ".join(f"{quantity} x {msku}" for msku, quantity in sorted(units.items())) or "none"
