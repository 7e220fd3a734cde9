"""Raw HTTP calls to the simulator's SP-API, without the sp_api client: to see statuses,
headers and bodies exactly as sent, and to send what sp_api would not."""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from .conftest import US

SHIPMENTS = "/fba/inbound/v0/shipments"
SHIPMENT_ITEMS = "/fba/inbound/v0/shipmentItems"
INVENTORY = "/fba/inventory/v1/summaries"


def shipment_items_path(shipment_id: str) -> str:
    return f"{SHIPMENTS}/{shipment_id}/items"


def access_token(url: str, refresh_token: str) -> str:
    """An access token from the simulator's LWA, as sp_api fetches one."""
    answer = httpx.post(
        f"{url}/auth/o2/token",
        data={
            "grant_type": "refresh_token",
            "refresh_token": refresh_token,
            "client_id": "app",
            "client_secret": "secret",
        },
        verify=False,  # plain HTTP: skip loading the CA bundle (~45 ms a call)
    )
    answer.raise_for_status()
    return str(answer.json()["access_token"])


@dataclass(frozen=True)
class RawSpApi:
    url: str
    token: str | None

    @classmethod
    def for_seller(cls, url: str, refresh_token: str) -> RawSpApi:
        return cls(url, access_token(url, refresh_token))

    def get(self, path: str, params: dict[str, str] | None = None) -> httpx.Response:
        headers = {"x-amz-access-token": self.token} if self.token else {}
        return httpx.get(f"{self.url}{path}", params=params or {}, headers=headers, verify=False)

    def get_raw_query(self, path: str, query: str) -> httpx.Response:
        """`query` goes out exactly as written (e.g. an unencoded `+`)."""
        headers = {"x-amz-access-token": self.token} if self.token else {}
        return httpx.get(httpx.URL(f"{self.url}{path}?{query}"), headers=headers, verify=False)


def inventory_params(marketplace_id: str = US, **extra: str) -> dict[str, str]:
    return {
        "granularityType": "Marketplace",
        "granularityId": marketplace_id,
        "marketplaceIds": marketplace_id,
        **extra,
    }


def error_of(response: httpx.Response) -> tuple[int, str, str]:
    """(status, code, message) of an SP-API error answer with one error."""
    [error] = response.json()["errors"]
    return response.status_code, error["code"], error["message"]
