"""A test-only HTTP proxy in front of the simulated Amazon: it fails chosen calls (429/500/503
with a JSON, HTML or empty body, as Amazon and its proxies do) and can rewrite the JSON of an
answer, e.g. to send a record Amazon might one day send malformed. It also logs every request.
"""

from __future__ import annotations

import json
import threading
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

Rewrite = Callable[[dict[str, Any]], dict[str, Any]]


def operation_of(path: str) -> str:
    if path == "/auth/o2/token":
        return "token"
    if path == "/fba/inbound/v0/shipments":
        return "getShipments"
    if path.startswith("/fba/inbound/v0/shipments/") and path.endswith("/items"):
        return "getShipmentItemsByShipmentId"
    if path == "/fba/inbound/v0/shipmentItems":
        return "getShipmentItems"
    if path == "/fba/inventory/v1/summaries":
        return "getInventorySummaries"
    return "other"


@dataclass(frozen=True)
class Fault:
    status: int
    body: str  # "json" | "html" | "empty"

    def render(self) -> tuple[bytes, str]:
        if self.body == "empty":
            return b"", "application/json"
        if self.body == "html":
            return f"<html><body><h1>{self.status}</h1></body></html>".encode(), "text/html"
        code = "QuotaExceeded" if self.status == 429 else "InternalFailure"
        return json.dumps({"errors": [{"code": code, "message": "injected"}]}).encode(), (
            "application/json"
        )


@dataclass(frozen=True)
class LoggedRequest:
    operation: str
    query: dict[str, list[str]]
    status: int


class FaultyProxy:
    def __init__(self, upstream: str) -> None:
        self.upstream = upstream.rstrip("/")
        self._lock = threading.Lock()
        self._counts: defaultdict[str, int] = defaultdict(int)
        self._faults: dict[tuple[str, int], Fault] = {}
        self._rewrites: dict[str, Rewrite] = {}
        self.log: list[LoggedRequest] = []
        self._http = httpx.Client(base_url=self.upstream, timeout=30)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> FaultyProxy:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._http.close()

    def fail(self, operation: str, calls: range | list[int], status: int, body: str) -> None:
        """Fail the n-th calls (1-based, counted from now on) of `operation`."""
        with self._lock:
            base = self._counts[operation]
            for n in calls:
                self._faults[(operation, base + n)] = Fault(status, body)

    def rewrite(self, operation: str, rewrite: Rewrite | None) -> None:
        with self._lock:
            if rewrite is None:
                self._rewrites.pop(operation, None)
            else:
                self._rewrites[operation] = rewrite

    def calls(self, operation: str) -> list[LoggedRequest]:
        with self._lock:
            return [entry for entry in self.log if entry.operation == operation]

    def handle(
        self, method: str, path_and_query: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        parts = urlsplit(path_and_query)
        operation = operation_of(parts.path)
        with self._lock:
            self._counts[operation] += 1
            fault = self._faults.pop((operation, self._counts[operation]), None)
            rewrite = self._rewrites.get(operation)
        query = parse_qs(parts.query, keep_blank_values=True)
        if fault is not None:
            content, content_type = fault.render()
            self._record(operation, query, fault.status)
            return fault.status, {"Content-Type": content_type}, content
        forwarded = {
            k: v for k, v in headers.items() if k.lower() not in ("host", "content-length")
        }
        answer = self._http.request(method, path_and_query, headers=forwarded, content=body)
        content = answer.content
        if rewrite is not None and answer.status_code == 200:
            content = json.dumps(rewrite(answer.json())).encode()
        self._record(operation, query, answer.status_code)
        kept = {
            k: v
            for k, v in answer.headers.items()
            if k.lower().startswith("x-amzn") or k.lower() == "content-type"
        }
        return answer.status_code, kept, content

    def _record(self, operation: str, query: dict[str, list[str]], status: int) -> None:
        with self._lock:
            self.log.append(LoggedRequest(operation, query, status))


def _handler_for(proxy: FaultyProxy) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            self._serve()

        def do_POST(self) -> None:
            self._serve()

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            status, headers, content = proxy.handle(
                self.command, self.path, dict(self.headers.items()), body
            )
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            self.wfile.write(content)

    return Handler
