"""SimulatedAmazon: the HTTP server that wires LWA, the SP-API reads, the Notifications API and
the control API together, on http.server's ThreadingHTTPServer in a background thread."""

from __future__ import annotations

import contextlib
import logging
import socket
import threading
import time
from collections.abc import Callable
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, urlsplit

from .call_stats import CallStats
from .clock import SimulatedClock
from .consent import AuthorizationCodes, ConsentApi
from .control_api import ControlApi
from .faults import FaultInjector
from .grantless_gateway import GrantlessGateway
from .http_types import Request, Response, control_error, sp_api_error
from .inbound_api import InboundApi
from .inbound_plan_control import InboundPlanControl
from .inbound_plan_settings import DEFAULT_OPERATION_SECONDS
from .inbound_plans import InboundPlans
from .inbound_plans_api import INBOUND_PLAN_RATE_LIMITS, InboundPlansApi
from .inventory_api import InventoryApi
from .inventory_changes import FigureChanges
from .lwa import LwaTokenService
from .notifications import SIMULATED_APPLICATION_ID, InventoryNotifier, SqsClientFactory
from .notifications_api import NOTIFICATIONS_RATE_LIMITS, NOTIFICATIONS_SCOPE, NotificationsApi
from .paging import CursorRegistry
from .rate_header import NEVER, RateHeaderOn429
from .rate_limit import RateLimiter
from .routing import Router
from .sp_api_gateway import SpApiGateway, apply_fault_delay, fault_response
from .store import SimulatorStore
from .subscriptions import SubscriptionRegistry

log = logging.getLogger(__name__)

LOCALHOST = "127.0.0.1"
DEFAULT_PAGE_SIZE = 50


class SimulatedAmazon:
    """A local stand-in for Amazon's LWA, SP-API inbound/inventory reads and Notifications API.

    Use as a context manager, or call start() and stop(). `url` is known after start().
    `rate_header_on_429` is the probability that a 429 carries `x-amzn-RateLimit-Limit`
    (0.0, the default: bare 429s, as Amazon's often are; 1.0: always; see rate_header.py).
    `notifications_endpoint_url` is the SQS endpoint subscriptions' queues are resolved on;
    `application_id` is stamped on notifications. `real_time` is the monotonic clock access
    tokens and authorization codes expire on (tests may pass a fake one).
    `inbound_operation_seconds`: how long Fulfillment Inbound v2024-03-20 operations stay
    IN_PROGRESS on the simulated clock, unless the seller's setting says otherwise.
    """

    def __init__(
        self,
        port: int = 0,
        *,
        rate_scale: float = 1.0,
        page_size: int = DEFAULT_PAGE_SIZE,
        rate_header_on_429: float = NEVER,
        notifications_endpoint_url: str | None = None,
        sqs_client_factory: SqsClientFactory | None = None,
        start_time: datetime | None = None,
        application_id: str = SIMULATED_APPLICATION_ID,
        real_time: Callable[[], float] = time.monotonic,
        inbound_operation_seconds: float = DEFAULT_OPERATION_SECONDS,
    ) -> None:
        if page_size < 1:
            raise ValueError("page_size must be >= 1")
        self._requested_port = port
        self.clock = SimulatedClock(start_time)
        self.subscriptions = SubscriptionRegistry()
        self.store = SimulatorStore(self.clock, self.subscriptions)
        self.stats = CallStats()
        self.faults = FaultInjector()
        self.cursors = CursorRegistry()
        # One setting for every operation's 429s, the Notifications API's included.
        header_on_429 = RateHeaderOn429(rate_header_on_429)
        self.rate_limiter = RateLimiter(
            self.clock.monotonic, rate_scale, header_on_429=header_on_429
        )
        self.notifications_rate_limiter = RateLimiter(
            self.clock.monotonic, rate_scale, NOTIFICATIONS_RATE_LIMITS, header_on_429
        )
        self.codes = AuthorizationCodes(real_time)
        self.tokens = LwaTokenService(self.store, real_time, self.codes)
        self.notifier = InventoryNotifier(sqs_client_factory, self.subscriptions, application_id)
        self.notifier.configure(notifications_endpoint_url)
        self.inbound_plans_rate_limiter = RateLimiter(
            self.clock.monotonic, rate_scale, INBOUND_PLAN_RATE_LIMITS, header_on_429
        )
        self.inbound_plans = InboundPlans(
            self.store,
            self.clock,
            FigureChanges(self.store, self.notifier, self.clock),
            inbound_operation_seconds,
        )
        self.router = self._build_router(page_size)
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # Lifecycle

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("the simulator is not running; call start() first")
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        return f"http://{LOCALHOST}:{self.port}"

    def start(self) -> SimulatedAmazon:
        if self._server is not None:
            return self
        server = _SimulatorHttpServer((LOCALHOST, self._requested_port), _RequestHandler)
        server.simulator = self
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"simulated-amazon-{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        server, thread = self._server, self._thread
        if server is None:
            return
        server.shutdown()
        server.server_close()
        if thread is not None:
            thread.join(timeout=5)
        self._server = self._thread = None

    def serve_forever(self) -> None:
        """Run in the calling thread until interrupted (for the standalone command)."""
        self.start()
        assert self._thread is not None
        try:
            while self._thread.is_alive():
                self._thread.join(timeout=0.5)
        finally:
            self.stop()

    def __enter__(self) -> SimulatedAmazon:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    # Request handling

    def handle(self, request: Request) -> Response:
        try:
            # Inbound plan operations whose time has come complete before anything is read.
            self.inbound_plans.settle()
            return self.router.dispatch(request)
        except Exception:
            log.exception("simulator failed on %s %s", request.method, request.path)
            if request.path.startswith("/_sim"):
                return control_error(500, "the simulator failed; see its log")
            return sp_api_error(500, "InternalFailure", "The simulator failed; see its log.")

    def _build_router(self, page_size: int) -> Router:
        router = Router(not_found=_not_found, method_not_allowed=_method_not_allowed)
        router.add("POST", "/auth/o2/token", self._token_endpoint)
        gateway = SpApiGateway(self.store, self.tokens, self.rate_limiter, self.faults, self.stats)
        inbound = InboundApi(self.store, self.cursors, page_size)
        inventory = InventoryApi(self.store, self.cursors, page_size)
        sp_api_routes = [
            ("/fba/inbound/v0/shipments", "getShipments", inbound.get_shipments),
            (
                "/fba/inbound/v0/shipments/{shipment_id}/items",
                "getShipmentItemsByShipmentId",
                inbound.get_shipment_items_by_shipment_id,
            ),
            ("/fba/inbound/v0/shipmentItems", "getShipmentItems", inbound.get_shipment_items),
            (
                "/fba/inventory/v1/summaries",
                "getInventorySummaries",
                inventory.get_inventory_summaries,
            ),
        ]
        for template, operation, handler in sp_api_routes:
            router.add("GET", template, gateway.operation(operation, handler))
        limiter = self.notifications_rate_limiter

        def grantless(seller_grant_too: bool) -> GrantlessGateway:
            return GrantlessGateway(
                self.store,
                self.tokens,
                limiter,
                self.faults,
                self.stats,
                NOTIFICATIONS_SCOPE,
                seller_grant_too=seller_grant_too,
            )

        NotificationsApi(
            self.subscriptions,
            SpApiGateway(self.store, self.tokens, limiter, self.faults, self.stats),
            grantless(seller_grant_too=False),
            grantless(seller_grant_too=True),
        ).register(router)
        ConsentApi(self.store, self.codes).register(router)
        InboundPlansApi(self.inbound_plans).register(
            router,
            SpApiGateway(
                self.store, self.tokens, self.inbound_plans_rate_limiter, self.faults, self.stats
            ),
        )
        InboundPlanControl(self.inbound_plans).register(router)
        ControlApi(
            store=self.store,
            clock=self.clock,
            cursors=self.cursors,
            rate_limiter=self.rate_limiter,
            faults=self.faults,
            stats=self.stats,
            notifier=self.notifier,
            tokens=self.tokens,
            codes=self.codes,
            reset_hooks=[
                self.codes.clear,
                self.tokens.forget_revoked,
                self.subscriptions.clear,
                limiter.reset,
                self.notifier.clear_quirks,
                self.inbound_plans.clear,
                self.inbound_plans_rate_limiter.reset,
            ],
        ).register(router)
        return router

    def _token_endpoint(self, request: Request, _: dict[str, str]) -> Response:
        fault = self.faults.take("token")
        if fault is not None:
            apply_fault_delay(fault)
            self.stats.record("token", "faulted")
            return fault_response(fault, lwa_shape=True)
        self.stats.record("token", "served")
        return self.tokens.exchange(request)


def _not_found(request: Request) -> Response:
    if request.path.startswith("/_sim"):
        return control_error(404, f"no control route {request.method} {request.path}; see README")
    return sp_api_error(404, "NotFound", f"The simulator does not serve {request.path}")


def _method_not_allowed(request: Request) -> Response:
    message = f"{request.method} is not allowed on {request.path}"
    if request.path.startswith("/_sim"):
        return control_error(405, message)
    return sp_api_error(405, "MethodNotAllowed", message)


class _SimulatorHttpServer(ThreadingHTTPServer):
    simulator: SimulatedAmazon
    # Keep-alive connections hold handler threads; do not wait for them on shutdown.
    block_on_close = False
    daemon_threads = True

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler]) -> None:
        super().__init__(address, handler)
        self._open_connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._connections_lock:
            self._open_connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._connections_lock:
            self._open_connections.discard(request)
        super().shutdown_request(request)

    def server_close(self) -> None:
        super().server_close()
        # Without this, a client's kept-alive connection would still be served after stop().
        with self._connections_lock:
            connections = list(self._open_connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)


class _RequestHandler(BaseHTTPRequestHandler):
    server: _SimulatorHttpServer
    # HTTP/1.1 keeps connections alive between the sp_api client's calls, like Amazon.
    protocol_version = "HTTP/1.1"
    # Idle keep-alive connections end after this many seconds, freeing their threads.
    timeout = 30
    # Headers and body go out in separate writes; with Nagle on, the client's delayed ACK
    # adds ~40 ms to every call on a kept-alive connection.
    disable_nagle_algorithm = True

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def do_PUT(self) -> None:
        self._serve()

    def do_DELETE(self) -> None:
        self._serve()

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s - %s", self.address_string(), format % args)

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        # The Host header is ignored: sp_api sends a mangled one (endpoint[8:]).
        parts = urlsplit(self.path)
        request = Request(
            method=self.command,
            path=parts.path,
            query=parse_qs(parts.query, keep_blank_values=True),
            headers={name.lower(): value for name, value in self.headers.items()},
            body=body,
        )
        response = self.server.simulator.handle(request)
        self.send_response(response.status)
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        self.wfile.write(response.body)
