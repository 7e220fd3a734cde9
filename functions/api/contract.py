"""What the OpenAPI document says beyond the models: error responses and consistency notes.

Every error response names `ErrorResponse` explicitly; left alone, Powertools would document a
422 whose schema requires a `msg` field that is never sent, and describe other errors with the
success model.
"""

from typing import Any

from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse

from functions.api.models.common import ErrorResponse

EVENTUALLY_CONSISTENT = (
    "Read from the views, which the projector updates from the event log within moments of "
    "each command (eventually consistent): right after a command, poll until the `version` "
    "it returned is reached."
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
    503: "Amazon could not be reached or answered unexpectedly: nothing was stored, try again",
}
READ_ERRORS = (400, 401, 422)
ITEM_ERRORS = (400, 401, 404, 422)
COMMAND_ERRORS = (400, 401, 404, 409, 415, 422)


def responses(status: int, description: str, errors: tuple[int, ...]) -> dict[int, Any]:
    documented: dict[int, OpenAPIResponse] = {status: {"description": description}}
    for code in errors:
        documented[code] = {
            "description": ERROR_DESCRIPTIONS[code],
            "content": {"application/json": {"model": ErrorResponse}},
        }
    return documented
