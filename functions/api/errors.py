"""The one place that maps failures to HTTP statuses and the JSON error body.

Every error is `{"code", "message", "errors"}` (see `ErrorResponse`): 400 malformed request or
parameter, 401 no tenant, 404 unknown or another tenant's resource (never 403), 409 conflict or
illegal transition, 415 a body that is not JSON, 422 a well-formed request that is refused,
503 a resource whose view is too far behind its log to be read now (retry after `Retry-After`).
Anything unexpected is logged and answered 500 `internal_error` in the same shape.
"""

import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from http import HTTPStatus
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response, content_types
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.event_handler.openapi.exceptions import (
    RequestUnsupportedContentType,
    RequestValidationError,
)
from pydantic import ValidationError

from domain.errors import (
    AlreadyExists,
    ConcurrencyConflict,
    DomainError,
    InvalidCommand,
    InvalidTransition,
    NotFound,
)
from functions.api.models.common import ErrorResponse, FieldError
from functions.shared.views.cursor import InvalidCursor
from functions.shared.views.errors import TooMuchToRead, ViewLagging

logger = logging.getLogger(__name__)

VIEW_LAGGING_RETRY_SECONDS = 5

DOMAIN_STATUS: Mapping[type[DomainError], HTTPStatus] = {
    NotFound: HTTPStatus.NOT_FOUND,
    AlreadyExists: HTTPStatus.CONFLICT,
    InvalidTransition: HTTPStatus.CONFLICT,
    ConcurrencyConflict: HTTPStatus.CONFLICT,
    InvalidCommand: HTTPStatus.UNPROCESSABLE_ENTITY,
}


class ApiError(Exception):
    """A refusal decided by the API layer itself (not by the domain)."""

    def __init__(self, status: HTTPStatus, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def error_body(code: str, message: str, errors: Iterable[FieldError] = ()) -> dict[str, Any]:
    return ErrorResponse(code=code, message=message, errors=list(errors)).model_dump(mode="json")


def error_response(
    status: HTTPStatus, code: str, message: str, errors: Iterable[FieldError] = ()
) -> Response[Any]:
    return Response(
        status_code=status.value,
        content_type=content_types.APPLICATION_JSON,
        body=error_body(code, message, errors),
    )


def status_of(error: DomainError) -> HTTPStatus:
    for cls in type(error).__mro__:
        if cls in DOMAIN_STATUS:
            return DOMAIN_STATUS[cls]
    return HTTPStatus.UNPROCESSABLE_ENTITY


def field_errors(errors: Sequence[Mapping[str, Any]]) -> list[FieldError]:
    return [
        FieldError(
            field=".".join(str(part) for part in error.get("loc", ())) or "request",
            reason=str(error.get("msg") or error.get("type") or "invalid"),
        )
        for error in errors
    ]


def register_error_handlers(app: APIGatewayRestResolver) -> None:
    handlers: list[tuple[type[Exception], Callable[[Any], Response[Any]]]] = [
        (DomainError, _domain_error),
        (ApiError, _api_error),
        (RequestValidationError, _invalid_request),
        (RequestUnsupportedContentType, lambda _: unsupported_media_type()),
        (ValidationError, _invalid_command),
        (InvalidCursor, _invalid_cursor),
        (ViewLagging, _view_lagging),
        (TooMuchToRead, _too_much_to_read),
        (NotFoundError, lambda _: _no_route(app)),
        (Exception, _unexpected),
    ]
    for exception, handler in handlers:
        app.exception_handler(exception)(handler)


def _no_route(app: APIGatewayRestResolver) -> Response[Any]:
    """404 for an unknown path; 405 with `Allow` for a known path and another method."""
    allowed = allowed_methods(app, app.current_event.path)
    if not allowed:
        return error_response(HTTPStatus.NOT_FOUND, "not_found", "no such resource")
    response = error_response(
        HTTPStatus.METHOD_NOT_ALLOWED,
        "method_not_allowed",
        f"{app.current_event.http_method} is not allowed here; use {', '.join(allowed)}",
    )
    response.headers["Allow"] = ", ".join(allowed)
    return response


def allowed_methods(app: APIGatewayRestResolver, path: str) -> list[str]:
    """The methods of the resource at `path`. A fixed path is its own resource (as in API
    Gateway): /connections/authorizations is not /connections/{connection_id}."""
    # Powertools keeps no public route list.
    for routes in (app._static_routes, app._dynamic_routes):
        methods = {route.method for route in routes if route.rule.match(path)}
        if methods:
            return sorted(methods)
    return []


def _domain_error(error: DomainError) -> Response[Any]:
    # A refusal naming the field at fault says so, as validation errors do (a body field unless
    # it names its place: a query parameter refused on what it refers to).
    place = "" if (error.field or "").startswith(("query.", "path.")) else "body."
    at_fault = [FieldError(field=f"{place}{error.field}", reason=str(error))] if error.field else []
    return error_response(status_of(error), error.code, str(error), at_fault)


def _api_error(error: ApiError) -> Response[Any]:
    return error_response(error.status, error.code, error.message)


def _invalid_command(error: ValidationError) -> Response[Any]:
    # A domain command refused values the request model let through.
    details = field_errors([dict(e) for e in error.errors()])
    return error_response(
        HTTPStatus.UNPROCESSABLE_ENTITY, "validation_failed", "the command is invalid", details
    )


def _invalid_cursor(error: InvalidCursor) -> Response[Any]:
    details = [FieldError(field="query.cursor", reason=str(error))]
    return error_response(HTTPStatus.BAD_REQUEST, "invalid_cursor", str(error), details)


def _too_much_to_read(error: TooMuchToRead) -> Response[Any]:
    return error_response(HTTPStatus.UNPROCESSABLE_ENTITY, error.code, str(error))


def _view_lagging(error: ViewLagging) -> Response[Any]:
    response = error_response(HTTPStatus.SERVICE_UNAVAILABLE, "view_lagging", str(error))
    response.headers["Retry-After"] = str(VIEW_LAGGING_RETRY_SECONDS)
    return response


def _unexpected(error: Exception) -> Response[Any]:
    logger.exception("unhandled error", exc_info=error)
    return error_response(
        HTTPStatus.INTERNAL_SERVER_ERROR, "internal_error", "something went wrong on our side"
    )


def unsupported_media_type() -> Response[Any]:
    return error_response(
        HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
        "send the body as application/json",
    )


def _invalid_request(error: RequestValidationError) -> Response[Any]:
    errors: list[dict[str, Any]] = list(error.errors())
    places = {str(error.get("loc", ("request",))[0]) for error in errors}
    if "response" in places:
        # Our own response broke its schema: a bug, not the caller's fault.
        logger.error("response failed validation: %s", errors)
        return error_response(
            HTTPStatus.INTERNAL_SERVER_ERROR, "internal_error", "something went wrong on our side"
        )
    if any(error.get("type") == "json_invalid" for error in errors):
        return error_response(HTTPStatus.BAD_REQUEST, "malformed_json", "the body is not JSON")
    details = field_errors(errors)
    if places <= {"query", "path", "header", "cookie"}:
        return error_response(
            HTTPStatus.BAD_REQUEST, "invalid_parameter", "a parameter is invalid", details
        )
    return error_response(
        HTTPStatus.UNPROCESSABLE_ENTITY, "validation_failed", "the body is invalid", details
    )
