"""Minimal API Gateway REST proxy events, and a client that sends them to the real handler."""

import json
import uuid
from dataclasses import dataclass, field
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver

from functions.api.handler import app, handle
from functions.api.wiring import Services
from infra.local.lambda_context import LocalLambdaContext


def rest_event(
    method: str,
    path: str,
    *,
    tenant: str | None,
    body: Any = None,
    raw_body: str | None = None,
    query: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    """What API Gateway sends for one request, with the Cognito claims when `tenant` is set."""
    text = raw_body if raw_body is not None else (None if body is None else json.dumps(body))
    all_headers = {"Content-Type": "application/json"} if text is not None else {}
    all_headers.update(headers or {})
    request_context: dict[str, Any] = {
        "requestId": str(uuid.uuid4()),
        "httpMethod": method,
        "stage": "test",
        "path": path,
    }
    if tenant is not None:
        claims = {"sub": f"user-of-{tenant}", "custom:tenant_id": tenant}
        request_context["authorizer"] = {"claims": claims}
    return {
        "resource": "/{proxy+}",
        "path": path,
        "httpMethod": method,
        "headers": all_headers,
        "multiValueHeaders": {k: [v] for k, v in all_headers.items()},
        "queryStringParameters": query or None,
        "multiValueQueryStringParameters": {k: [v] for k, v in (query or {}).items()} or None,
        "pathParameters": None,
        "requestContext": request_context,
        "body": text,
        "isBase64Encoded": False,
    }


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    text: str

    @property
    def json(self) -> Any:
        return json.loads(self.text)


@dataclass
class ApiClient:
    services: Services
    tenant: str | None = field(default_factory=lambda: f"tenant-{uuid.uuid4().hex[:10]}")
    resolver: APIGatewayRestResolver = app  # another: a fresh app, as at a cold start

    def as_tenant(self, tenant: str | None) -> "ApiClient":
        return ApiClient(self.services, tenant, self.resolver)

    def send(self, event: dict[str, Any]) -> Reply:
        context = LocalLambdaContext(function_name="api")
        response = handle(event, context, self.services, self.resolver)
        headers = {k: str(v) for k, v in (response.get("headers") or {}).items()}
        for name, values in (response.get("multiValueHeaders") or {}).items():
            headers[name] = ",".join(values)
        return Reply(response["statusCode"], headers, response.get("body") or "")

    def request(self, method: str, path: str, **kwargs: Any) -> Reply:
        return self.send(rest_event(method, path, tenant=self.tenant, **kwargs))

    def get(self, path: str, **query: str) -> Reply:
        return self.request("GET", path, query=query or None)

    def post(self, path: str, body: Any = None, key: str | None = None) -> Reply:
        headers = {"Idempotency-Key": key} if key else None
        return self.request("POST", path, body=body, headers=headers)
