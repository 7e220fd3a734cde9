"""The local stand-in for API Gateway: HTTP requests become API Gateway REST proxy events.

Locally, `Authorization: Bearer dev:<tenant_id>` becomes the Cognito authorizer claim
`custom:tenant_id`, exactly where the deployed authorizer puts it. Nothing else is trusted.
"""

import base64
import logging
import threading
import time
import uuid
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from infra.local.lambda_context import LocalLambdaContext

log = logging.getLogger(__name__)
Handler = Callable[[dict[str, Any], Any], dict[str, Any]]
DEV_TOKEN_PREFIX = "Bearer dev:"


def claims_from(authorization: str | None) -> dict[str, str] | None:
    if not authorization or not authorization.startswith(DEV_TOKEN_PREFIX):
        return None
    tenant_id = authorization[len(DEV_TOKEN_PREFIX) :].strip()
    if not tenant_id:
        return None
    return {"sub": f"dev-{tenant_id}", "custom:tenant_id": tenant_id}


def api_gateway_event(
    method: str, target: str, headers: dict[str, str], body: bytes
) -> dict[str, Any]:
    parts = urlsplit(target)
    query = parse_qs(parts.query, keep_blank_values=True)
    claims = claims_from(headers.get("Authorization") or headers.get("authorization"))
    try:
        text, is_base64 = body.decode("utf-8"), False
    except UnicodeDecodeError:
        text, is_base64 = base64.b64encode(body).decode(), True
    request_context: dict[str, Any] = {
        "requestId": str(uuid.uuid4()),
        "stage": "local",
        "httpMethod": method,
        "path": parts.path,
        "requestTimeEpoch": int(time.time() * 1000),
        "identity": {"sourceIp": "127.0.0.1"},
    }
    if claims is not None:
        request_context["authorizer"] = {"claims": claims}
    return {
        "resource": "/{proxy+}",
        "path": parts.path,
        "httpMethod": method,
        "headers": headers,
        "multiValueHeaders": {k: [v] for k, v in headers.items()},
        "queryStringParameters": {k: v[-1] for k, v in query.items()} or None,
        "multiValueQueryStringParameters": query or None,
        "pathParameters": {"proxy": parts.path.lstrip("/")},
        "requestContext": request_context,
        "body": text if body else None,
        "isBase64Encoded": is_base64,
    }


class ApiRequestHandler(BaseHTTPRequestHandler):
    """One request: an API Gateway event to `invoke`, its answer back over HTTP. `ApiFront`
    binds `invoke` in a subclass of its own."""

    protocol_version = "HTTP/1.1"
    invoke: Handler

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        event = api_gateway_event(self.command, self.path, dict(self.headers), body)
        response = self.invoke(event, LocalLambdaContext(function_name="api", timeout_seconds=29))
        try:
            self._reply(response)
        except (BrokenPipeError, ConnectionResetError):
            # The client stopped waiting (its timeout, a closed tab): the request was served,
            # only its answer has nowhere to go. Not the API's error, as behind API Gateway.
            log.warning(
                "%s %s: the client closed the connection before the answer (%s)",
                self.command,
                urlsplit(self.path).path,
                response.get("statusCode"),
            )
            self.close_connection = True

    def _reply(self, response: dict[str, Any]) -> None:
        raw = response.get("body") or ""
        payload = base64.b64decode(raw) if response.get("isBase64Encoded") else raw.encode()
        self.send_response(int(response.get("statusCode", 502)))
        headers = dict(response.get("headers") or {})
        for name, values in (response.get("multiValueHeaders") or {}).items():
            headers[name] = ",".join(values) if isinstance(values, list) else values
        for name, value in headers.items():
            if name.lower() not in ("content-length", "connection"):
                self.send_header(name, str(value))
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    def __getattr__(self, name: str) -> Any:
        """Every method goes to the API, as behind API Gateway: the resolver answers what it
        does not serve with 405 and an `Allow` header (http.server: 501)."""
        if name.startswith("do_"):
            return self._serve
        raise AttributeError(name)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the API handler logs every request itself


class ApiFront:
    """Serves the API handler on 127.0.0.1; one Lambda-like invocation per request."""

    def __init__(self, handler: Handler, port: int) -> None:
        bound = type("ApiRequestHandler", (ApiRequestHandler,), {"invoke": staticmethod(handler)})
        self._server = ThreadingHTTPServer(("127.0.0.1", port), bound)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}"

    def start(self) -> "ApiFront":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
