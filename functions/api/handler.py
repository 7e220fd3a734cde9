"""The API function: authenticate, then delegate to the REST resolver.

`lambda_handler` serves with the adapters of the composition root (`wiring.default_services`,
built once per cold start); tests call `handle` with their own `Services`. Requests without a
tenant claim are refused (401) before routing, so nothing about the API's routes or validation
leaks to anonymous callers; bodies that are not JSON are refused (415) before parsing. The router
of the requested resource is included on its first request (see `functions.api.app`).
"""

import base64
import binascii
import json
import re
import threading
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any
from urllib.parse import unquote

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayRestResolver
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.api.app import build_app, include_routers
from functions.api.auth import caller_of, is_public
from functions.api.dependencies import CALLER, LAMBDA_CONTEXT, SERVICES
from functions.api.errors import error_body
from functions.api.wiring import Services, default_services
from functions.shared.invocation_log import log_invocation

logger = Logger(service="api")
app = build_app()
# Lambda runs one request at a time per instance; the resolver's request state is global, so
# callers that share one process across threads (the local runtime) take turns.
_one_at_a_time = threading.Lock()
JSON_TYPES = ("application/json", "application/problem+json")
# What the resolver's path parameters may hold (Powertools' safe and unsafe URI characters).
ROUTABLE = re.compile(r"[\w\-._~()'!*:@,;=+&$%<> \[\]{}|^]*")


@log_invocation(logger, correlation_id_path=correlation_paths.API_GATEWAY_REST)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return handle(event, context, default_services())


def handle(
    event: Mapping[str, Any],
    context: Any,
    services: Services,
    resolver: APIGatewayRestResolver = app,  # tests may serve with a fresh one (a cold start)
) -> dict[str, Any]:
    caller = caller_of(event)
    if caller is None and not is_public(event):
        return _refusal(HTTPStatus.UNAUTHORIZED, "unauthorized", "no tenant in the credentials")
    if not _json_or_empty(event):
        return _refusal(
            HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "send the body as application/json",
        )
    if not _text_body(event):
        return _refusal(HTTPStatus.BAD_REQUEST, "malformed_json", "the body is not UTF-8 JSON")
    path = decoded_path(str(event.get("path") or ""))
    with _one_at_a_time:
        include_routers(resolver, path)
        resolver.context.update({CALLER: caller, SERVICES: services, LAMBDA_CONTEXT: context})
        return resolver.resolve({**event, "path": path}, context)


def decoded_path(path: str) -> str:
    """API Gateway passes the path on percent-encoded, and the resolver matches it as it is: each
    segment is decoded, as API Gateway decodes path parameters. A segment whose decoded form no
    route could match (a `/`, `#`, `?`...) stays encoded, so its parameter's validation names it
    (400) instead of the route missing (404)."""
    return "/".join(_decoded(segment) for segment in path.split("/"))


def _decoded(segment: str) -> str:
    decoded = unquote(segment)
    return decoded if ROUTABLE.fullmatch(decoded) else segment


def _json_or_empty(event: Mapping[str, Any]) -> bool:
    if not event.get("body"):
        return True
    headers = event.get("headers") or {}
    content_type = next(
        (str(v) for k, v in headers.items() if str(k).lower() == "content-type"), ""
    )
    media_type = content_type.split(";", 1)[0].strip().lower()
    return media_type in ("", *JSON_TYPES)


def _text_body(event: Mapping[str, Any]) -> bool:
    """API Gateway base64-encodes bodies it deems binary; JSON must decode to UTF-8 text."""
    if not event.get("isBase64Encoded") or not event.get("body"):
        return True
    try:
        base64.b64decode(str(event["body"]), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return False
    return True


def _refusal(status: HTTPStatus, code: str, message: str) -> dict[str, Any]:
    return {
        "statusCode": status.value,
        "headers": {"Content-Type": "application/json"},
        "multiValueHeaders": {},
        "body": json.dumps(error_body(code, message)),
        "isBase64Encoded": False,
    }
