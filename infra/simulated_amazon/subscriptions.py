"""Notifications API state: the application's destinations (SQS queues) and its subscriptions,
one per seller, notification type and payload version. The simulator plays one application.

Amazon's rules kept here: one destination per queue ARN (409 `Conflict`); one subscription
per seller, notification type and payload version (409 `StateConflict`, whatever the
destination; the published model lets an application add another payload version beside an
existing one); a destination with subscriptions cannot be deleted (Amazon answers
`Unauthorized` "Destination has subscriptions").
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from typing import Any

from .identifiers import new_destination_id, new_subscription_id

# Amazon documents no limits; these keep a long-running simulator bounded.
MAX_DESTINATIONS = 1_000
MAX_SUBSCRIPTIONS = 100_000

_NOT_FOUND = "The resource specified does not exist."
_INVALID = "Request has missing or invalid parameters and cannot be parsed."


class NotificationsProblem(Exception):
    """An SP-API error answer: status, `code`, `message` and `details` as Amazon sends them."""

    def __init__(self, status: int, code: str, message: str, details: str = "") -> None:
        super().__init__(f"{status} {code}: {details or message}")
        self.status = status
        self.code = code
        self.message = message
        self.details = details


def not_found(details: str) -> NotificationsProblem:
    return NotificationsProblem(404, "NotFound", _NOT_FOUND, details)


def invalid_input(details: str) -> NotificationsProblem:
    return NotificationsProblem(400, "InvalidInput", _INVALID, details)


@dataclass(frozen=True)
class Destination:
    destination_id: str
    name: str
    arn: str


@dataclass(frozen=True)
class Subscription:
    subscription_id: str
    seller_id: str
    notification_type: str
    payload_version: str
    destination_id: str
    processing_directive: dict[str, Any] | None = None


def _version_order(version: str) -> tuple[int, ...]:
    """ "1.0" < "2.0" < "2023-12-13": compare the numbers in a payload version."""
    return tuple(int(number) for number in re.findall(r"\d+", version))


class SubscriptionRegistry:
    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._destinations: dict[str, Destination] = {}
        self._subscriptions: dict[str, Subscription] = {}

    # Destinations (grantless: they belong to the application)

    def create_destination(self, name: str, arn: str) -> Destination:
        with self._lock:
            for existing in self._destinations.values():
                if existing.arn == arn:
                    raise NotificationsProblem(
                        409,
                        "Conflict",
                        "The requested resource conflict with a resource in the server.",
                        f"A destination with arn {arn} already exists for the application",
                    )
            if len(self._destinations) >= MAX_DESTINATIONS:
                raise invalid_input(
                    f"the simulator keeps at most {MAX_DESTINATIONS} destinations; delete some"
                )
            destination = Destination(new_destination_id(), name, arn)
            self._destinations[destination.destination_id] = destination
            return destination

    def destinations(self) -> list[Destination]:
        with self._lock:
            return list(self._destinations.values())

    def destination(self, destination_id: str) -> Destination:
        with self._lock:
            destination = self._destinations.get(destination_id)
        if destination is None:
            raise not_found(f"No destination with id {destination_id}")
        return destination

    def delete_destination(self, destination_id: str) -> None:
        with self._lock:
            if destination_id not in self._destinations:
                raise not_found(f"No destination with id {destination_id}")
            if any(s.destination_id == destination_id for s in self._subscriptions.values()):
                raise NotificationsProblem(
                    403,
                    "Unauthorized",
                    "The requested action is forbidden.",
                    "Destination has subscriptions",
                )
            del self._destinations[destination_id]

    # Subscriptions (created and read with the seller's grant, deleted grantless)

    def create_subscription(
        self,
        seller_id: str,
        notification_type: str,
        payload_version: str,
        destination_id: str,
        processing_directive: dict[str, Any] | None = None,
    ) -> Subscription:
        with self._lock:
            if destination_id not in self._destinations:
                raise invalid_input(f"No destination with id {destination_id}")
            for existing in self._subscriptions.values():
                if (existing.seller_id, existing.notification_type, existing.payload_version) == (
                    seller_id,
                    notification_type,
                    payload_version,
                ):
                    raise NotificationsProblem(
                        409,
                        "StateConflict",
                        "The resource specified conflicts with the current state.",
                        f"Subscription already exist for notification type {notification_type}",
                    )
            if len(self._subscriptions) >= MAX_SUBSCRIPTIONS:
                raise invalid_input(
                    f"the simulator keeps at most {MAX_SUBSCRIPTIONS} subscriptions; delete some"
                )
            subscription = Subscription(
                new_subscription_id(),
                seller_id,
                notification_type,
                payload_version,
                destination_id,
                processing_directive,
            )
            self._subscriptions[subscription.subscription_id] = subscription
            return subscription

    def subscription_for(
        self, seller_id: str, notification_type: str, payload_version: str | None = None
    ) -> Subscription:
        """The seller's subscription to the type: of that payload version, or the latest."""
        candidates = [
            s
            for s in self.subscriptions_of(seller_id, notification_type)
            if payload_version is None or s.payload_version == payload_version
        ]
        if not candidates:
            raise not_found(f"No subscription for notification type {notification_type}")
        return max(candidates, key=lambda s: _version_order(s.payload_version))

    def subscriptions_of(self, seller_id: str, notification_type: str) -> list[Subscription]:
        with self._lock:
            return [
                s
                for s in self._subscriptions.values()
                if s.seller_id == seller_id and s.notification_type == notification_type
            ]

    def subscription_by_id(self, notification_type: str, subscription_id: str) -> Subscription:
        with self._lock:
            subscription = self._subscriptions.get(subscription_id)
        if subscription is None or subscription.notification_type != notification_type:
            raise not_found(
                f"No subscription {subscription_id} for notification type {notification_type}"
            )
        return subscription

    def delete_subscription(self, notification_type: str, subscription_id: str) -> None:
        with self._lock:
            self.subscription_by_id(notification_type, subscription_id)
            del self._subscriptions[subscription_id]

    def subscriptions(self) -> list[Subscription]:
        with self._lock:
            return list(self._subscriptions.values())

    def load(self, destinations: list[Destination], subscriptions: list[Subscription]) -> None:
        """Replace everything with saved state (see SimulatorStore.import_state)."""
        with self._lock:
            self._destinations = {d.destination_id: d for d in destinations}
            self._subscriptions = {s.subscription_id: s for s in subscriptions}

    def clear(self) -> None:
        with self._lock:
            self._destinations.clear()
            self._subscriptions.clear()
