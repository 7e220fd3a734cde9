"""Control routes for Fulfillment Inbound v2024-03-20 (part of the control API, README.md):
what placement options Amazon offers a seller, how long operations run, operations made to
fail, and what became of a seller's inbound plans."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .control_api import _answering_errors, parse_body
from .http_types import Request, Response
from .inbound_plan_settings import (
    OperationDurationRequest,
    OperationFailureRequest,
    PlacementOptionsRequest,
)
from .inbound_plans import InboundPlans
from .routing import Router

_SELLER = "/_sim/sellers/{seller_id}"


class InboundPlanControl:
    def __init__(self, plans: InboundPlans) -> None:
        self._plans = plans

    def register(self, router: Router) -> None:
        routes: list[tuple[str, str, Callable[[Request, dict[str, str]], Response]]] = [
            ("GET", f"{_SELLER}/placement-options", self.get_placement_options),
            ("PUT", f"{_SELLER}/placement-options", self.set_placement_options),
            ("DELETE", f"{_SELLER}/placement-options", self.reset_placement_options),
            ("GET", f"{_SELLER}/operation-duration", self.get_operation_duration),
            ("PUT", f"{_SELLER}/operation-duration", self.set_operation_duration),
            ("GET", f"{_SELLER}/operation-failures", self.list_failures),
            ("POST", f"{_SELLER}/operation-failures", self.add_failure),
            ("DELETE", f"{_SELLER}/operation-failures", self.clear_failures),
            ("GET", f"{_SELLER}/inbound-plans", self.list_plans),
            ("GET", "/_sim/inbound-plans/{inbound_plan_id}", self.get_plan),
        ]
        for method, template, handler in routes:
            router.add(method, template, _answering_errors(handler))

    def get_placement_options(self, _: Request, params: dict[str, str]) -> Response:
        return Response.json(200, self._offers(params["seller_id"]))

    def set_placement_options(self, request: Request, params: dict[str, str]) -> Response:
        body = parse_body(request, PlacementOptionsRequest)
        self._plans.set_placement_offers(params["seller_id"], body.options)
        return Response.json(200, self._offers(params["seller_id"]))

    def reset_placement_options(self, _: Request, params: dict[str, str]) -> Response:
        self._plans.clear_placement_offers(params["seller_id"])
        return Response.json(200, self._offers(params["seller_id"]))

    def get_operation_duration(self, _: Request, params: dict[str, str]) -> Response:
        return Response.json(200, self._duration(params["seller_id"]))

    def set_operation_duration(self, request: Request, params: dict[str, str]) -> Response:
        body = parse_body(request, OperationDurationRequest)
        self._plans.set_operation_seconds(params["seller_id"], body.seconds)
        return Response.json(200, self._duration(params["seller_id"]))

    def list_failures(self, _: Request, params: dict[str, str]) -> Response:
        return Response.json(200, {"pending": self._plans.pending_failures(params["seller_id"])})

    def add_failure(self, request: Request, params: dict[str, str]) -> Response:
        body = parse_body(request, OperationFailureRequest)
        self._plans.add_failure(params["seller_id"], body)
        return Response.json(201, {"pending": self._plans.pending_failures(params["seller_id"])})

    def clear_failures(self, _: Request, params: dict[str, str]) -> Response:
        self._plans.clear_failures(params["seller_id"])
        return Response.json(200, {"pending": []})

    def list_plans(self, _: Request, params: dict[str, str]) -> Response:
        return Response.json(200, {"inbound_plans": self._plans.plan_views(params["seller_id"])})

    def get_plan(self, _: Request, params: dict[str, str]) -> Response:
        return Response.json(200, self._plans.plan_view(params["inbound_plan_id"]))

    def _offers(self, seller_id: str) -> dict[str, Any]:
        offers, configured = self._plans.placement_offers(seller_id)
        return {
            "seller_id": seller_id,
            "options": [offer.model_dump() for offer in offers],
            "configured": configured,
        }

    def _duration(self, seller_id: str) -> dict[str, Any]:
        return {"seller_id": seller_id, "seconds": self._plans.operation_seconds(seller_id)}
