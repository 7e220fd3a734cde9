"""Helpers to point the real `sp_api` client at the simulator, and a small client for the
control API.

    sim = SimulatedAmazon().start()
    control = ControlClient(sim.url)
    seller = control.create_seller("S1", ["ATVPDKIKX0DER"])
    inbound = FulfillmentInbound(
        **sp_api_client_kwargs(sim.url, "ATVPDKIKX0DER", seller["refresh_token"])
    )
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx
from sp_api.auth import AccessTokenClient

DEFAULT_REGION = "us-east-1"


@dataclass(frozen=True)
class LocalMarketplace:
    """Duck-types `sp_api.base.Marketplaces`: the client reads only these three attributes."""

    endpoint: str
    marketplace_id: str
    region: str = DEFAULT_REGION


def local_marketplace(
    url: str, marketplace_id: str, region: str = DEFAULT_REGION
) -> LocalMarketplace:
    return LocalMarketplace(endpoint=url.rstrip("/"), marketplace_id=marketplace_id, region=region)


def local_token_client_class(url: str) -> type[AccessTokenClient]:
    """An AccessTokenClient subclass that asks the simulator's LWA endpoint for tokens."""
    parts = urlsplit(url)
    if not parts.netloc:
        raise ValueError(f"expected a URL like http://127.0.0.1:8100, got {url!r}")
    attributes = {"scheme": f"{parts.scheme or 'http'}://", "host": parts.netloc}
    return type("LocalAccessTokenClient", (AccessTokenClient,), attributes)


def local_credentials(refresh_token: str) -> dict[str, str]:
    # The simulator accepts any client id and secret.
    return {"refresh_token": refresh_token, "lwa_app_id": "app", "lwa_client_secret": "secret"}


def sp_api_client_kwargs(url: str, marketplace_id: str, refresh_token: str) -> dict[str, Any]:
    """Keyword arguments for any sp_api client class (FulfillmentInbound, Inventories, ...)."""
    return {
        "marketplace": local_marketplace(url, marketplace_id),
        "credentials": local_credentials(refresh_token),
        "auth_token_client_class": local_token_client_class(url),
        # The simulator speaks plain HTTP on 127.0.0.1: there is no TLS to verify, and not
        # loading the CA bundle saves ~45 ms for each of the two httpx clients sp_api builds.
        "verify": False,
    }


class ControlApiError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"{status}: {message}")
        self.status = status
        self.message = message


# Item lines: either {"SKU-1": 10, ...} or the wire form [{"sku": "SKU-1", "quantity": 10}, ...].
ItemLines = Mapping[str, int] | Sequence[Mapping[str, Any]]


def _as_lines(items: ItemLines) -> list[dict[str, Any]]:
    if isinstance(items, Mapping):
        return [{"sku": sku, "quantity": quantity} for sku, quantity in items.items()]
    return [dict(line) for line in items]


class ControlClient:
    """Thin wrapper over the `/_sim/` routes; raises ControlApiError on any non-2xx answer."""

    def __init__(self, url: str, timeout: float = 30.0) -> None:
        # Plain HTTP to 127.0.0.1: skip loading the CA bundle (~45 ms), there is no TLS.
        self._http = httpx.Client(base_url=url.rstrip("/"), timeout=timeout, verify=False)

    def disconnect(self) -> None:
        """Release the HTTP connection pool (`close` is the shipment operation)."""
        self._http.close()

    def __enter__(self) -> ControlClient:
        return self

    def __exit__(self, *_: object) -> None:
        self.disconnect()

    def create_seller(
        self, seller_id: str, marketplace_ids: list[str], refresh_token: str | None = None
    ) -> dict[str, Any]:
        """Returns {seller_id, marketplace_ids, refresh_token}."""
        body: dict[str, Any] = {"seller_id": seller_id, "marketplace_ids": marketplace_ids}
        if refresh_token is not None:
            body["refresh_token"] = refresh_token
        return self._call("POST", "/_sim/sellers", body)

    def seller(self, seller_id: str) -> dict[str, Any]:
        """{seller_id, marketplace_ids, refresh_token, refresh_tokens, shipment_ids};
        `refresh_tokens` are the ones that work now."""
        return self._call("GET", f"/_sim/sellers/{seller_id}")

    def revoke(self, seller_id: str) -> dict[str, Any]:
        """The seller withdraws the app's authorization: every refresh token of the seller,
        and every access token obtained from one, stops working. Returns
        {seller_id, revoked_refresh_tokens: count}."""
        return self._call("POST", f"/_sim/sellers/{seller_id}/revoke")

    def issue_refresh_token(self, seller_id: str) -> str:
        """One more working refresh token for the seller (a new authorization)."""
        return str(self._call("POST", f"/_sim/sellers/{seller_id}/tokens")["refresh_token"])

    def consent(self, seller_id: str, state: str, redirect_uri: str) -> str:
        """The seller confirms the app's authorization in the website workflow: returns the
        URL Amazon redirects to, `redirect_uri` with `state`, `selling_partner_id` and
        `spapi_oauth_code` (exchange it at LWA with `grant_type=authorization_code`)."""
        params = {"seller_id": seller_id, "state": state, "redirect_uri": redirect_uri}
        response = self._http.get("/_sim/consent", params=params)
        if response.status_code != 302:
            raise ControlApiError(response.status_code, _error_message(response))
        return str(response.headers["Location"])

    def create_shipment(
        self,
        seller_id: str,
        marketplace_id: str,
        items: ItemLines,
        destination_fc: str = "PHX7",
        **fields: Any,
    ) -> str:
        """`items`: {sku: planned quantity} or [{"sku", "quantity", ...}]; `fields` may set
        name, status, confirmed_need_by_date, ... (see README)."""
        body = {
            "marketplace_id": marketplace_id,
            "destination_fc": destination_fc,
            "items": _as_lines(items),
            **fields,
        }
        return str(self._call("POST", f"/_sim/sellers/{seller_id}/shipments", body)["shipment_id"])

    def bulk_create_shipments(
        self,
        seller_id: str,
        marketplace_id: str,
        count: int,
        lines_per_shipment: int,
        **fields: Any,
    ) -> list[str]:
        body = {
            "marketplace_id": marketplace_id,
            "count": count,
            "lines_per_shipment": lines_per_shipment,
            **fields,
        }
        answer = self._call("POST", f"/_sim/sellers/{seller_id}/shipments/bulk", body)
        return list(answer["shipment_ids"])

    def shipment(self, shipment_id: str) -> dict[str, Any]:
        return self._call("GET", f"/_sim/shipments/{shipment_id}")

    def set_status(self, shipment_id: str, status: str) -> dict[str, Any]:
        return self._call("POST", f"/_sim/shipments/{shipment_id}/status", {"status": status})

    def set_items(self, shipment_id: str, items: ItemLines) -> dict[str, Any]:
        """Replaces the plan: {sku: QuantityShipped} (each >= 1); SKUs left out leave it, but a
        line with received units stays, shipped 0. Returns the shipment view."""
        body = {"items": _as_lines(items)}
        return self._call("PUT", f"/_sim/shipments/{shipment_id}/items", body)

    def receive(self, shipment_id: str, items: ItemLines) -> dict[str, Any]:
        """Adds to the cumulative QuantityReceived per SKU (negative for corrections). CLOSED,
        CANCELLED and DELETED shipments take receipts too and keep their status."""
        body = {"items": _as_lines(items)}
        return self._call("POST", f"/_sim/shipments/{shipment_id}/receive", body)

    def close(self, shipment_id: str) -> dict[str, Any]:
        """Status CLOSED, however many units arrived; later receipts keep it CLOSED."""
        return self._call("POST", f"/_sim/shipments/{shipment_id}/close")

    close_shipment = close

    def cancel(self, shipment_id: str) -> dict[str, Any]:
        return self._call("POST", f"/_sim/shipments/{shipment_id}/cancel")

    def adjust_inventory(
        self,
        seller_id: str,
        marketplace_id: str,
        sku: str,
        reason: str,
        fulfillable_delta: int = 0,
        unfulfillable_delta: int = 0,
    ) -> dict[str, Any]:
        """Amazon books units the seller never sees as a shipment (lost, damaged, found): the
        SKU's fulfillable and unfulfillable figures after it, and the notifications sent."""
        body = {
            "marketplace_id": marketplace_id,
            "sku": sku,
            "fulfillable_delta": fulfillable_delta,
            "unfulfillable_delta": unfulfillable_delta,
            "reason": reason,
        }
        return self._call("POST", f"/_sim/sellers/{seller_id}/inventory-adjustments", body)

    def inject_fault(
        self, operation: str, status: int, body: str = "json", count: int = 1, delay_ms: int = 0
    ) -> dict[str, Any]:
        fault = {
            "operation": operation,
            "status": status,
            "body": body,
            "count": count,
            "delay_ms": delay_ms,
        }
        return self._call("POST", "/_sim/faults", fault)

    def clear_faults(self) -> None:
        self._call("DELETE", "/_sim/faults")

    def calls(self) -> dict[str, dict[str, int]]:
        """{operation: {"served": n, "throttled": n, "faulted": n}}"""
        return {op: dict(counts) for op, counts in self._call("GET", "/_sim/calls").items()}

    def reset_calls(self) -> None:
        self._call("DELETE", "/_sim/calls")

    def now(self) -> str:
        return str(self._call("GET", "/_sim/clock")["now"])

    def advance_clock(self, seconds: float) -> str:
        return str(self._call("POST", "/_sim/clock", {"advance_seconds": seconds})["now"])

    def configure_notifications(self, endpoint_url: str | None) -> dict[str, Any]:
        """The SQS endpoint notifications go to: subscriptions' destination queues are
        resolved there (None: AWS's own). Returns the status, as `notifications()`."""
        return self._call("POST", "/_sim/notifications", {"endpoint_url": endpoint_url})

    def notifications(self) -> dict[str, Any]:
        """{endpoint_url, application_id, sent, last_error}"""
        return self._call("GET", "/_sim/notifications")

    def set_notification_quirks(
        self,
        seed: int,
        duplicate_rate: float = 0.0,
        reorder_rate: float = 0.0,
        delay_rate: float = 0.0,
    ) -> dict[str, Any]:
        """SQS standard-queue quirks for notifications, seeded: each message is held back
        until the next send with `delay_rate`, sent twice with `duplicate_rate`; each send's
        messages are shuffled with `reorder_rate`. Returns {enabled, settings, held, released}."""
        body = {
            "seed": seed,
            "duplicate_rate": duplicate_rate,
            "reorder_rate": reorder_rate,
            "delay_rate": delay_rate,
        }
        return self._call("PUT", "/_sim/notifications/quirks", body)

    def notification_quirks(self) -> dict[str, Any]:
        """{enabled, settings, held}"""
        return self._call("GET", "/_sim/notifications/quirks")

    def clear_notification_quirks(self) -> dict[str, Any]:
        """Quirks off; the messages held back are sent now (`released` counts them)."""
        return self._call("DELETE", "/_sim/notifications/quirks")

    # Fulfillment Inbound v2024-03-20 (inbound plans)

    def set_placement_options(
        self, seller_id: str, options: Sequence[Mapping[str, Any]]
    ) -> dict[str, Any]:
        """The placement options generatePlacementOptions offers the seller from now on, in
        this order: each {"shipment_count": n (1-50; capped at the plan's units), "fee"?: 0.0,
        "discount"?: 0.0, "currency"?: the marketplace's}; fees and discounts are totals per
        option. Leave out every option with shipment_count 1 to offer no single-shipment
        option; `[]` offers nothing. Returns {seller_id, options, configured}."""
        body = {"options": [dict(option) for option in options]}
        return self._call("PUT", f"/_sim/sellers/{seller_id}/placement-options", body)

    def placement_options(self, seller_id: str) -> dict[str, Any]:
        """{seller_id, options, configured}: configured false means the defaults (a split
        into 2 shipments without fee, and 1 shipment for a fee of 45.00)."""
        return self._call("GET", f"/_sim/sellers/{seller_id}/placement-options")

    def reset_placement_options(self, seller_id: str) -> dict[str, Any]:
        """Back to the default placement options."""
        return self._call("DELETE", f"/_sim/sellers/{seller_id}/placement-options")

    def set_operation_duration(self, seller_id: str, seconds: float) -> dict[str, Any]:
        """How long the seller's operations stay IN_PROGRESS (simulated seconds; advance the
        clock to end them sooner; 0: done by the next request). Returns {seller_id, seconds}."""
        body = {"seconds": seconds}
        return self._call("PUT", f"/_sim/sellers/{seller_id}/operation-duration", body)

    def operation_duration(self, seller_id: str) -> float:
        path = f"/_sim/sellers/{seller_id}/operation-duration"
        return float(self._call("GET", path)["seconds"])

    def fail_next_operation(
        self,
        seller_id: str,
        operation: str,
        count: int = 1,
        problems: Sequence[Mapping[str, Any]] | None = None,
        outcome: str = "FAILED",
    ) -> list[dict[str, Any]]:
        """The seller's next `count` operations of this kind (createInboundPlan,
        generatePackingOptions, confirmPackingOption, setPackingInformation,
        generatePlacementOptions, confirmPlacementOption, cancelInboundPlan) end with `outcome`
        ("FAILED": nothing changes; "SUCCESS": applied, with the problems as warnings) and
        `problems` [{code, message, severity?="ERROR", details?}] (default: Amazon's
        InternalServerError "ERROR: Something went wrong. Please try again later.").
        The call's own checks run first: a refused call does not use the failure up.
        Returns the seller's pending failures."""
        body: dict[str, Any] = {"operation": operation, "count": count, "outcome": outcome}
        if problems is not None:
            body["problems"] = [dict(problem) for problem in problems]
        path = f"/_sim/sellers/{seller_id}/operation-failures"
        return list(self._call("POST", path, body)["pending"])

    def operation_failures(self, seller_id: str) -> list[dict[str, Any]]:
        path = f"/_sim/sellers/{seller_id}/operation-failures"
        return list(self._call("GET", path)["pending"])

    def clear_operation_failures(self, seller_id: str) -> None:
        self._call("DELETE", f"/_sim/sellers/{seller_id}/operation-failures")

    def inbound_plans(self, seller_id: str) -> list[dict[str, Any]]:
        """The seller's inbound plans, oldest first, as `inbound_plan` shows each."""
        path = f"/_sim/sellers/{seller_id}/inbound-plans"
        return list(self._call("GET", path)["inbound_plans"])

    def inbound_plan(self, inbound_plan_id: str) -> dict[str, Any]:
        """{inbound_plan_id, seller_id, marketplace_id, name, status, created_at,
        last_updated_at, items: [{msku, quantity}], packing_option_id, placement_option_id
        (the confirmed ones, or None), placement_options: [{placement_option_id, status,
        shipment_ids, fee, discount, currency}], shipments: [{shipment_id,
        shipment_confirmation_id, placement_option_id, warehouse_id, status, items: {msku:
        units}}], operations: [{operation_id, operation, status}]}."""
        return self._call("GET", f"/_sim/inbound-plans/{inbound_plan_id}")

    def add_orders(self, seller_id: str, orders: list[dict[str, Any]]) -> list[str]:
        """Give the seller orders, as the Reports API's order and returns reports show them:
        each `{marketplace_id, fulfillment_channel: "AFN"|"MFN", purchase_date,
        last_updated_date?, order_status?="Shipped" (Orders API statuses, "Canceled"
        included), amazon_order_id?, lines: [{sku, quantity}], returns?: [{sku, quantity,
        return_date, reason?}]}` (date-times with a zone). Returns the amazon order ids."""
        path = f"/_sim/sellers/{seller_id}/orders"
        return list(self._call("POST", path, {"orders": orders})["amazon_order_ids"])

    def orders(self, seller_id: str) -> list[dict[str, Any]]:
        """The seller's orders as given, with their ids and UTC timestamps."""
        return list(self._call("GET", f"/_sim/sellers/{seller_id}/orders")["orders"])

    def update_order(self, seller_id: str, amazon_order_id: str, **change: Any) -> dict[str, Any]:
        """Change an order later (`last_updated_date`, `order_status`, `add_returns`)."""
        return self._call("POST", f"/_sim/sellers/{seller_id}/orders/{amazon_order_id}", change)

    def force_report_outcomes(
        self, seller_id: str, report_type: str, outcome: str, count: int = 1
    ) -> dict[str, Any]:
        """The seller's next `count` reports of the type end `FATAL` or stay `STUCK`."""
        body = {"report_type": report_type, "outcome": outcome, "count": count}
        return self._call("POST", f"/_sim/sellers/{seller_id}/report-outcomes", body)

    def set_report_compression(self, seller_id: str, gzip_every: int) -> dict[str, Any]:
        """Every `gzip_every`-th report document of the seller comes GZIP (0: none)."""
        body = {"gzip_every": gzip_every}
        return self._call("PUT", f"/_sim/sellers/{seller_id}/report-compression", body)

    def reset(self) -> None:
        self._call("POST", "/_sim/reset")

    def _call(self, method: str, path: str, body: Any = None) -> dict[str, Any]:
        response = self._http.request(method, path, json=body)
        if response.status_code >= 300:
            raise ControlApiError(response.status_code, _error_message(response))
        document: dict[str, Any] = response.json()
        return document


def _error_message(response: httpx.Response) -> str:
    try:
        document = response.json()
    except ValueError:
        return response.text
    return str(document.get("error", document)) if isinstance(document, dict) else str(document)
