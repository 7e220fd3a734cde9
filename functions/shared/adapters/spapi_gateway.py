"""The Amazon gateway over python-amazon-sp-api, and the plumbing every adapter over sp_api
shares (`SpApiSession`; `inbound_plans_gateway` and `reports_gateway` are the others): with
them, the only modules that import `sp_api`.

sp_api raises only when a body carries `errors`; a 5xx or 429 with an empty or HTML body comes
back as an empty response. Every call here turns both into the port's typed errors.

Every call is bounded (see `bounded_http`): all of it, the LWA token it may need included, ends
within `timeout_seconds` (else `AmazonUnavailable`, worth retrying), and no answer is read past
`max_response_bytes`. An answer too large, JSON nested too deep for the parser, or a page whose
own fields are out of bounds is `AmazonUnreadable`: the same request would bring it again.
"""

import importlib.util
import os
import ssl
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache, partial
from json import JSONDecodeError
from typing import Any, TypeVar
from urllib.parse import urlsplit

import httpx

from domain.amazon_gateway import (
    FBA_INVENTORY_AVAILABILITY_CHANGES,
    GET_INVENTORY_SUMMARIES,
    GET_SHIPMENT_ITEMS,
    GET_SHIPMENT_ITEMS_BY_SHIPMENT_ID,
    GET_SHIPMENTS,
    SUBSCRIBE,
    AmazonAuthFailed,
    AmazonError,
    AmazonRejected,
    AmazonThrottled,
    AmazonUnavailable,
    AmazonUnreadable,
    InventoryPage,
    ItemPage,
    ItemQuery,
    ShipmentPage,
    ShipmentQuery,
)
from domain.marketplaces import Region
from functions.shared.adapters import amazon_json
from functions.shared.adapters.bounded_http import AnswerRefused, bounded_client, deadline
from functions.shared.adapters.lwa import LwaCredentials as LwaCredentials  # re-exported


def _defer_init(package: str) -> None:
    """Put `package` into `sys.modules` without running its `__init__` (unless something
    imported it already: then nothing changes).

    The bare package is a module made from its spec: it has the `__path__` that importing its
    submodules by their full names needs, and none of the names its `__init__` defines. The
    first lookup of any such name (`from package import X`, later, anywhere in the process)
    runs that `__init__` then, once, into the same module: every other use still works.
    """
    if package in sys.modules:
        return
    spec = importlib.util.find_spec(package)
    if spec is None or spec.loader is None:
        return
    module, loader = importlib.util.module_from_spec(spec), spec.loader

    def run_init(name: str) -> Any:  # PEP 562: called only for names the module lacks
        del module.__dict__["__getattr__"]
        loader.exec_module(module)
        return getattr(module, name)

    module.__dict__["__getattr__"] = run_init
    sys.modules[package] = module
    parent, _, child = package.rpartition(".")
    if parent:
        setattr(sys.modules[parent], child, module)  # as the import system binds a submodule


# sp_api sizes its access-token cache when imported: one token per seller a warm container serves.
os.environ.setdefault("SP_API_AUTH_CACHE_SIZE", "1000")
# Also before sp_api is imported: two `__init__`s that import what the gateway never uses, about
# a tenth of the worker's cold start. `sp_api.api`'s imports every SP-API client (finances,
# orders, reports, ...): the gateway imports its two by their modules, whose own imports
# (`sp_api.base`, `sp_api.util`, `sp_api.auth`) never reach back into `sp_api.api`. confuse's
# (and yaml) serves only sp_api's credentials from a config file: the gateway hands them over.
_defer_init("sp_api.api")
_defer_init("confuse")

from sp_api.api.fulfillment_inbound.fulfillment_inbound_v0 import (  # noqa: E402
    FulfillmentInboundV0,
)
from sp_api.api.inventories.inventories import Inventories  # noqa: E402
from sp_api.auth import AccessTokenClient, access_token_client  # noqa: E402
from sp_api.auth._core import build_cache_key  # noqa: E402
from sp_api.auth.exceptions import AuthorizationError  # noqa: E402
from sp_api.base._transport_httpx import HttpxTransport  # noqa: E402
from sp_api.base.exceptions import (  # noqa: E402
    SellingApiException,
    SellingApiForbiddenException,
    SellingApiGatewayTimeoutException,
    SellingApiRequestThrottledException,
    SellingApiServerException,
    SellingApiStateConflictException,
    SellingApiTemporarilyUnavailableException,
)

P = TypeVar("P")

# Amazon's SP-API hosts and the AWS region each lives in.
REGION_ENDPOINTS: dict[Region, tuple[str, str]] = {
    Region.NA: ("https://sellingpartnerapi-na.amazon.com", "us-east-1"),
    Region.EU: ("https://sellingpartnerapi-eu.amazon.com", "eu-west-1"),
    Region.FE: ("https://sellingpartnerapi-fe.amazon.com", "us-west-2"),
}
RETRYABLE = (
    SellingApiServerException,
    SellingApiTemporarilyUnavailableException,
    SellingApiGatewayTimeoutException,
)
RATE_LIMIT_HEADER = "x-amzn-RateLimit-Limit"
# The most one answer may hold; Amazon's pages are a small fraction of it.
DEFAULT_MAX_RESPONSE_BYTES = 10_000_000
# The most of Amazon's words a quoted refusal keeps (one message may hold 2,048 characters).
MAX_QUOTED_REFUSAL = 4_000


class _UnreadableAnswer(Exception):
    """sp_api could not read an answer's JSON (beyond the invalid JSON it reads as empty)."""


class KeepsStatus:
    """Remembers the HTTP status of the last answer, which sp_api drops when the body is empty
    or HTML: a silent 429 must still empty our token bucket. Tells an answer sp_api cannot read
    (JSON nested past the parser's depth, a number of thousands of digits, a JSON value that is
    not an object) from a failure of ours."""

    last_status = 0

    def _check_response(self, res: Any, *args: Any, **kwargs: Any) -> Any:
        self.last_status = int(res.status_code)
        try:
            return super()._check_response(res, *args, **kwargs)  # type: ignore[misc]
        except RecursionError:
            raise _UnreadableAnswer("JSON nested too deeply") from None
        except (ValueError, AttributeError) as error:
            raise _UnreadableAnswer(f"JSON sp_api cannot read ({type(error).__name__})") from None


class _Inbound(KeepsStatus, FulfillmentInboundV0):  # type: ignore[misc]
    """Fulfillment Inbound v0: the reads that return received quantities."""


class _Inventories(KeepsStatus, Inventories):  # type: ignore[misc]
    pass


@cache
def _notifications_api() -> type[Any]:
    """The Notifications client, imported on first use (one subscription per connection)."""
    from sp_api.api.notifications.notifications import Notifications

    return type("_Notifications", (KeepsStatus, Notifications), {})


@dataclass(frozen=True)
class _Marketplace:
    """What sp_api reads from a `Marketplaces` member: endpoint, marketplace id, AWS region."""

    endpoint: str
    marketplace_id: str
    region: str


@cache
def _tls_context() -> ssl.SSLContext:
    """httpx's default (verifying) context, made once per container and shared: loading the CA
    bundle costs some 20 ms of CPU, which each httpx client (two per sp_api client: the API's
    and LWA's) would otherwise spend again."""
    return httpx.create_ssl_context()


def _verify(endpoint: str) -> ssl.SSLContext | bool:
    """What sp_api's httpx clients verify TLS with. A plain-HTTP endpoint (the local simulator;
    LWA follows its scheme) makes no TLS connection: no CA bundle is loaded for it."""
    return _tls_context() if urlsplit(endpoint).scheme != "http" else False


class _LwaUnreadable(Exception):
    """LWA answered with JSON sp_api cannot read, or that is not an object."""


class _TokenClient(AccessTokenClient):  # type: ignore[misc]
    """sp_api's LWA client, telling an answer it cannot read from a failure of ours (sp_api
    reads LWA's JSON unguarded: a list, or JSON nested too deep, would escape as a TypeError or
    a RecursionError). An HTML error page stays a JSONDecodeError, as before."""

    def _request(self, url: str, data: Any, headers: Any) -> Any:
        try:
            answer = super()._request(url, data, headers)
        except JSONDecodeError:
            raise
        except AnswerRefused as refused:
            raise _LwaUnreadable(str(refused)) from None
        except RecursionError:
            raise _LwaUnreadable("JSON nested too deeply") from None
        except (ValueError, AttributeError) as error:
            raise _LwaUnreadable(f"JSON sp_api cannot read ({type(error).__name__})") from None
        if not isinstance(answer, dict):
            raise _LwaUnreadable("not a JSON object")
        return answer


def _local_token_client(endpoint: str) -> type[AccessTokenClient]:
    """LWA served by the local simulator, over plain HTTP, instead of api.amazon.com."""
    parts = urlsplit(endpoint)
    attributes = {"scheme": f"{parts.scheme or 'http'}://", "host": parts.netloc}
    return type("LocalAccessTokenClient", (_TokenClient,), attributes)


class SpApiSession:
    """What every adapter over sp_api shares, for one seller in one region: the seller's LWA
    credentials, the region's host (or, with `endpoint`, a local simulator), one bounded httpx
    client under every sp_api client and its LWA client, and each call's answer or typed error.
    """

    # Whether a refusal's detail quotes Amazon's error messages, or only their code.
    _quote_refusals = False

    def __init__(
        self,
        credentials: LwaCredentials,
        region: Region,
        endpoint: str | None = None,
        timeout_seconds: float = 10.0,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
    ) -> None:
        """`timeout_seconds`: the most one call may take, all of it; `max_response_bytes`: the
        most one answer may hold."""
        self._credentials = credentials
        self._region = region
        self._timeout = timeout_seconds
        self._max_bytes = max_response_bytes
        self._http: httpx.Client | None = None  # every sp_api client's, and LWA's, once made
        if endpoint:
            self._endpoint, self._aws_region = endpoint.rstrip("/"), REGION_ENDPOINTS[region][1]
            self._token_client = _local_token_client(endpoint)
        else:
            self._endpoint, self._aws_region = REGION_ENDPOINTS[region]
            self._token_client = _TokenClient
        self._clients: dict[tuple[str, str], Any] = {}

    def close(self) -> None:
        for client in self._clients.values():
            client.close()
        self._clients.clear()
        if self._http is not None:
            self._http.close()
            self._http = None

    # sp_api plumbing

    def _client(self, api: type[Any], marketplace_id: str) -> Any:
        key = (api.__name__, marketplace_id)
        if key not in self._clients:
            client = api(
                marketplace=_Marketplace(self._endpoint, marketplace_id, self._aws_region),
                credentials={
                    "refresh_token": self._credentials.refresh_token.get_secret_value(),
                    "lwa_app_id": self._credentials.lwa_app_id,
                    "lwa_client_secret": self._credentials.lwa_client_secret.get_secret_value(),
                },
                auth_token_client_class=self._token_client,
                timeout=self._timeout,
                verify=_verify(self._endpoint),
            )
            _answer_through(client, self._bounded_http())
            self._clients[key] = client
        return self._clients[key]

    def _bounded_http(self) -> httpx.Client:
        if self._http is None:
            tls = _verify(self._endpoint)
            self._http = bounded_client(
                ssl_context=tls if isinstance(tls, ssl.SSLContext) else None,
                timeout_seconds=self._timeout,
                max_bytes=self._max_bytes,
            )
        return self._http

    def _answered(self, operation: str, client: KeepsStatus, response: Any) -> float | None:
        """The rate Amazon applied to `response`, once it is known to be an answer: sp_api's
        silent failure (a 5xx/429 whose body was empty or HTML) is the port's typed error."""
        rate = _rate_limit(response.headers)
        if not isinstance(response.payload, dict) or not response.payload:
            status = client.last_status
            if 200 <= status < 300 and response.payload:  # a list, a string: no page
                raise AmazonUnreadable(operation, "unreadable page: payload is not an object", rate)
            if status == 429:
                raise AmazonThrottled(operation, "HTTP 429 with an empty or HTML body", rate)
            raise AmazonUnavailable(operation, f"HTTP {status} with an empty or HTML body", rate)
        return rate

    def _request(self, operation: str, call: Callable[[], Any]) -> Any:
        """sp_api's response, or the port's typed error. All of the call (each HTTP exchange
        it makes: the LWA token, the request, the answer) ends within the timeout."""
        try:
            with deadline(self._timeout):
                return call()
        except SellingApiException as error:
            typed = _typed(operation, error, quote=self._quote_refusals)
            if isinstance(typed, AmazonAuthFailed):
                self._forget_access_token()  # a refused access token must not be reused
            raise typed from None
        except AuthorizationError as error:
            if int(error.status_code or 0) >= 500:
                raise AmazonUnavailable(operation, f"LWA HTTP {error.status_code}") from None
            code = str(error.error_code or "")
            raise AmazonAuthFailed(operation, f"LWA refused: {code}", code=code) from None
        except (AnswerRefused, _UnreadableAnswer, RecursionError) as error:
            raise AmazonUnreadable(operation, _unreadable(error)) from None
        except _LwaUnreadable as error:  # not this call's page: LWA's, worth a retry
            raise AmazonUnavailable(operation, f"LWA's answer unreadable: {error}") from None
        except httpx.TimeoutException:
            detail = f"no complete answer within {self._timeout:g} s"
            raise AmazonUnavailable(operation, detail) from None
        except (httpx.HTTPError, JSONDecodeError) as error:
            raise AmazonUnavailable(operation, f"transport: {type(error).__name__}") from None

    def _forget_access_token(self) -> None:
        key = build_cache_key(self._credentials.refresh_token.get_secret_value())
        access_token_client.cache.pop(key, None)


class SpApiGateway(SpApiSession):
    """Fulfillment Inbound v0 reads, FBA inventory and the inventory notifications'
    subscription (the port `AmazonGateway`). `endpoint` points every call at a local simulator
    instead."""

    # The port

    def list_shipments(self, query: ShipmentQuery) -> ShipmentPage:
        params = {
            "QueryType": "SHIPMENT" if query.shipment_ids else "DATE_RANGE",
            "MarketplaceId": query.marketplace_id,
            # sp_api turns lists into repeated keys; Amazon wants comma-separated strings.
            "ShipmentStatusList": ",".join(query.statuses),
        }
        if query.shipment_ids:
            params["ShipmentIdList"] = ",".join(query.shipment_ids)
        # Whole seconds, widened outwards: both bounds are inclusive.
        if query.updated_after is not None:
            params["LastUpdatedAfter"] = amazon_time(query.updated_after)
        if query.updated_before is not None:
            params["LastUpdatedBefore"] = amazon_time(_next_second(query.updated_before))
        inbound = self._client(_Inbound, query.marketplace_id)
        request = partial(inbound.get_shipments, **params)
        return self._call(GET_SHIPMENTS, inbound, request, amazon_json.shipments_page)

    def next_shipments(self, marketplace_id: str, next_token: str) -> ShipmentPage:
        # Only these three: resending the original filters can return the first page again.
        inbound = self._client(_Inbound, marketplace_id)
        request = partial(
            inbound.get_shipments,
            QueryType="NEXT_TOKEN",
            NextToken=next_token,
            MarketplaceId=marketplace_id,
        )
        return self._call(GET_SHIPMENTS, inbound, request, amazon_json.shipments_page)

    def shipment_items(self, marketplace_id: str, shipment_id: str) -> ItemPage:
        inbound = self._client(_Inbound, marketplace_id)
        request = partial(
            inbound.shipment_items_by_shipment, shipment_id, MarketplaceId=marketplace_id
        )
        parse = partial(amazon_json.items_page, shipment_id=shipment_id)
        return self._call(GET_SHIPMENT_ITEMS_BY_SHIPMENT_ID, inbound, request, parse)

    def next_items(self, marketplace_id: str, next_token: str) -> ItemPage:
        # A token from the by-shipment call continues through getShipmentItems.
        inbound = self._client(_Inbound, marketplace_id)
        request = partial(
            inbound.shipment_items,
            QueryType="NEXT_TOKEN",
            NextToken=next_token,
            MarketplaceId=marketplace_id,
        )
        return self._call(GET_SHIPMENT_ITEMS, inbound, request, amazon_json.items_page)

    def updated_items(self, query: ItemQuery) -> ItemPage:
        # Whole seconds, widened outwards: both bounds are inclusive. Next pages: `next_items`.
        inbound = self._client(_Inbound, query.marketplace_id)
        request = partial(
            inbound.shipment_items,
            QueryType="DATE_RANGE",
            MarketplaceId=query.marketplace_id,
            LastUpdatedAfter=amazon_time(query.updated_after),
            LastUpdatedBefore=amazon_time(_next_second(query.updated_before)),
        )
        return self._call(GET_SHIPMENT_ITEMS, inbound, request, amazon_json.items_page)

    def inventory_summaries(
        self, marketplace_id: str, skus: tuple[str, ...], next_token: str | None = None
    ) -> InventoryPage:
        params = {
            "granularityType": "Marketplace",
            "granularityId": marketplace_id,
            "marketplaceIds": marketplace_id,
            "details": "true",
        }
        if skus:  # none: every SKU of the marketplace, page by page
            params["sellerSkus"] = ",".join(skus)
        if next_token:
            params["nextToken"] = next_token
        inventories = self._client(_Inventories, marketplace_id)
        request = partial(inventories.get_inventory_summary_marketplace, **params)
        # The inventory payload keeps its `pagination` beside `payload`: parse the whole body.
        parse = amazon_json.inventory_page
        return self._call(GET_INVENTORY_SUMMARIES, inventories, request, parse, whole_body=True)

    def subscribe_to_inventory_changes(self, marketplace_id: str, destination_arn: str) -> str:
        """Our SQS queue as the app's destination (found, or created once), then the seller's
        subscription to FBA_INVENTORY_AVAILABILITY_CHANGES there (created with the seller's
        grant, or the one the seller already has). Returns the subscription's id."""
        notifications = self._client(_notifications_api(), marketplace_id)

        def destination_id() -> str:
            listed = notifications.get_destinations().payload or []  # grantless
            for destination in listed if isinstance(listed, list) else []:
                if destination.get("resource", {}).get("sqs", {}).get("arn") == destination_arn:
                    return str(destination["destinationId"])
            name = f"fba-inventory-{destination_arn.rsplit(':', 1)[-1]}"[:256]
            created = notifications.create_destination(name=name, arn=destination_arn)
            return str(created.payload["destinationId"])

        def subscribe() -> Any:
            found = destination_id()
            try:
                return notifications.create_subscription(
                    FBA_INVENTORY_AVAILABILITY_CHANGES, destination_id=found
                )
            except SellingApiStateConflictException:  # the seller is subscribed already
                return notifications.get_subscription(FBA_INVENTORY_AVAILABILITY_CHANGES)

        response = self._request(SUBSCRIBE, subscribe)
        subscription_id = (response.payload or {}).get("subscriptionId")
        if not subscription_id:
            raise AmazonUnavailable(SUBSCRIBE, "no subscriptionId in Amazon's answer")
        return str(subscription_id)

    # sp_api plumbing

    def _call(
        self,
        operation: str,
        client: KeepsStatus,
        call: Callable[[], Any],
        parse: Callable[[dict[str, Any], str, float | None], P],
        whole_body: bool = False,
    ) -> P:
        response = self._request(operation, call)
        rate = self._answered(operation, client, response)
        body = {"payload": response.payload, "pagination": response.pagination}
        try:
            return parse(body if whole_body else response.payload, operation, rate)
        except amazon_json.MalformedPage as problem:
            raise AmazonUnreadable(operation, f"unreadable page: {problem}", rate) from None
        except RecursionError:
            raise AmazonUnreadable(operation, "unreadable page: nested too deeply", rate) from None


def _answer_through(client: Any, http: httpx.Client) -> None:
    """sp_api builds an httpx client of its own for each API client and for its LWA client,
    with no way to pass ours in; its transport takes one (`HttpxTransport(client=...)`): both
    talk through the gateway's bounded client instead."""
    for part in (client, client._auth):
        if not isinstance(getattr(part, "_transport", None), HttpxTransport):
            raise TypeError(f"sp_api's {type(part).__name__} has no HttpxTransport to replace")
        part._transport.close()
        part._transport = HttpxTransport(client=http)


def _unreadable(error: Exception) -> str:
    if isinstance(error, RecursionError):  # met by sp_api anywhere else in its reading
        return "unreadable answer: JSON nested too deeply"
    if isinstance(error, _UnreadableAnswer):
        return f"unreadable answer: {error}"
    return str(error)  # AnswerRefused: larger than the cap, or encoded unasked


def amazon_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _next_second(moment: datetime) -> datetime:
    whole = moment.replace(microsecond=0)
    return whole if whole == moment else whole + timedelta(seconds=1)


def _rate_limit(headers: Any) -> float | None:
    value = (headers or {}).get(RATE_LIMIT_HEADER)
    try:
        return float(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def _typed(operation: str, error: SellingApiException, quote: bool = False) -> AmazonError:
    """sp_api's exception (its body had `errors`) as the port's error, with the announced rate.
    `quote`: a refusal's detail quotes Amazon's messages (`HTTP 400 BadRequest: ERROR: ...`)."""
    rate = _rate_limit(error.headers)
    code = str(getattr(error, "amzn_code", "") or "")
    if isinstance(error, SellingApiRequestThrottledException):
        return AmazonThrottled(operation, "HTTP 429", rate)
    if isinstance(error, SellingApiForbiddenException):
        return AmazonAuthFailed(operation, f"HTTP 403 {code}", rate, code=code)
    if isinstance(error, RETRYABLE) or type(error) is SellingApiException:
        # The base class stands for statuses sp_api has no class for (502, ...).
        return AmazonUnavailable(operation, f"HTTP {_status(error)} {code}", rate)
    if quote:
        return AmazonRejected(operation, _in_amazons_words(error), rate)
    return AmazonRejected(operation, f"HTTP {error.code} {code}", rate)


def _in_amazons_words(error: SellingApiException) -> str:
    """`HTTP <status> ` then each of Amazon's errors as `code: message`, at most
    `MAX_QUOTED_REFUSAL` characters in all."""
    listed = error.error if isinstance(error.error, list) else []
    words = [
        f"{entry.get('code') or ''}: {entry['message']}"
        if entry.get("message")
        else str(entry.get("code") or "")
        for entry in listed
        if isinstance(entry, dict)
    ]
    detail = f"HTTP {error.code} {'; '.join(words)}".rstrip()
    if len(detail) > MAX_QUOTED_REFUSAL:
        detail = detail[: MAX_QUOTED_REFUSAL - 1] + "…"
    return detail


def _status(error: SellingApiException) -> str:
    return str(error.code) if error.code != SellingApiException.code else "error"
