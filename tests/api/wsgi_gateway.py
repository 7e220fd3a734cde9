"""A WSGI stand-in for API Gateway, so schemathesis can drive the real handler in-process.

Each WSGI request becomes an API Gateway REST proxy event; `Authorization: Bearer dev:<tenant>`
becomes the Cognito claims, as the local runtime does. No socket is opened.
"""

import base64
import uuid
from collections.abc import Callable, Iterable
from http import HTTPStatus
from typing import Any, cast
from urllib.parse import parse_qs

from functions.api.handler import handle
from functions.api.wiring import Services
from infra.local.lambda_context import LocalLambdaContext

DEV_TOKEN = "Bearer dev:"
StartResponse = Callable[[str, list[tuple[str, str]]], Any]


def bearer(tenant: str) -> dict[str, str]:
    return {"Authorization": f"{DEV_TOKEN}{tenant}"}


class GatewayWsgi:
    def __init__(self) -> None:
        self.services: Services | None = None

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        # Before the fixture sets the services, only the (public) document is ever fetched.
        services = cast(Services, self.services)
        response = handle(self._event(environ), LocalLambdaContext(function_name="api"), services)
        status = int(response["statusCode"])
        headers = dict(response.get("headers") or {})
        for name, values in (response.get("multiValueHeaders") or {}).items():
            headers[name] = ",".join(values)
        raw = response.get("body") or ""
        body = base64.b64decode(raw) if response.get("isBase64Encoded") else raw.encode()
        start_response(f"{status} {HTTPStatus(status).phrase}", list(headers.items()))
        return [body]

    def _event(self, environ: dict[str, Any]) -> dict[str, Any]:
        headers = {
            key[5:].replace("_", "-").title(): str(value)
            for key, value in environ.items()
            if key.startswith("HTTP_")
        }
        if environ.get("CONTENT_TYPE"):
            headers["Content-Type"] = environ["CONTENT_TYPE"]
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        try:
            text, is_base64 = body.decode("utf-8"), False
        except UnicodeDecodeError:
            text, is_base64 = base64.b64encode(body).decode(), True
        query = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
        method, path = environ["REQUEST_METHOD"], environ.get("PATH_INFO") or "/"
        context: dict[str, Any] = {"requestId": str(uuid.uuid4()), "stage": "test", "path": path}
        authorization = headers.get("Authorization", "")
        if authorization.startswith(DEV_TOKEN):
            tenant = authorization[len(DEV_TOKEN) :]
            context["authorizer"] = {"claims": {"sub": "fuzzer", "custom:tenant_id": tenant}}
        return {
            "resource": "/{proxy+}",
            "path": path,
            "httpMethod": method,
            "headers": headers,
            "multiValueHeaders": {k: [v] for k, v in headers.items()},
            "queryStringParameters": {k: v[-1] for k, v in query.items()} or None,
            "multiValueQueryStringParameters": query or None,
            "pathParameters": None,
            "requestContext": context,
            "body": text if body else None,
            "isBase64Encoded": is_base64,
        }
