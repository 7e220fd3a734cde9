"""Fulfillment Inbound v2024-03-20 against Amazon's published model
(`amazon_models/fulfillmentInbound_2024-03-20.json`):

- what the simulator checks in requests (bodies, path and query parameters) is the model's own
  constraints, copied unchanged, and it refuses exactly the bodies the model refuses;
- its usage plans are the model's and every route is the model's path and method;
- every answer it gives (success, refusals, not found, auth failures, throttling, faults)
  matches the model's response for that operation and status.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from infra.simulated_amazon import ControlClient, SimulatedAmazon
from infra.simulated_amazon.inbound_plan_schema import (
    OPERATION_BODIES,
    OPERATION_PARAMETERS,
    REQUEST_DEFINITIONS,
)
from infra.simulated_amazon.inbound_plans_api import BASE, INBOUND_PLAN_RATE_LIMITS, InboundPlansApi

from .amazon_models import (
    NON_JSON_ERROR_BODY,
    Deviation,
    _model,
    assert_response_matches_model,
    operation,
    request_body_violations,
)
from .conftest import SellerHandle, make_seller
from .inbound_plan_support import SOURCE_ADDRESS, item_input, one_box, plan_body
from .raw_sp_api import access_token

pytestmark = pytest.mark.slow

MODEL = "fulfillmentInbound_2024-03-20.json"
STATE_CHANGING = frozenset(
    {
        "createInboundPlan",
        "cancelInboundPlan",
        "setPackingInformation",
        "generatePackingOptions",
        "confirmPackingOption",
        "generatePlacementOptions",
        "confirmPlacementOption",
    }
)
COMMON = frozenset({400, 403, 429, 500, 503})
# The statuses each operation answers with, every one covered below.
ANSWERS = {
    operation_id: COMMON
    | {202 if operation_id in STATE_CHANGING else 200}
    | (set() if operation_id in ("listInboundPlans", "createInboundPlan") else {404})
    for operation_id in INBOUND_PLAN_RATE_LIMITS
}
UNKNOWN = {
    "inboundPlanId": "wf" + "0" * 36,
    "packingGroupId": "pg" + "0" * 36,
    "packingOptionId": "po" + "0" * 36,
    "placementOptionId": "pl" + "0" * 36,
    "shipmentId": "sh" + "0" * 36,
    "operationId": "0" * 36,
}


def _stripped(node: Any) -> Any:
    """A model schema without its documentation (descriptions, examples, x- extensions)."""
    if isinstance(node, list):
        return [_stripped(value) for value in node]
    if not isinstance(node, dict):
        return node
    kept = {}
    for key, value in node.items():
        if key == "properties":
            kept[key] = {name: _stripped(schema) for name, schema in value.items()}
        elif key not in ("description", "example") and not key.startswith("x-"):
            kept[key] = _stripped(value)
    return kept


def _model_operation(operation_id: str) -> dict[str, Any]:
    found = operation(operation_id)
    document: dict[str, Any] = _model(MODEL)["paths"][found.path][found.method.lower()]
    return document


# The simulator's checks and usage plans are the model's


def test_the_request_definitions_are_the_models() -> None:
    definitions = _model(MODEL)["definitions"]

    for name, schema in REQUEST_DEFINITIONS.items():
        assert schema == _stripped(definitions[name]), name


def test_the_parameters_and_bodies_are_the_models() -> None:
    assert set(OPERATION_PARAMETERS) == set(INBOUND_PLAN_RATE_LIMITS)
    for operation_id, parameters in OPERATION_PARAMETERS.items():
        declared = _model_operation(operation_id).get("parameters", [])
        assert parameters == [_stripped(p) for p in declared if p["in"] != "body"], operation_id
        bodies = [p for p in declared if p["in"] == "body"]
        if operation_id in OPERATION_BODIES:
            [body] = bodies
            assert body["required"] is True
            assert body["schema"] == {"$ref": f"#/definitions/{OPERATION_BODIES[operation_id]}"}
        else:
            assert bodies == [], operation_id


def test_the_usage_plans_are_the_models() -> None:
    for operation_id, limit in INBOUND_PLAN_RATE_LIMITS.items():
        description = _model_operation(operation_id)["description"]
        [(rate, burst)] = re.findall(r"\| (\d+(?:\.\d+)?) \| (\d+) \|", description)
        assert (limit.requests_per_second, limit.burst) == (float(rate), float(burst))


def test_every_route_is_the_models_path_and_method() -> None:
    routes = InboundPlansApi(None)._routes()  # type: ignore[arg-type]

    assert sorted(operation_id for _, _, operation_id, _ in routes) == sorted(
        INBOUND_PLAN_RATE_LIMITS
    )
    for method, template, operation_id, _ in routes:
        found = operation(operation_id)
        assert (found.model, found.method, found.path) == (MODEL, method, BASE + template)


# Raw calls as one seller


@dataclass
class Caller:
    url: str
    token: str | None
    answers: dict[str, list[httpx.Response]] = field(default_factory=dict)

    def call(
        self,
        operation_id: str,
        path: dict[str, str] | None = None,
        *,
        body: Any = None,
        params: dict[str, Any] | None = None,
    ) -> httpx.Response:
        found = operation(operation_id)
        url = self.url + found.path.format(**(path or {}))
        headers = {"x-amz-access-token": self.token} if self.token else {}
        answer = httpx.request(
            found.method, url, json=body, params=params, headers=headers, verify=False
        )
        self.answers.setdefault(operation_id, []).append(answer)
        return answer

    def ok(self, operation_id: str, path: dict[str, str] | None = None, **kwargs: Any) -> Any:
        answer = self.call(operation_id, path, **kwargs)
        assert answer.status_code in (200, 202), answer.text
        return answer.json()


def example_call(caller: Caller, operation_id: str) -> httpx.Response:
    """A well-formed call of the operation, with ids that exist nowhere."""
    body = {
        "createInboundPlan": plan_body({"SKU-A": 1}),
        "setPackingInformation": {
            "packageGroupings": [
                {"packingGroupId": UNKNOWN["packingGroupId"], "boxes": [one_box({"SKU-A": 1})]}
            ]
        },
        "generatePlacementOptions": {},
    }.get(operation_id)
    return caller.call(operation_id, UNKNOWN, body=body)


@dataclass
class World:
    sim: SimulatedAmazon
    control: ControlClient
    seller: SellerHandle
    caller: Caller
    throttling: Callable[[], Caller]

    def wait(self, operation_id: str) -> dict[str, Any]:
        self.control.advance_clock(self.control.operation_duration(self.seller.seller_id) + 0.01)
        status: dict[str, Any] = self.caller.ok(
            "getInboundOperationStatus", {"operationId": operation_id}
        )
        return status


@pytest.fixture(scope="module")
def one_call_bursts() -> Iterator[SimulatedAmazon]:
    with SimulatedAmazon(rate_scale=0.01) as simulator:
        yield simulator


@pytest.fixture
def world(
    sim: SimulatedAmazon, control: ControlClient, seller: SellerHandle, one_call_bursts: Any
) -> Iterator[World]:
    with ControlClient(one_call_bursts.url) as slow_control:

        def throttling() -> Caller:
            slow_seller = make_seller(slow_control, one_call_bursts.url)
            return Caller(
                one_call_bursts.url, access_token(one_call_bursts.url, slow_seller.refresh_token)
            )

        token = access_token(sim.url, seller.refresh_token)
        yield World(sim, control, seller, Caller(sim.url, token), throttling)


# Every answer of a whole flow


def run_the_flow(world: World) -> None:
    """Two plans through every operation served, paged where a listing can be, an operation
    watched IN_PROGRESS, FAILED with problems and SUCCESS with warnings."""
    caller, control, seller_id = world.caller, world.control, world.seller.seller_id
    control.set_placement_options(
        seller_id,
        [{"shipment_count": 2, "fee": 0}, {"shipment_count": 1, "fee": 99.5, "discount": 9.5}],
    )
    units = {"SKU-A": 3, "SKU-B": 2, "SKU-C": 1}
    body = plan_body(units, name="Spring restock")
    body["items"][0] |= {"expiration": "2027-06-30", "manufacturingLotCode": "LOT-7"}
    created = caller.ok("createInboundPlan", body=body)
    plan = {"inboundPlanId": created["inboundPlanId"]}
    assert (
        caller.ok("getInboundOperationStatus", {"operationId": created["operationId"]})[
            "operationStatus"
        ]
        == "IN_PROGRESS"
    )
    world.wait(created["operationId"])
    caller.ok("getInboundPlan", plan)
    page_through(caller, "listInboundPlanItems", plan, pageSize=1)

    control.fail_next_operation(
        seller_id,
        "generatePackingOptions",
        problems=[{"code": "X", "message": "m", "details": "d", "severity": "WARNING"}],
    )
    failed = caller.ok("generatePackingOptions", plan)["operationId"]
    assert world.wait(failed)["operationStatus"] == "FAILED"
    generated = caller.ok("generatePackingOptions", plan)["operationId"]
    world.wait(generated)
    [packing] = caller.ok("listPackingOptions", plan)["packingOptions"]
    [group_id] = packing["packingGroups"]
    page_through(caller, "listPackingGroupItems", {**plan, "packingGroupId": group_id}, pageSize=2)
    world.wait(
        caller.ok("confirmPackingOption", {**plan, "packingOptionId": packing["packingOptionId"]})[
            "operationId"
        ]
    )
    grouping = {"packingGroupId": group_id, "boxes": [one_box(units)]}
    world.wait(
        caller.ok("setPackingInformation", plan, body={"packageGroupings": [grouping]})[
            "operationId"
        ]
    )
    world.wait(caller.ok("generatePlacementOptions", plan, body={})["operationId"])
    options = page_through(caller, "listPlacementOptions", plan, pageSize=1)
    split = next(o for o in options["placementOptions"] if len(o["shipmentIds"]) == 2)
    caller.ok("getShipment", {**plan, "shipmentId": split["shipmentIds"][0]})  # UNCONFIRMED
    confirmed = caller.ok(
        "confirmPlacementOption", {**plan, "placementOptionId": split["placementOptionId"]}
    )
    world.wait(confirmed["operationId"])
    caller.ok("getInboundPlan", plan)
    for shipment_id in split["shipmentIds"]:
        caller.ok("getShipment", {**plan, "shipmentId": shipment_id})
        page_through(caller, "listShipmentItems", {**plan, "shipmentId": shipment_id}, pageSize=1)
    world.wait(caller.ok("cancelInboundPlan", plan)["operationId"])
    caller.ok("getInboundPlan", plan)
    caller.ok("createInboundPlan", body=plan_body({"SKU-Z": 1}))
    page_through(caller, "listInboundPlans", {}, pageSize=1)
    caller.ok("listInboundPlans", params={"status": "VOIDED", "sortBy": "CREATION_TIME"})


def page_through(
    caller: Caller, operation_id: str, path: dict[str, str], **params: Any
) -> dict[str, Any]:
    """Every page; returns the first with every page's list joined into it."""
    first: dict[str, Any] = caller.ok(operation_id, path, params=params)
    joined = copy.deepcopy(first)
    [listing] = [key for key in first if key != "pagination"]
    page = first
    while token := page["pagination"].get("nextToken"):
        page = caller.ok(operation_id, path, params={**params, "paginationToken": token})
        joined[listing] += page[listing]
    return joined


def test_every_answer_of_a_whole_flow_matches_the_model(world: World) -> None:
    run_the_flow(world)

    answers = world.caller.answers
    assert set(answers) == set(INBOUND_PLAN_RATE_LIMITS)
    for operation_id, responses in answers.items():
        for response in responses:
            assert response.status_code in (200, 202)
            assert assert_response_matches_model(operation_id, response) == frozenset()


# Refusals, not found, auth failures, throttling and faults, operation by operation


@dataclass(frozen=True)
class Case:
    id: str
    operation_id: str
    status: int
    call: Callable[[World], list[httpx.Response]]
    deviations: tuple[Deviation, ...] = ()


def _refused(operation_id: str, path: dict[str, str], **kwargs: Any) -> Case:
    return Case(
        f"{operation_id}-invalid",
        operation_id,
        400,
        lambda world: [world.caller.call(operation_id, {**UNKNOWN, **path}, **kwargs)],
    )


def _not_found(operation_id: str) -> Case:
    return Case(
        f"{operation_id}-not-found",
        operation_id,
        404,
        lambda world: [example_call(world.caller, operation_id)],
    )


def _anonymous(operation_id: str, token: str | None) -> Case:
    return Case(
        f"{operation_id}-{'no' if token is None else 'unknown'}-token",
        operation_id,
        403,
        lambda world: [example_call(Caller(world.sim.url, token), operation_id)],
    )


def _throttled(operation_id: str) -> Case:
    def call(world: World) -> list[httpx.Response]:
        caller = world.throttling()
        answers = [example_call(caller, operation_id) for _ in range(2)]
        assert answers[0].status_code != 429
        return answers[1:]

    return Case(f"{operation_id}-usage-plan", operation_id, 429, call)


def _faulted(operation_id: str, status: int, body: str) -> Case:
    def call(world: World) -> list[httpx.Response]:
        world.control.inject_fault(operation_id, status, body=body)
        return [example_call(world.caller, operation_id)]

    deviations = () if body == "json" else (NON_JSON_ERROR_BODY,)
    return Case(f"{operation_id}-fault-{status}-{body}", operation_id, status, call, deviations)


def _out_of_order(world: World) -> list[httpx.Response]:
    created = world.caller.ok("createInboundPlan", body=plan_body({"SKU-A": 1}))
    world.wait(created["operationId"])
    plan = {"inboundPlanId": created["inboundPlanId"]}
    answer = world.caller.call("generatePlacementOptions", plan, body={})
    assert answer.json()["errors"][0]["code"] == "BadRequest"
    return [answer]


def cases() -> list[Case]:
    found = [
        _refused("listInboundPlans", {}, params={"pageSize": "0"}),
        _refused("createInboundPlan", {}, body={"items": [item_input("A", 0)]}),
        _refused("setPackingInformation", {}, body={"packageGroupings": []}),
        _refused("generatePlacementOptions", {}, body={"customPlacement": [{}]}),
        Case(
            "generatePlacementOptions-out-of-order", "generatePlacementOptions", 400, _out_of_order
        ),
    ]
    for operation_id in INBOUND_PLAN_RATE_LIMITS:
        if operation_id not in ("listInboundPlans", "createInboundPlan"):
            found.append(_not_found(operation_id))
            if operation_id not in ("setPackingInformation", "generatePlacementOptions"):
                malformed = next(
                    p["name"] for p in OPERATION_PARAMETERS[operation_id] if p["in"] == "path"
                )
                found.append(_refused(operation_id, {malformed: "bad-id"}))
        found += [
            _anonymous(operation_id, None),
            _anonymous(operation_id, "Atza|never-issued"),
            _throttled(operation_id),
        ]
        for status in (429, 500, 503):
            found += [_faulted(operation_id, status, body) for body in ("json", "html", "empty")]
    return found


CASES = cases()


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_answers_match_amazons_model(world: World, case: Case) -> None:
    answers = case.call(world)

    assert answers
    relied_on: set[Deviation] = set()
    for answer in answers:
        assert answer.status_code == case.status, answer.text
        relied_on |= assert_response_matches_model(
            case.operation_id, answer, deviations=case.deviations
        )
    assert relied_on == set(case.deviations)


def test_every_operation_is_covered_for_every_status_it_answers() -> None:
    covered: dict[str, set[int]] = {}
    for case in CASES:
        covered.setdefault(case.operation_id, set()).add(case.status)
    for operation_id, statuses in ANSWERS.items():
        success = statuses - COMMON - {404}
        # Successes are covered by the whole flow above.
        assert covered[operation_id] | success == statuses, operation_id


# Requests: the simulator refuses exactly what the model refuses


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in schema:
        resolved: dict[str, Any] = _model(MODEL)["definitions"][schema["$ref"].rsplit("/", 1)[-1]]
        return resolved
    return schema


def _wrong_values(schema: dict[str, Any], value: Any) -> list[Any]:
    """Values at and just past each of the schema's bounds, and of other types."""
    kind = schema.get("type")
    found: list[Any] = [True, {"x": 1}] if kind != "object" else ["text", []]
    if kind == "string":
        found += [7]
        for bound, delta in (
            ("minLength", -1),
            ("minLength", 0),
            ("maxLength", 0),
            ("maxLength", 1),
        ):
            if bound in schema and schema[bound] + delta >= 0:
                found.append("A" * (schema[bound] + delta))
        if "pattern" in schema:
            found += ["!", "2027-02-31", "us"]
        if "enum" in schema:
            found += [str(value).lower(), f"{value}X"]
    if kind in ("integer", "number"):
        found += ["1", 1.5, 2.0]
        for bound, delta in (("minimum", -1), ("minimum", 0), ("maximum", 0), ("maximum", 1)):
            if bound in schema:
                found.append(schema[bound] + delta)
    if kind == "array":
        found += [[], [value[0]] * 2] if value else [[]]
    return found


def _mutations(schema: dict[str, Any], value: Any) -> Iterator[tuple[str, Any]]:
    """(what changed, the changed value) for every member of `value`, recursively."""
    schema = _resolve(schema)
    for wrong in _wrong_values(schema, value):
        yield repr(wrong)[:40], wrong
    if schema.get("type") == "object":
        for name, member_schema in schema.get("properties", {}).items():
            if name not in value:
                continue
            yield f"-{name}", {k: v for k, v in value.items() if k != name}
            for what, changed in _mutations(member_schema, value[name]):
                yield f"{name}={what}", {**value, name: changed}
    elif schema.get("type") == "array" and value:
        for what, changed in _mutations(schema["items"], value[0]):
            yield f"[0]={what}", [changed, *value[1:]]


CREATE_BODY = plan_body(
    {"SKU-A": 2},
    name="Spring",
    items=[{**item_input("SKU-A", 2), "expiration": "2027-01-31", "manufacturingLotCode": "L1"}],
)
CREATE_BODY["sourceAddress"] = {**SOURCE_ADDRESS, "addressLine2": "Unit 2", "email": "a@b.c"}
PACKING_BODY = {
    "packageGroupings": [
        {"packingGroupId": UNKNOWN["packingGroupId"], "boxes": [one_box({"SKU-A": 2})]}
    ]
}
BODY_CASES = [
    (operation_id, what, body)
    for operation_id, valid in (
        ("createInboundPlan", CREATE_BODY),
        ("setPackingInformation", PACKING_BODY),
        (
            "generatePlacementOptions",
            {"customPlacement": [{"warehouseId": "BOM1", "items": [item_input("A", 1)]}]},
        ),
    )
    for what, body in [
        ("valid", valid),
        *_mutations({"$ref": f"#/definitions/{OPERATION_BODIES[operation_id]}"}, valid),
    ]
]


def test_the_body_mutations_cover_both_verdicts() -> None:
    verdicts = {not request_body_violations(op, body) for op, _, body in BODY_CASES}
    assert verdicts == {True, False}
    assert len(BODY_CASES) > 300


def test_the_simulator_refuses_exactly_the_bodies_the_model_refuses(world: World) -> None:
    disagreements = []
    for operation_id, what, body in BODY_CASES:
        answer = world.caller.call(operation_id, UNKNOWN, body=body)
        if answer.status_code == 429:  # past the (scaled) burst: refill and send it again
            world.control.advance_clock(1)
            answer = world.caller.call(operation_id, UNKNOWN, body=body)
        refused = answer.status_code == 400 and answer.json()["errors"][0]["code"] == "InvalidInput"
        model_refuses = bool(request_body_violations(operation_id, body))
        if refused != model_refuses:
            disagreements.append(f"{operation_id} {what}: {answer.status_code} {answer.text[:200]}")
        if refused:
            assert_response_matches_model(operation_id, answer)
    assert disagreements == []
