"""What the OpenAPI document says beyond the models: error responses, links and consistency notes.

Every error response names `ErrorResponse` explicitly; left alone, Powertools would document a
422 whose schema requires a `msg` field that is never sent, and describe other errors with the
success model. Every status a route can answer is listed: its own, the refusals the handler makes
before routing (401 no tenant, 400 a body that is not UTF-8, 415 one that is not JSON, on any
method), and 500 for a failure of ours.

A success response may carry OpenAPI links (`link`): where its ids lead, e.g. from a created
warehouse to GET /warehouses/{warehouse_id}. Clients and generators read them; schemathesis
follows them in its stateful tests (create, then read what was created).
"""

from collections.abc import Mapping
from typing import Any

from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse

from functions.api.models.common import ErrorResponse

EVENTUALLY_CONSISTENT = (
    "Read from the views, which the projector updates from the event log within moments of "
    "each command (eventually consistent): right after a command, poll until the `version` "
    "it returned is reached."
)
READ_YOUR_WRITES = (
    "Read your writes: the resource as of its latest event, even when the views have not "
    "caught up yet (right after a command, it already shows what the command did). A resource "
    "whose view is being rebuilt answers 503 with `Retry-After`."
)
APPENDED = (
    "Returns once the events are appended to the event log; the views follow asynchronously. "
    "Send an `Idempotency-Key` header to retry safely: the same key and body replay the first "
    "response and append nothing; the same key with another body is refused (422)."
)

ERROR_DESCRIPTIONS: dict[int, str] = {
    400: "Malformed request: body not JSON, or an invalid parameter or cursor",
    401: "No tenant in the authorizer claims",
    404: "No such resource for this tenant",
    409: "Conflict: illegal transition for the current state, or a concurrent change",
    415: "The body is not application/json",
    410: "Expired: start again",
    422: "The request is well-formed but refused: which field, and why",
    500: "Unexpected failure on our side (logged): try again later",
    503: "Unavailable for a moment (Amazon could not be reached or answered unexpectedly, or "
    "the resource's view is being rebuilt): nothing was stored, try again (after `Retry-After` "
    "when sent)",
}
# What every route may answer, whatever it does: refused before routing (see
# `functions.api.handler`: no tenant, a body that is not UTF-8 JSON, on any method) or failed.
ANY_ROUTE_ERRORS = (400, 401, 415, 500)
READ_ERRORS = (*ANY_ROUTE_ERRORS, 422)
ITEM_ERRORS = (*READ_ERRORS, 404)
COMMAND_ERRORS = (*ITEM_ERRORS, 409)
READ_ONE_ERRORS = (*ITEM_ERRORS, 503)  # a single resource (see READ_YOUR_WRITES)
Link = dict[str, Any]


def responses(
    status: int,
    description: str,
    errors: tuple[int, ...],
    links: Mapping[str, Link] | None = None,
) -> dict[int, Any]:
    success: OpenAPIResponse = {"description": description}
    if links:
        success["links"] = dict(links)
    documented: dict[int, OpenAPIResponse] = {status: success}
    for code in sorted(set(errors)):
        documented[code] = {
            "description": ERROR_DESCRIPTIONS[code],
            "content": {"application/json": {"model": ErrorResponse}},
        }
    return documented


def link(target: str, description: str, **values: str) -> Link:
    """An OpenAPI link to `target` ("GET /warehouses/{warehouse_id}"), giving each of its
    parameters a constant or a runtime expression (`returned`, `sent`): a name in the path's
    braces is a path parameter, any other a query parameter. The target is named by its path and
    method (`operationRef`), which are the contract; Powertools derives operation ids from
    function names."""
    method, path = target.split(" ")
    pointer = path.replace("~", "~0").replace("/", "~1")
    return {
        "operationRef": f"#/paths/{pointer}/{method.lower()}",
        "description": description,
        "parameters": {
            f"{'path' if '{' + name + '}' in path else 'query'}.{name}": value
            for name, value in values.items()
        },
    }


def returned(pointer: str) -> str:
    """The runtime expression of a field of the response body: `returned("items/0/id")`."""
    return f"$response.body#/{pointer}"


def sent(pointer: str) -> str:
    """The runtime expression of a field of the request body: `sent("lines/0/sku")`."""
    return f"$request.body#/{pointer}"
