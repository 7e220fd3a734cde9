"""Fulfillment Inbound v2024-03-20 over HTTP, under `/inbound/fba/2024-03-20`, as sp_api's
`FulfillmentInboundV20240320` client calls it: camelCase bodies not wrapped in `payload`, errors
as `{"errors": [...]}`, Amazon's usage plan per operation.

Parameters and bodies are checked first, as Amazon's gateway checks them against the model
(`inbound_plan_schema.py`): 400 `InvalidInput` naming every broken constraint. Then the
operation runs (`inbound_plans.py`): state-changing ones answer 202 `{operationId}`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .http_types import Request, Response, sp_api_error
from .inbound_plan_schema import (
    OPERATION_BODIES,
    body_violations,
    parameter_violations,
    validation_message,
)
from .inbound_plans import InboundApiError, InboundPlans
from .rate_limit import RateLimit
from .routing import Router
from .sp_api_gateway import SpApiGateway, SpApiHandler

BASE = "/inbound/fba/2024-03-20"

# Amazon's usage plans (rate per second, burst), from each operation's "Usage Plan" table in
# the model (fulfillmentInbound_2024-03-20.json); tests compare them with the vendored model.
INBOUND_PLAN_RATE_LIMITS = {
    "listInboundPlans": RateLimit(2.0, 6),
    "createInboundPlan": RateLimit(2.0, 2),
    "getInboundPlan": RateLimit(2.0, 6),
    "cancelInboundPlan": RateLimit(2.0, 2),
    "listInboundPlanItems": RateLimit(2.0, 6),
    "listPackingGroupItems": RateLimit(2.0, 30),
    "setPackingInformation": RateLimit(2.0, 2),
    "listPackingOptions": RateLimit(2.0, 6),
    "generatePackingOptions": RateLimit(2.0, 2),
    "confirmPackingOption": RateLimit(2.0, 2),
    "listPlacementOptions": RateLimit(2.0, 6),
    "generatePlacementOptions": RateLimit(2.0, 2),
    "confirmPlacementOption": RateLimit(2.0, 2),
    "getShipment": RateLimit(2.0, 6),
    "listShipmentItems": RateLimit(2.0, 30),
    "getInboundOperationStatus": RateLimit(2.0, 6),
}
DEFAULT_PAGE_SIZE = 10


@dataclass(frozen=True)
class Call:
    """A request that passed the gateway's checks."""

    seller_id: str
    path: dict[str, str]
    query: dict[str, str]
    body: Any

    @property
    def plan_id(self) -> str:
        return self.path["inboundPlanId"]

    @property
    def page_size(self) -> int:
        return int(self.query.get("pageSize", DEFAULT_PAGE_SIZE))

    @property
    def token(self) -> str | None:
        return self.query.get("paginationToken")


Handler = Callable[[Call], Response]


def _ok(document: dict[str, Any]) -> Response:
    return Response.json(200, document)


def _accepted(operation_id: str) -> Response:
    return Response.json(202, {"operationId": operation_id})


class InboundPlansApi:
    def __init__(self, plans: InboundPlans) -> None:
        self._plans = plans

    def register(self, router: Router, gateway: SpApiGateway) -> None:
        for method, template, operation_id, handler in self._routes():
            router.add(
                method,
                BASE + template,
                gateway.operation(operation_id, _checked(operation_id, handler)),
            )

    def _routes(self) -> list[tuple[str, str, str, Handler]]:
        plan = "/inboundPlans/{inboundPlanId}"
        return [
            ("GET", "/inboundPlans", "listInboundPlans", self._list_plans),
            ("POST", "/inboundPlans", "createInboundPlan", self._create_plan),
            ("GET", plan, "getInboundPlan", self._get_plan),
            ("PUT", f"{plan}/cancellation", "cancelInboundPlan", self._cancel_plan),
            ("GET", f"{plan}/items", "listInboundPlanItems", self._list_items),
            (
                "GET",
                f"{plan}/packingGroups/{{packingGroupId}}/items",
                "listPackingGroupItems",
                self._list_group_items,
            ),
            ("POST", f"{plan}/packingInformation", "setPackingInformation", self._set_packing),
            ("GET", f"{plan}/packingOptions", "listPackingOptions", self._list_packing),
            ("POST", f"{plan}/packingOptions", "generatePackingOptions", self._generate_packing),
            (
                "POST",
                f"{plan}/packingOptions/{{packingOptionId}}/confirmation",
                "confirmPackingOption",
                self._confirm_packing,
            ),
            ("GET", f"{plan}/placementOptions", "listPlacementOptions", self._list_placement),
            (
                "POST",
                f"{plan}/placementOptions",
                "generatePlacementOptions",
                self._generate_placement,
            ),
            (
                "POST",
                f"{plan}/placementOptions/{{placementOptionId}}/confirmation",
                "confirmPlacementOption",
                self._confirm_placement,
            ),
            ("GET", f"{plan}/shipments/{{shipmentId}}", "getShipment", self._get_shipment),
            (
                "GET",
                f"{plan}/shipments/{{shipmentId}}/items",
                "listShipmentItems",
                self._list_shipment_items,
            ),
            ("GET", "/operations/{operationId}", "getInboundOperationStatus", self._status),
        ]

    # Inbound plans

    def _list_plans(self, call: Call) -> Response:
        return _ok(
            self._plans.list_plans(
                call.seller_id,
                call.page_size,
                call.token,
                status=call.query.get("status"),
                sort_by=call.query.get("sortBy", "LAST_UPDATED_TIME"),
                sort_order=call.query.get("sortOrder", "DESC"),
            )
        )

    def _create_plan(self, call: Call) -> Response:
        return Response.json(202, self._plans.create_plan(call.seller_id, call.body))

    def _get_plan(self, call: Call) -> Response:
        return _ok(self._plans.get_plan(call.seller_id, call.plan_id))

    def _cancel_plan(self, call: Call) -> Response:
        return _accepted(self._plans.cancel_plan(call.seller_id, call.plan_id))

    def _list_items(self, call: Call) -> Response:
        return _ok(
            self._plans.list_plan_items(call.seller_id, call.plan_id, call.page_size, call.token)
        )

    # Packing

    def _generate_packing(self, call: Call) -> Response:
        return _accepted(self._plans.generate_packing_options(call.seller_id, call.plan_id))

    def _list_packing(self, call: Call) -> Response:
        return _ok(
            self._plans.list_packing_options(
                call.seller_id, call.plan_id, call.page_size, call.token
            )
        )

    def _list_group_items(self, call: Call) -> Response:
        return _ok(
            self._plans.list_packing_group_items(
                call.seller_id,
                call.plan_id,
                call.path["packingGroupId"],
                call.page_size,
                call.token,
            )
        )

    def _confirm_packing(self, call: Call) -> Response:
        return _accepted(
            self._plans.confirm_packing_option(
                call.seller_id, call.plan_id, call.path["packingOptionId"]
            )
        )

    def _set_packing(self, call: Call) -> Response:
        return _accepted(
            self._plans.set_packing_information(call.seller_id, call.plan_id, call.body)
        )

    # Placement

    def _generate_placement(self, call: Call) -> Response:
        # customPlacement (India only) is accepted and not used.
        return _accepted(self._plans.generate_placement_options(call.seller_id, call.plan_id))

    def _list_placement(self, call: Call) -> Response:
        return _ok(
            self._plans.list_placement_options(
                call.seller_id, call.plan_id, call.page_size, call.token
            )
        )

    def _confirm_placement(self, call: Call) -> Response:
        return _accepted(
            self._plans.confirm_placement_option(
                call.seller_id, call.plan_id, call.path["placementOptionId"]
            )
        )

    # Shipments and operations

    def _get_shipment(self, call: Call) -> Response:
        return _ok(self._plans.get_shipment(call.seller_id, call.plan_id, call.path["shipmentId"]))

    def _list_shipment_items(self, call: Call) -> Response:
        return _ok(
            self._plans.list_shipment_items(
                call.seller_id,
                call.plan_id,
                call.path["shipmentId"],
                call.page_size,
                call.token,
            )
        )

    def _status(self, call: Call) -> Response:
        return _ok(self._plans.operation_status(call.seller_id, call.path["operationId"]))


def _checked(operation_id: str, handler: Handler) -> SpApiHandler:
    """The handler behind Amazon's request validation; errors become SP-API error answers."""

    def handle(request: Request, seller_id: str, path: dict[str, str]) -> Response:
        try:
            # A parameter sent twice: the last value counts, as at API Gateway.
            query = {key: values[-1] for key, values in request.query.items() if values}
            violations = parameter_violations(operation_id, path, query)
            body = _body(operation_id, request)
            definition = OPERATION_BODIES.get(operation_id)
            if definition is not None:
                violations += body_violations(definition, body)
            if violations:
                raise InboundApiError(400, "InvalidInput", validation_message(violations))
            return handler(Call(seller_id, path, query, body))
        except InboundApiError as problem:
            return sp_api_error(problem.status, problem.code, problem.message)

    return handle


def _body(operation_id: str, request: Request) -> Any:
    """The JSON body of an operation that takes one (None if absent); other operations'
    bodies (sp_api sends marketplace keys with every POST and PUT) are ignored."""
    if operation_id not in OPERATION_BODIES or not request.body.strip():
        return None
    try:
        return json.loads(request.body)
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise InboundApiError(400, "InvalidInput", "The request body is not valid JSON.") from None
