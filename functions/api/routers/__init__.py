"""One Router per resource; `functions.api.app` includes each on the first request for it."""

from aws_lambda_powertools.event_handler.api_gateway import Router


def resource_router() -> Router:
    return Router()  # type: ignore[no-untyped-call]  # Powertools leaves __init__ unannotated
