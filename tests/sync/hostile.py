"""A hostile Amazon: a test-only HTTP front of the simulated Amazon that answers chosen
operations itself, as a broken or malicious server might: 25 MB of body (announced, or chunked
with no length), bytes trickled one at a time (the status line and headers, or the body), JSON
of any shape. Every other request goes through to the simulator unchanged.

The front counts the bytes it managed to send of each answer of its own (`sent`): what a client
that stops reading at its cap lets through.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

from tests.sync.proxy import operation_of


@dataclass(frozen=True)
class Request:
    operation: str
    method: str
    path: str  # with the query string
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes


@dataclass(frozen=True)
class Answer:
    """What the front sends instead of the simulator's answer."""

    chunks: Iterable[bytes]
    length: int | None  # the Content-Length announced; None: chunked transfer, no length
    status: int = 200
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "application/json"})
    drip_seconds: float = 0.0  # a pause before each byte...
    drip_head: bool = False  # ...of the status line and headers, else of the body

    @classmethod
    def of(cls, body: bytes, **options: Any) -> Answer:
        return cls(chunks=[body], length=len(body), **options)

    @classmethod
    def json(cls, document: Any, **options: Any) -> Answer:
        return cls.of(json.dumps(document).encode(), **options)


Reply = Callable[[Request], Answer | None]  # None: the simulator's answer after all


class HostileAmazon:
    def __init__(self, upstream: str) -> None:
        self._http = httpx.Client(base_url=upstream.rstrip("/"), timeout=30)
        self._lock = threading.Lock()
        self._replies: dict[str, Reply] = {}
        self.sent: dict[str, list[int]] = {}  # operation -> bytes sent of each answer of ours
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> HostileAmazon:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._http.close()

    def answer(self, operation: str, reply: Reply | None) -> None:
        """Answer `operation` with `reply` from now on (None: the simulator again)."""
        with self._lock:
            if reply is None:
                self._replies.pop(operation, None)
            else:
                self._replies[operation] = reply

    def upstream(self, request: Request) -> httpx.Response:
        """The simulator's answer to `request`."""
        kept = {
            k: v for k, v in request.headers.items() if k.lower() not in ("host", "content-length")
        }
        return self._http.request(request.method, request.path, headers=kept, content=request.body)

    def upstream_json(self, request: Request) -> Any:
        return self.upstream(request).json()

    def reply_for(self, operation: str) -> Reply | None:
        with self._lock:
            return self._replies.get(operation)

    def count_sent(self, operation: str, sent: int) -> None:
        with self._lock:
            self.sent.setdefault(operation, []).append(sent)


def endless(chunk: bytes, total: int) -> Iterator[bytes]:
    """`total` bytes of `chunk` repeated, made as they are sent."""
    left = total
    while left > 0:
        piece = chunk[:left]
        left -= len(piece)
        yield piece


def huge_page(list_key: str, record: dict[str, Any], total: int) -> tuple[Iterable[bytes], int]:
    """A page of `total` bytes (give or take a record) that is valid JSON: the same record over
    and over. Returns the chunks and their exact length."""
    head = f'{{"payload": {{"{list_key}": ['.encode()
    tail = b"]}}"
    one = json.dumps(record).encode() + b","
    count = max((total - len(head) - len(tail)) // len(one), 1)
    last = json.dumps(record).encode()
    repeated = one * 1000
    full, rest = divmod(count - 1, 1000)

    def chunks() -> Iterator[bytes]:
        yield head
        for _ in range(full):
            yield repeated
        yield one * rest
        yield last + tail

    length = len(head) + len(one) * (count - 1) + len(last) + len(tail)
    return chunks(), length


def _handler_for(front: HostileAmazon) -> type[BaseHTTPRequestHandler]:
    return type("Handler", (_Handler,), {"front": front})


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    front: HostileAmazon

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        parts = urlsplit(self.path)
        request = Request(
            operation=operation_of(parts.path),
            method=self.command,
            path=self.path,
            query=parse_qs(parts.query, keep_blank_values=True),
            headers=dict(self.headers.items()),
            body=self.rfile.read(length) if length else b"",
        )
        reply = self.front.reply_for(request.operation)
        answer = reply(request) if reply is not None else None
        if answer is None:
            self._forward(request)
            return
        self.close_connection = True
        sent = -1  # the client hung up before the answer was whole
        try:
            sent = self._send(answer)
        except (BrokenPipeError, ConnectionResetError):
            pass
        finally:
            self.front.count_sent(request.operation, sent)

    def _forward(self, request: Request) -> None:
        answer = self.front.upstream(request)
        content = answer.content
        self.send_response(answer.status_code)
        for name, value in answer.headers.items():
            if name.lower().startswith("x-amzn") or name.lower() == "content-type":
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        self.wfile.write(content)

    def _send(self, answer: Answer) -> int:
        chunked = answer.length is None
        lines = [f"HTTP/1.1 {answer.status} Hostile"]
        lines += [f"{name}: {value}" for name, value in answer.headers.items()]
        lines.append(
            "Transfer-Encoding: chunked" if chunked else f"Content-Length: {answer.length}"
        )
        lines.append("Connection: close")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode()
        head_drip, body_drip = (
            (answer.drip_seconds, 0.0) if answer.drip_head else (0.0, answer.drip_seconds)
        )
        self._write(head, head_drip)
        sent = 0
        for chunk in answer.chunks:
            framed = f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n" if chunked else chunk
            self._write(framed, body_drip)
            sent += len(chunk)
        if chunked:
            self._write(b"0\r\n\r\n", 0.0)
        return sent

    def _write(self, data: bytes, drip_seconds: float) -> None:
        if drip_seconds <= 0:
            self.wfile.write(data)
            return
        for position in range(len(data)):
            time.sleep(drip_seconds)
            self.wfile.write(data[position : position + 1])
            self.wfile.flush()
