"""Amazon's published SP-API models as a test oracle for what the simulator sends.

The JSON files in `amazon_models/` are unchanged copies from amzn/selling-partner-api-models
(see `amazon_models/README.md`). `assert_matches_model(operation_id, status, body)` checks a
body against the model's response schema for that operation and HTTP status: the swagger 2.0
`definitions`, `$ref`s resolved, validated with `jsonschema`, with the `date-time` and `date`
formats checked (RFC 3339). `assert_response_matches_model` also checks the headers the model
declares for the status and that the body is JSON. `assert_matches_notification_schema` checks a
notification message against Amazon's payload schema for its type. `request_body_violations`
checks a request body against the model's schema for the operation's body parameter, as
Amazon's gateway sees it (objects open, nothing closed: clients such as sp_api add keys).

Stricter than the models on one point: objects are closed. The models leave
`additionalProperties` unset, which lets anything through; here an object may carry only the
properties its definition names, so a misspelt or invented field fails. (An object built with
`allOf` is closed as a whole; its parts stay open.)

Where the simulator deliberately sends what live Amazon sends rather than what the model says,
the caller names that `Deviation` (the catalogue below, each with its evidence): a violation no
named deviation excuses fails, and the deviations actually relied on are returned, so a test can
assert them. Nothing is skipped silently.

A new operation (e.g. of the Notifications API) needs no change here: any `operationId` of the
vendored models works; add its cases to `test_model_conformance.py`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import httpx
from jsonschema import Draft7Validator, Draft202012Validator, FormatChecker, ValidationError

MODELS_DIR = Path(__file__).with_name("amazon_models")
# Swagger 2.0 API models, by file name in MODELS_DIR.
API_MODELS = (
    "fulfillmentInboundV0.json",
    "fulfillmentInbound_2024-03-20.json",
    "fbaInventory.json",
    "notifications.json",
    "reports_2021-06-30.json",
)
# JSON Schemas (draft 7) of notification messages, by notification type.
NOTIFICATION_SCHEMAS = {
    "FBA_INVENTORY_AVAILABILITY_CHANGES": "FBAInventoryAvailabilityChangeNotification.json",
}
_HTTP_METHODS = frozenset({"get", "put", "post", "delete", "patch", "head", "options"})
# Bodies a proxy in front of Amazon answers with instead of JSON.
_PROXY_STATUSES = frozenset({429, 500, 502, 503, 504})


def _checked_formats() -> FormatChecker:
    checker = FormatChecker(formats=("date-time", "date"))
    # jsonschema checks date-time only when rfc3339-validator is installed: fail loudly instead
    # of passing every string.
    if checker.conforms("2024-01-31T00:00:00", "date-time"):
        raise RuntimeError("date-time is not checked: install rfc3339-validator")
    return checker


FORMATS = _checked_formats()


# Known deviations of live Amazon from its models


@dataclass(frozen=True)
class Deviation:
    """What live Amazon sends against its own model, and which violations that excuses."""

    name: str
    evidence: str
    # The operations it can occur in; None: any.
    operations: frozenset[str] | None
    excuses: Callable[[ValidationError], bool]

    def __repr__(self) -> str:
        return f"Deviation({self.name})"


def _path(error: ValidationError) -> list[str | int]:
    return list(error.absolute_path)


def _status_outside_enum(error: ValidationError, *, ready_to_ship: bool) -> bool:
    return (
        error.validator == "enum"
        and _path(error)[-1:] == ["ShipmentStatus"]
        and isinstance(error.instance, str)
        and (error.instance == "READY_TO_SHIP") == ready_to_ship
    )


READY_TO_SHIP_STATUS = Deviation(
    name="READY_TO_SHIP in getShipments responses",
    evidence=(
        "The response enum ShipmentStatus omits READY_TO_SHIP (the request enum lists it), but "
        "live Amazon returns it (selling-partner-api-docs#1716). The simulator sends it for "
        "shipments in that status."
    ),
    operations=frozenset({"getShipments"}),
    excuses=lambda error: _status_outside_enum(error, ready_to_ship=True),
)
UNLISTED_SHIPMENT_STATUS = Deviation(
    name="a shipment status no enum lists",
    evidence=(
        "Amazon adds statuses without updating the model (READY_TO_SHIP is one); the simulator "
        "returns any status a test sets through the control API, so that the backend's keeping "
        "unknown statuses can be tested."
    ),
    operations=frozenset({"getShipments"}),
    excuses=lambda error: _status_outside_enum(error, ready_to_ship=False),
)
EMPTY_LAST_UPDATED_TIME = Deviation(
    name='lastUpdatedTime: ""',
    evidence=(
        'Amazon has returned lastUpdatedTime: "" in inventory summaries '
        "(selling-partner-api-models#2063, #2275), which is not a date-time. The simulator "
        "does not send it today."
    ),
    operations=frozenset({"getInventorySummaries"}),
    excuses=lambda error: (
        error.validator == "format"
        and error.instance == ""
        and _path(error)[-1:] == ["lastUpdatedTime"]
    ),
)
ARE_CASES_REQUIRED_OMITTED = Deviation(
    name="AreCasesRequired omitted",
    evidence=(
        "The model marks InboundShipmentInfo.AreCasesRequired required, but Amazon's own "
        "getShipments example omits it. The simulator does not omit it today."
    ),
    operations=frozenset({"getShipments"}),
    excuses=lambda error: (
        error.validator == "required"
        and isinstance(error.instance, dict)
        and "AreCasesRequired" not in error.instance
        and error.message == "'AreCasesRequired' is a required property"
    ),
)
NON_JSON_ERROR_BODY = Deviation(
    name="an empty or HTML error body",
    evidence=(
        "Amazon's proxies answer some 429/5xx with an HTML page or nothing at all, which sp_api "
        "returns silently as an empty response. The simulator sends these only as faults a test "
        "injects with body 'html' or 'empty'."
    ),
    operations=None,
    excuses=lambda error: False,  # not a schema violation: see assert_response_matches_model
)
DEVIATIONS = (
    READY_TO_SHIP_STATUS,
    UNLISTED_SHIPMENT_STATUS,
    EMPTY_LAST_UPDATED_TIME,
    ARE_CASES_REQUIRED_OMITTED,
    NON_JSON_ERROR_BODY,
)


# The models


@dataclass(frozen=True)
class Operation:
    operation_id: str
    model: str
    method: str
    path: str
    responses: Mapping[str, Any]


@cache
def _model(file_name: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((MODELS_DIR / file_name).read_text(encoding="utf-8"))
    return document


@cache
def operations() -> dict[str, Operation]:
    """Every operation of the vendored API models, by operationId."""
    found: dict[str, Operation] = {}
    for file_name in API_MODELS:
        for path, item in _model(file_name)["paths"].items():
            for method, operation in item.items():
                if method not in _HTTP_METHODS:
                    continue
                operation_id = operation["operationId"]
                if operation_id in found:
                    raise ValueError(f"operationId {operation_id} is in two models")
                found[operation_id] = Operation(
                    operation_id, file_name, method.upper(), path, operation["responses"]
                )
    return found


def operation(operation_id: str) -> Operation:
    try:
        return operations()[operation_id]
    except KeyError:
        raise AssertionError(f"no vendored model has an operation {operation_id!r}") from None


def _response(operation_id: str, status: int) -> Mapping[str, Any]:
    responses = operation(operation_id).responses
    if str(status) not in responses:
        raise AssertionError(
            f"{operation_id} never answers {status} in Amazon's model "
            f"(it answers {', '.join(sorted(responses))})"
        )
    response: Mapping[str, Any] = responses[str(status)]
    return response


def _allof_parts(definitions: Mapping[str, Any]) -> frozenset[str]:
    """Definitions used as parts of an allOf: closing them alone would refuse their siblings'
    properties."""
    return frozenset(
        part["$ref"].rsplit("/", 1)[-1]
        for found in _all_schemas(definitions)
        for part in found.get("allOf", [])
        if "$ref" in part
    )


def _all_schemas(node: Any) -> list[dict[str, Any]]:
    if isinstance(node, dict):
        return [node, *(schema for value in node.values() for schema in _all_schemas(value))]
    if isinstance(node, list):
        return [schema for value in node for schema in _all_schemas(value)]
    return []


def _closed(schema: Any, *, open_here: bool = False) -> Any:
    """The schema with every object that names its properties closed to others."""
    if not isinstance(schema, dict):
        return schema
    closed = dict(schema)
    if "properties" in schema:
        closed["properties"] = {name: _closed(s) for name, s in schema["properties"].items()}
        if not open_here and "allOf" not in schema:
            closed.setdefault("additionalProperties", False)
    if isinstance(schema.get("items"), dict):
        closed["items"] = _closed(schema["items"])
    if isinstance(schema.get("additionalProperties"), dict):
        closed["additionalProperties"] = _closed(schema["additionalProperties"])
    if "allOf" in schema:
        closed["allOf"] = [_closed(part, open_here=True) for part in schema["allOf"]]
        closed.setdefault("unevaluatedProperties", False)
    return closed


@cache
def _closed_definitions(file_name: str) -> dict[str, Any]:
    definitions = _model(file_name)["definitions"]
    parts = _allof_parts(definitions)
    return {name: _closed(schema, open_here=name in parts) for name, schema in definitions.items()}


@cache
def _validator(operation_id: str, status: int) -> Draft202012Validator:
    # Swagger 2.0 schemas use a subset of JSON Schema that validates alike under 2020-12, whose
    # unevaluatedProperties closes allOf objects as a whole.
    schema = _response(operation_id, status).get("schema")
    if schema is None:
        raise AssertionError(f"{operation_id} {status} has no body in Amazon's model")
    root = {**schema, "definitions": _closed_definitions(operation(operation_id).model)}
    return Draft202012Validator(root, format_checker=FORMATS)


# The assertions


def assert_matches_model(
    operation_id: str, status: int, body: Any, *, deviations: Collection[Deviation] = ()
) -> frozenset[Deviation]:
    """Fail unless `body` matches the model's response for the operation and status, apart
    from violations the named `deviations` excuse. Returns the deviations relied on."""
    _check_deviations_apply(operation_id, deviations)
    used: set[Deviation] = set()
    problems = []
    for error in _validator(operation_id, status).iter_errors(body):
        excusing = next((d for d in deviations if d.excuses(error)), None)
        if excusing is None:
            problems.append(f"{error.json_path}: {error.message}")
        else:
            used.add(excusing)
    if problems:
        raise AssertionError(
            f"{operation_id} {status} does not match Amazon's model:\n  " + "\n  ".join(problems)
        )
    return frozenset(used)


def assert_response_matches_model(
    operation_id: str, response: httpx.Response, *, deviations: Collection[Deviation] = ()
) -> frozenset[Deviation]:
    """`assert_matches_model` on an HTTP answer, after checking that it carries every header
    the model declares for its status and that its body is JSON (an empty or HTML body only
    as a 429/5xx with NON_JSON_ERROR_BODY named)."""
    declared = _response(operation_id, response.status_code).get("headers", {})
    missing = sorted(name for name in declared if name not in response.headers)
    if missing:
        raise AssertionError(
            f"{operation_id} {response.status_code} lacks the headers its model declares: "
            f"{', '.join(missing)}"
        )
    if not response.headers.get("content-type", "").startswith("application/json"):
        if NON_JSON_ERROR_BODY in deviations and response.status_code in _PROXY_STATUSES:
            _check_deviations_apply(operation_id, deviations)
            return frozenset({NON_JSON_ERROR_BODY})
        raise AssertionError(
            f"{operation_id} {response.status_code} is not JSON: "
            f"{response.headers.get('content-type')!r}, {response.text[:80]!r}"
        )
    return assert_matches_model(
        operation_id, response.status_code, response.json(), deviations=deviations
    )


def _request_body_schema(operation_id: str) -> dict[str, Any]:
    found = operation(operation_id)
    item = _model(found.model)["paths"][found.path][found.method.lower()]
    bodies = [p for p in item.get("parameters", []) if p.get("in") == "body"]
    if not bodies:
        raise AssertionError(f"{operation_id} takes no body in Amazon's model")
    schema: dict[str, Any] = bodies[0]["schema"]
    return schema


@cache
def _request_validator(operation_id: str) -> Draft202012Validator:
    # As published (open objects): what Amazon's gateway refuses, not what it never sends.
    root = {
        **_request_body_schema(operation_id),
        "definitions": _model(operation(operation_id).model)["definitions"],
    }
    return Draft202012Validator(root, format_checker=FORMATS)


def request_body_violations(operation_id: str, body: Any) -> list[str]:
    """What the model's body schema for the operation refuses in `body` (empty: valid)."""
    return [
        f"{error.json_path}: {error.message}"
        for error in _request_validator(operation_id).iter_errors(body)
    ]


def assert_request_matches_model(operation_id: str, body: Any) -> None:
    problems = request_body_violations(operation_id, body)
    if problems:
        raise AssertionError(
            f"{operation_id} request does not match Amazon's model:\n  " + "\n  ".join(problems)
        )


def _check_deviations_apply(operation_id: str, deviations: Collection[Deviation]) -> None:
    for deviation in deviations:
        if deviation.operations is not None and operation_id not in deviation.operations:
            raise AssertionError(f"{deviation.name!r} does not occur in {operation_id}")


@cache
def _notification_validator(notification_type: str) -> Draft7Validator:
    if notification_type not in NOTIFICATION_SCHEMAS:
        raise AssertionError(f"no vendored schema for notification type {notification_type!r}")
    schema = _model(NOTIFICATION_SCHEMAS[notification_type])
    return Draft7Validator(schema, format_checker=FORMATS)


def assert_matches_notification_schema(message: Mapping[str, Any]) -> None:
    """Fail unless a notification message matches Amazon's schema for its NotificationType
    (as published: these schemas are open, and their envelope requires nothing)."""
    notification_type = str(message.get("NotificationType"))
    problems = [
        f"{error.json_path}: {error.message}"
        for error in _notification_validator(notification_type).iter_errors(message)
    ]
    if problems:
        raise AssertionError(
            f"{notification_type} does not match Amazon's schema:\n  " + "\n  ".join(problems)
        )


def assert_sp_api_error_body(body: Any) -> None:
    """Fail unless `body` is exactly Amazon's error shape, `{"errors": [...]}` with at least
    one error, each as the v0 model's Error (code and message required, details optional): for
    answers no operation gives, such as a 404 for an unknown path."""
    if not isinstance(body, dict) or set(body) != {"errors"} or not body["errors"]:
        raise AssertionError(f"not an SP-API error body: {body!r}")
    assert_matches_model("getShipments", 400, body)
