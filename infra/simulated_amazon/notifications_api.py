"""Notifications API v1, as sp_api's `Notifications` client calls it.

Grantless (a `client_credentials` token with scope `sellingpartnerapi::notifications`):
createDestination, getDestinations, getDestination, deleteDestination. With the seller's grant
(an access token from a refresh token): createSubscription, getSubscription. Either:
getSubscriptionById, deleteSubscriptionById (grantless in Amazon's model; sp_api calls them
with the seller's grant, which Amazon answers too). Usage plan 1/s, burst 5 for each. Any
notification type is accepted in the path; the simulator delivers
FBA_INVENTORY_AVAILABILITY_CHANGES (see notifications.py). Destinations are SQS queues only.
"""

from __future__ import annotations

import json
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from .grantless_gateway import GrantlessGateway
from .http_types import Request, Response, sp_api_error
from .notifications_schema import CreateDestinationRequest, CreateSubscriptionRequest
from .rate_limit import RateLimit
from .routing import Router
from .sp_api_gateway import SpApiGateway, SpApiHandler
from .subscriptions import (
    Destination,
    NotificationsProblem,
    Subscription,
    SubscriptionRegistry,
    invalid_input,
)

NOTIFICATIONS_SCOPE = "sellingpartnerapi::notifications"
NOTIFICATIONS_RATE_LIMITS = {
    operation: RateLimit(1.0, 5)
    for operation in (
        "createDestination",
        "getDestinations",
        "getDestination",
        "deleteDestination",
        "createSubscription",
        "getSubscription",
        "getSubscriptionById",
        "deleteSubscriptionById",
    )
}
_BASE = "/notifications/v1"

Body = TypeVar("Body", bound=BaseModel)


def destination_document(destination: Destination) -> dict[str, Any]:
    return {
        "name": destination.name,
        "destinationId": destination.destination_id,
        "resource": {"sqs": {"arn": destination.arn}},
    }


def subscription_document(subscription: Subscription) -> dict[str, Any]:
    document: dict[str, Any] = {
        "subscriptionId": subscription.subscription_id,
        "payloadVersion": subscription.payload_version,
        "destinationId": subscription.destination_id,
    }
    if subscription.processing_directive is not None:
        document["processingDirective"] = subscription.processing_directive
    return document


def _parse(request: Request, model: type[Body]) -> Body:
    try:
        return model.model_validate(request.json())
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise invalid_input(f"The body is not valid JSON: {error}") from None
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in issue['loc']) or 'body'}: {issue['msg']}"
            for issue in error.errors()
        )
        raise invalid_input(problems) from None


def _answer(problem: NotificationsProblem) -> Response:
    return sp_api_error(problem.status, problem.code, problem.message, problem.details)


class NotificationsApi:
    def __init__(
        self,
        registry: SubscriptionRegistry,
        seller_gateway: SpApiGateway,
        grantless_gateway: GrantlessGateway,
        either_gateway: GrantlessGateway,
    ) -> None:
        self._registry = registry
        self._seller_gateway = seller_gateway
        self._grantless_gateway = grantless_gateway
        self._either_gateway = either_gateway

    def register(self, router: Router) -> None:
        only, either = self._grantless_gateway, self._either_gateway
        by_id = "/subscriptions/{notification_type}/{subscription_id}"
        grantless: list[tuple[str, str, str, SpApiHandler, GrantlessGateway]] = [
            ("POST", "/destinations", "createDestination", self.create_destination, only),
            ("GET", "/destinations", "getDestinations", self.get_destinations, only),
            ("GET", "/destinations/{id}", "getDestination", self.get_destination, only),
            ("DELETE", "/destinations/{id}", "deleteDestination", self.delete_destination, only),
            ("GET", by_id, "getSubscriptionById", self.get_subscription_by_id, either),
            ("DELETE", by_id, "deleteSubscriptionById", self.delete_subscription, either),
        ]
        for method, path, operation, grantless_handler, gateway in grantless:
            router.add(
                method, _BASE + path, gateway.operation(operation, _answering(grantless_handler))
            )
        seller: list[tuple[str, str, SpApiHandler]] = [
            ("POST", "createSubscription", self.create_subscription),
            ("GET", "getSubscription", self.get_subscription),
        ]
        for method, operation, seller_handler in seller:
            router.add(
                method,
                _BASE + "/subscriptions/{notification_type}",
                self._seller_gateway.operation(operation, _answering(seller_handler)),
            )

    # Grantless (the caller argument is always the application)

    def create_destination(self, request: Request, _: str, __: dict[str, str]) -> Response:
        body = _parse(request, CreateDestinationRequest)
        sqs = body.resource_specification.sqs
        if sqs is None:
            raise invalid_input("The simulator delivers to SQS destinations only")
        destination = self._registry.create_destination(body.name, sqs.arn)
        return Response.json(200, {"payload": destination_document(destination)})

    def get_destinations(self, _: Request, __: str, ___: dict[str, str]) -> Response:
        destinations = self._registry.destinations()
        return Response.json(200, {"payload": [destination_document(d) for d in destinations]})

    def get_destination(self, _: Request, __: str, params: dict[str, str]) -> Response:
        destination = self._registry.destination(params["id"])
        return Response.json(200, {"payload": destination_document(destination)})

    def delete_destination(self, _: Request, __: str, params: dict[str, str]) -> Response:
        self._registry.delete_destination(params["id"])
        return Response.json(200, {})

    def get_subscription_by_id(self, _: Request, __: str, params: dict[str, str]) -> Response:
        subscription = self._registry.subscription_by_id(
            params["notification_type"], params["subscription_id"]
        )
        return Response.json(200, {"payload": subscription_document(subscription)})

    def delete_subscription(self, _: Request, __: str, params: dict[str, str]) -> Response:
        self._registry.delete_subscription(params["notification_type"], params["subscription_id"])
        return Response.json(200, {})

    # With the seller's grant

    def create_subscription(
        self, request: Request, seller_id: str, params: dict[str, str]
    ) -> Response:
        body = _parse(request, CreateSubscriptionRequest)
        subscription = self._registry.create_subscription(
            seller_id,
            params["notification_type"],
            body.payload_version,
            body.destination_id,
            body.processing_directive,
        )
        return Response.json(200, {"payload": subscription_document(subscription)})

    def get_subscription(
        self, request: Request, seller_id: str, params: dict[str, str]
    ) -> Response:
        subscription = self._registry.subscription_for(
            seller_id, params["notification_type"], request.last("payloadVersion")
        )
        return Response.json(200, {"payload": subscription_document(subscription)})


def _answering(handler: SpApiHandler) -> SpApiHandler:
    def handle(request: Request, seller_id: str, params: dict[str, str]) -> Response:
        try:
            return handler(request, seller_id, params)
        except NotificationsProblem as problem:
            return _answer(problem)

    return handle
