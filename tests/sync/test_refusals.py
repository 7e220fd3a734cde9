"""Which failures of a shipment's write are refusals for good (set the shipment aside) and which
are worth retrying (fail the run, as before), for each shape DynamoDB and the domain give them."""

from typing import Any

import pytest
from botocore.exceptions import ClientError
from pydantic import BaseModel, Field, ValidationError

from domain.errors import ConcurrencyConflict, InvalidCommand
from functions.sync.engine.refusals import refusal

TOO_LARGE = "the event store refused its events: an item over DynamoDB's 400 KB limit"


def client_error(code: str, message: str = "", **response: Any) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": message}, **response}, "PutItem")


def cancelled(*reasons: dict[str, str]) -> ClientError:
    return client_error(
        "TransactionCanceledException", "cancelled", CancellationReasons=list(reasons)
    )


class _Line(BaseModel):
    quantity: int = Field(ge=0)


def a_validation_error() -> ValidationError:
    try:
        _Line(quantity=-1)
    except ValidationError as error:
        return error
    raise AssertionError("unreachable")


@pytest.mark.parametrize(
    ("error", "problem"),
    [
        (
            client_error("ValidationException", "Item size has exceeded the maximum allowed size"),
            TOO_LARGE,
        ),
        (
            cancelled(
                {"Code": "None"},
                {"Code": "ValidationError", "Message": "Item size has exceeded the maximum"},
            ),
            TOO_LARGE,
        ),
        (
            client_error("ValidationException", "One or more parameter values were invalid"),
            "the event store refused its events (ValidationException)",
        ),
        (InvalidCommand("a line of -1"), "the domain refused its events (invalid_command)"),
        (a_validation_error(), "the domain refused its events (1 invalid value(s) in _Line)"),
    ],
    ids=["item too large", "transaction item too large", "invalid value", "domain", "pydantic"],
)
def test_a_write_refused_for_good_is_told_in_words_that_echo_nothing(
    error: Exception, problem: str
) -> None:
    assert refusal(error) == problem


@pytest.mark.parametrize(
    "error",
    [
        client_error("ProvisionedThroughputExceededException"),
        client_error("InternalServerError"),
        cancelled({"Code": "ConditionalCheckFailed"}, {"Code": "None"}),
        cancelled({"Code": "TransactionConflict"}),
        ConcurrencyConflict("stream moved"),
        ConnectionError("reset"),
    ],
    ids=["throttled", "5xx", "condition failed", "transaction conflict", "conflict", "network"],
)
def test_a_failure_worth_retrying_is_no_refusal(error: Exception) -> None:
    assert refusal(error) is None
