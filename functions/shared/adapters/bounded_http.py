"""An httpx client whose every exchange is bounded, in time and in bytes.

httpx's timeouts are per operation: a server that sends one byte a second never trips a read
timeout, and nothing caps how much it sends. Here:

- a wall-clock deadline (`deadline(seconds)`, set around a call) covers the whole exchange, and
  every exchange made inside it: connect, TLS, the request, the answer's headers and its body.
  httpcore's public network-backend interface is where each socket operation gets its timeout:
  ours caps that timeout at the time left, and refuses to start one past the deadline (httpx's
  `TimeoutException` then, like any other timeout);
- the answer's body is capped (`AnswerRefused` past `max_bytes`, before reading it if its
  Content-Length says so): at most `max_bytes` (and one network read) are ever held;
- answers come unencoded (`Accept-Encoding: identity`), so that the cap holds for what is
  parsed: a compressed answer could expand a thousandfold past it. An encoded answer anyway
  (unasked for) is refused.

Plain httpx and httpcore objects, no patching: `bounded_client` is an `httpx.Client` over our
transport, which is httpcore's connection pool over our network backend.
"""

import ssl
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import httpcore
import httpx

# When the current call must be over (time.monotonic()); None: no deadline set.
_deadline: ContextVar[float | None] = ContextVar("bounded_http_deadline", default=None)
# httpx's own pool defaults (httpcore keeps idle connections forever otherwise).
MAX_CONNECTIONS = 100
MAX_KEEPALIVE_CONNECTIONS = 20
KEEPALIVE_EXPIRY_SECONDS = 5.0
UNENCODED = ("", "identity")


class AnswerRefused(Exception):
    """The server's answer exceeds what we read: larger than the cap, or encoded unasked."""


@contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Every exchange of the bounded clients inside the block ends within `seconds` of now."""
    token = _deadline.set(time.monotonic() + seconds)
    try:
        yield
    finally:
        _deadline.reset(token)


def bounded_client(
    *, ssl_context: ssl.SSLContext | None, timeout_seconds: float, max_bytes: int
) -> httpx.Client:
    """An httpx client whose answers are capped at `max_bytes`; `timeout_seconds` per
    operation, and within any `deadline` set around the calls."""
    # trust_env=False: no proxy from the environment, whose transport would not be ours.
    return httpx.Client(
        transport=BoundedTransport(ssl_context, max_bytes),
        timeout=timeout_seconds,
        trust_env=False,
    )


def _budget(timeout: float | None, expired: type[httpcore.TimeoutException]) -> float | None:
    """The operation's timeout, capped at the time left before the deadline."""
    end = _deadline.get()
    if end is None:
        return timeout
    left = end - time.monotonic()
    if left <= 0:
        raise expired("the call's deadline has passed")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _budget(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _budget(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        budget = _budget(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(self._inner.start_tls(ssl_context, server_hostname, budget))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _DeadlineBackend(httpcore.NetworkBackend):
    """httpcore's own synchronous backend, each operation's timeout capped by the deadline."""

    def __init__(self) -> None:
        self._inner = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        budget = _budget(timeout, httpcore.ConnectTimeout)
        stream = self._inner.connect_tcp(host, port, budget, local_address, socket_options)
        return _DeadlineStream(stream)

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        budget = _budget(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(self._inner.connect_unix_socket(path, budget, socket_options))

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


class BoundedTransport(httpx.BaseTransport):
    """httpcore's connection pool over the deadline backend, answers capped at `max_bytes`."""

    def __init__(self, ssl_context: ssl.SSLContext | None, max_bytes: int) -> None:
        self._max_bytes = max_bytes
        self._pool = httpcore.ConnectionPool(
            ssl_context=ssl_context,
            max_connections=MAX_CONNECTIONS,
            max_keepalive_connections=MAX_KEEPALIVE_CONNECTIONS,
            keepalive_expiry=KEEPALIVE_EXPIRY_SECONDS,
            network_backend=_DeadlineBackend(),
        )

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        assert isinstance(request.stream, httpx.SyncByteStream)
        request.headers["Accept-Encoding"] = "identity"
        sent = httpcore.Request(
            method=request.method,
            url=httpcore.URL(
                scheme=request.url.raw_scheme,
                host=request.url.raw_host,
                port=request.url.port,
                target=request.url.raw_path,
            ),
            headers=request.headers.raw,
            content=request.stream,
            extensions=request.extensions,
        )
        with _as_httpx_errors():
            answer = self._pool.handle_request(sent)
        assert isinstance(answer.stream, Iterable)
        headers = httpx.Headers(answer.headers)
        try:
            self._check_headers(headers)
        except AnswerRefused:
            answer.close()  # unread: the connection is dropped, not reused
            raise
        return httpx.Response(
            status_code=answer.status,
            headers=headers,
            stream=_CappedBody(answer.stream, self._max_bytes),
            extensions=answer.extensions,
        )

    def close(self) -> None:
        self._pool.close()

    def _check_headers(self, headers: httpx.Headers) -> None:
        encoding = headers.get("Content-Encoding", "").strip().lower()
        if encoding not in UNENCODED:
            raise AnswerRefused(f"answer encoded ({encoding}) although asked unencoded")
        declared = headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > self._max_bytes:
            raise AnswerRefused(f"answer larger than {self._max_bytes} bytes")


class _CappedBody(httpx.SyncByteStream):
    def __init__(self, stream: Iterable[bytes], max_bytes: int) -> None:
        self._stream = stream
        self._max_bytes = max_bytes

    def __iter__(self) -> Iterator[bytes]:
        read = 0
        with _as_httpx_errors():
            for chunk in self._stream:
                read += len(chunk)
                if read > self._max_bytes:
                    raise AnswerRefused(f"answer larger than {self._max_bytes} bytes")
                yield chunk

    def close(self) -> None:
        close = getattr(self._stream, "close", None)
        if close is not None:
            close()


@contextmanager
def _as_httpx_errors() -> Iterator[None]:
    """httpcore's exceptions as httpx's of the same name, as httpx's own transport raises them
    (callers of an httpx client expect those)."""
    try:
        yield
    except (
        httpcore.TimeoutException,
        httpcore.NetworkError,
        httpcore.ProtocolError,
        httpcore.UnsupportedProtocol,
        httpcore.ProxyError,
    ) as error:
        same: Any = getattr(httpx, type(error).__name__, None)
        kind = same if isinstance(same, type) and issubclass(same, httpx.TransportError) else None
        raise (kind or httpx.TransportError)(str(error)) from error
