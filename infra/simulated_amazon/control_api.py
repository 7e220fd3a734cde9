"""The control API under `/_sim/`: how tests, demos and scripts play Amazon's part (create
sellers and shipments, receive units, change statuses, revoke or grant authorizations, inject
faults, move the clock).

Routes and bodies are a stable contract documented in README.md.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from .call_stats import CallStats
from .clock import SimulatedClock, format_timestamp
from .consent import AuthorizationCodes
from .control_schema import (
    AdvanceClockRequest,
    BulkCreateShipmentsRequest,
    CreateSellerRequest,
    CreateShipmentRequest,
    DeliveryQuirksRequest,
    FaultRequest,
    IssueRefreshTokenRequest,
    NotificationEndpointRequest,
    ReceiveRequest,
    SetItemsRequest,
    SetStatusRequest,
)
from .errors import SimulatorError
from .faults import FaultInjector
from .http_types import Request, Response, control_error
from .inventory_changes import (
    FigureChanges,
    InventoryAdjustmentRequest,
    Watch,
    adjust_inventory,
)
from .lwa import LwaTokenService
from .models import Shipment
from .notifications import InventoryNotifier
from .paging import CursorRegistry
from .rate_limit import RateLimiter
from .routing import RouteHandler, Router
from .store import SimulatorStore

Body = TypeVar("Body", bound=BaseModel)


class BadControlInput(Exception):
    pass


def parse_body(request: Request, model: type[Body]) -> Body:
    try:
        document = request.json()
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise BadControlInput(f"the body is not valid JSON: {error}") from None
    try:
        return model.model_validate(document)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in issue['loc']) or 'body'}: {issue['msg']}"
            for issue in error.errors()
        )
        raise BadControlInput(f"invalid {model.__name__}: {problems}") from None


def shipment_view(shipment: Shipment) -> dict[str, Any]:
    """A shipment as the control API shows it, with the timestamps Amazon keeps hidden."""
    return {
        "shipment_id": shipment.shipment_id,
        "seller_id": shipment.seller_id,
        "marketplace_id": shipment.marketplace_id,
        "name": shipment.name,
        "destination_fc": shipment.destination_fc,
        "status": shipment.status,
        "created_at": format_timestamp(shipment.created_at),
        "last_updated_at": format_timestamp(shipment.last_updated_at),
        "items": [
            {
                "sku": item.sku,
                "fnsku": item.fnsku,
                "quantity_shipped": item.quantity_shipped,
                "quantity_received": item.quantity_received,
                "last_updated_at": format_timestamp(item.last_updated_at),
            }
            for item in shipment.items.values()
        ],
    }


class ControlApi:
    def __init__(
        self,
        *,
        store: SimulatorStore,
        clock: SimulatedClock,
        cursors: CursorRegistry,
        rate_limiter: RateLimiter,
        faults: FaultInjector,
        stats: CallStats,
        notifier: InventoryNotifier,
        tokens: LwaTokenService,
        codes: AuthorizationCodes,
        reset_hooks: Sequence[Callable[[], None]] = (),
    ) -> None:
        self._store = store
        self._clock = clock
        self._cursors = cursors
        self._rate_limiter = rate_limiter
        self._faults = faults
        self._stats = stats
        self._notifier = notifier
        self._tokens = tokens
        self._codes = codes
        self._reset_hooks = list(reset_hooks)
        self._changes = FigureChanges(store, notifier, clock)

    def register(self, router: Router) -> None:
        routes: list[tuple[str, str, Callable[[Request, dict[str, str]], Response]]] = [
            ("POST", "/_sim/sellers", self.create_seller),
            ("GET", "/_sim/sellers/{seller_id}", self.get_seller),
            ("POST", "/_sim/sellers/{seller_id}/revoke", self.revoke),
            ("POST", "/_sim/sellers/{seller_id}/tokens", self.issue_refresh_token),
            ("POST", "/_sim/sellers/{seller_id}/shipments", self.create_shipment),
            ("POST", "/_sim/sellers/{seller_id}/shipments/bulk", self.bulk_create_shipments),
            ("POST", "/_sim/sellers/{seller_id}/inventory-adjustments", self.adjust_inventory),
            ("GET", "/_sim/shipments/{shipment_id}", self.get_shipment),
            ("POST", "/_sim/shipments/{shipment_id}/status", self.set_status),
            ("PUT", "/_sim/shipments/{shipment_id}/items", self.set_items),
            ("POST", "/_sim/shipments/{shipment_id}/receive", self.receive),
            ("POST", "/_sim/shipments/{shipment_id}/close", self.close),
            ("POST", "/_sim/shipments/{shipment_id}/cancel", self.cancel),
            ("POST", "/_sim/faults", self.add_fault),
            ("GET", "/_sim/faults", self.list_faults),
            ("DELETE", "/_sim/faults", self.clear_faults),
            ("GET", "/_sim/calls", self.get_calls),
            ("DELETE", "/_sim/calls", self.reset_calls),
            ("GET", "/_sim/clock", self.get_clock),
            ("POST", "/_sim/clock", self.advance_clock),
            ("POST", "/_sim/reset", self.reset),
            ("GET", "/_sim/notifications", self.get_notifications),
            ("POST", "/_sim/notifications", self.configure_notifications),
            ("GET", "/_sim/notifications/quirks", self.get_quirks),
            ("PUT", "/_sim/notifications/quirks", self.set_quirks),
            ("DELETE", "/_sim/notifications/quirks", self.clear_quirks),
        ]
        for method, template, handler in routes:
            router.add(method, template, _answering_errors(handler))
        # Reports API for sales (orders and returns reports) and its control routes.
        from .reports_api import register_reports

        self._reset_hooks.extend(
            register_reports(
                router,
                store=self._store,
                clock=self._clock,
                tokens=self._tokens,
                faults=self._faults,
                stats=self._stats,
                rate_limiter=self._rate_limiter,
            )
        )

    # Sellers and shipments

    def create_seller(self, request: Request, _: dict[str, str]) -> Response:
        seller = self._store.create_seller(parse_body(request, CreateSellerRequest))
        return Response.json(201, seller.model_dump())

    def get_seller(self, _: Request, params: dict[str, str]) -> Response:
        seller = self._store.seller(params["seller_id"])
        shipment_ids = [s.shipment_id for s in self._store.shipments_of(seller.seller_id)]
        refresh_tokens = self._store.refresh_tokens_of(seller.seller_id)
        return Response.json(
            200,
            {**seller.model_dump(), "refresh_tokens": refresh_tokens, "shipment_ids": shipment_ids},
        )

    def revoke(self, _: Request, params: dict[str, str]) -> Response:
        """The seller withdraws the app's authorization in Seller Central."""
        seller_id = params["seller_id"]
        revoked = self._store.revoke_refresh_tokens(seller_id)
        self._tokens.revoke(revoked)
        self._codes.forget_seller(seller_id)
        return Response.json(200, {"seller_id": seller_id, "revoked_refresh_tokens": len(revoked)})

    def issue_refresh_token(self, request: Request, params: dict[str, str]) -> Response:
        """The seller authorizes the app (again): one more working refresh token."""
        parse_body(request, IssueRefreshTokenRequest)
        return Response.json(
            201, {"refresh_token": self._store.issue_refresh_token(params["seller_id"])}
        )

    def create_shipment(self, request: Request, params: dict[str, str]) -> Response:
        body = parse_body(request, CreateShipmentRequest)
        seller_id = params["seller_id"]
        shipment_id, _ = self._changes.apply(
            lambda: Watch(seller_id, [item.sku for item in body.items]),
            lambda: self._store.create_shipment(seller_id, body),
            lambda shipment: shipment.shipment_id,
        )
        return Response.json(201, {"shipment_id": shipment_id})

    def bulk_create_shipments(self, request: Request, params: dict[str, str]) -> Response:
        body = parse_body(request, BulkCreateShipmentsRequest)
        # A benchmark tool: up to millions of lines, so no notifications (Amazon would send
        # one per SKU).
        shipment_ids = self._store.bulk_create_shipments(params["seller_id"], body)
        return Response.json(201, {"shipment_ids": shipment_ids})

    def adjust_inventory(self, request: Request, params: dict[str, str]) -> Response:
        """Amazon books lost, damaged or found units (`inventory_changes.adjust_inventory`)."""
        body = parse_body(request, InventoryAdjustmentRequest)
        view, sent = adjust_inventory(self._store, self._changes, params["seller_id"], body)
        return Response.json(200, {**view, "notifications_sent": sent})

    def get_shipment(self, _: Request, params: dict[str, str]) -> Response:
        with self._store.locked():
            return Response.json(200, shipment_view(self._store.shipment(params["shipment_id"])))

    def set_status(self, request: Request, params: dict[str, str]) -> Response:
        body = parse_body(request, SetStatusRequest)
        shipment_id = params["shipment_id"]
        return self._shipment_change(
            shipment_id, lambda: self._store.set_status(shipment_id, body.status)
        )

    def set_items(self, request: Request, params: dict[str, str]) -> Response:
        body = parse_body(request, SetItemsRequest)
        shipment_id = params["shipment_id"]
        return self._shipment_change(
            shipment_id,
            lambda: self._store.set_items(shipment_id, body.items),
            [line.sku for line in body.items],
        )

    def receive(self, request: Request, params: dict[str, str]) -> Response:
        body = parse_body(request, ReceiveRequest)
        shipment_id = params["shipment_id"]
        return self._shipment_change(
            shipment_id,
            lambda: self._store.receive(shipment_id, body.items),
            [line.sku for line in body.items],
            report_sent=True,
        )

    def close(self, _: Request, params: dict[str, str]) -> Response:
        shipment_id = params["shipment_id"]
        return self._shipment_change(shipment_id, lambda: self._store.close(shipment_id))

    def cancel(self, _: Request, params: dict[str, str]) -> Response:
        shipment_id = params["shipment_id"]
        return self._shipment_change(shipment_id, lambda: self._store.cancel(shipment_id))

    def _shipment_change(
        self,
        shipment_id: str,
        change: Callable[[], Shipment],
        more_skus: list[str] | None = None,
        *,
        report_sent: bool = False,
    ) -> Response:
        """Apply a change to one shipment, notifying the SKUs whose figures it moved: the
        shipment's SKUs and `more_skus` (new on the plan, or received)."""

        def watch() -> Watch:
            shipment = self._store.shipment(shipment_id)
            skus = list(dict.fromkeys([*shipment.items, *(more_skus or [])]))
            return Watch(shipment.seller_id, skus, zero_in=shipment.marketplace_id)

        view, sent = self._changes.apply(watch, change, shipment_view)
        if report_sent:
            view["notifications_sent"] = sent
        return Response.json(200, view)

    # Faults, counters, clock

    def add_fault(self, request: Request, _: dict[str, str]) -> Response:
        self._faults.add(parse_body(request, FaultRequest))
        return Response.json(201, {"pending": self._faults.pending()})

    def list_faults(self, _: Request, __: dict[str, str]) -> Response:
        return Response.json(200, {"pending": self._faults.pending()})

    def clear_faults(self, _: Request, __: dict[str, str]) -> Response:
        self._faults.clear()
        return Response.json(200, {"pending": []})

    def get_calls(self, _: Request, __: dict[str, str]) -> Response:
        return Response.json(200, self._stats.snapshot())

    def reset_calls(self, _: Request, __: dict[str, str]) -> Response:
        self._stats.reset()
        return Response.json(200, {})

    def get_clock(self, _: Request, __: dict[str, str]) -> Response:
        return Response.json(200, {"now": format_timestamp(self._clock.now())})

    def advance_clock(self, request: Request, _: dict[str, str]) -> Response:
        body = parse_body(request, AdvanceClockRequest)
        return Response.json(
            200, {"now": format_timestamp(self._clock.advance(body.advance_seconds))}
        )

    def reset(self, _: Request, __: dict[str, str]) -> Response:
        # The clock and the SQS endpoint stay: time never runs backwards, and the endpoint
        # is configuration rather than state. Authorization codes, revocations,
        # destinations, subscriptions and delivery quirks go (the reset hooks).
        self._store.reset()
        self._cursors.clear()
        self._rate_limiter.reset()
        self._faults.clear()
        self._stats.reset()
        for hook in self._reset_hooks:
            hook()
        return Response.json(200, {"reset": True, "now": format_timestamp(self._clock.now())})

    # Notifications

    def get_notifications(self, _: Request, __: dict[str, str]) -> Response:
        return Response.json(200, self._notifier.status())

    def configure_notifications(self, request: Request, _: dict[str, str]) -> Response:
        body = parse_body(request, NotificationEndpointRequest)
        self._notifier.configure(body.endpoint_url)
        return Response.json(200, self._notifier.status())

    def get_quirks(self, _: Request, __: dict[str, str]) -> Response:
        return Response.json(200, self._notifier.quirks_status())

    def set_quirks(self, request: Request, _: dict[str, str]) -> Response:
        released = self._notifier.set_quirks(parse_body(request, DeliveryQuirksRequest))
        return Response.json(200, {**self._notifier.quirks_status(), "released": released})

    def clear_quirks(self, _: Request, __: dict[str, str]) -> Response:
        released = self._notifier.set_quirks(None)
        return Response.json(200, {**self._notifier.quirks_status(), "released": released})


def _answering_errors(handler: RouteHandler) -> RouteHandler:
    """Turn expected problems into `{"error": ...}` answers with the right status."""

    def handle(request: Request, params: dict[str, str]) -> Response:
        try:
            return handler(request, params)
        except BadControlInput as problem:
            return control_error(400, str(problem))
        except SimulatorError as problem:
            return control_error(problem.http_status, problem.message)
        except ValueError as problem:  # e.g. the clock refusing to go back
            return control_error(400, str(problem))

    return handle
