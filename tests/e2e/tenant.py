"""A tenant of the API over HTTP, against `python -m infra.local` (see `support.RunningBackend`):
its calls, Amazon's consent page as a seller would go through it, and waiting for eventually
consistent reads."""

import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Final, TypeVar
from urllib.parse import parse_qs, urlsplit

import httpx

from infra.simulated_amazon.client import ControlClient
from tests.e2e.support import RunningBackend

US = "ATVPDKIKX0DER"
DEADLINE_SECONDS = 30.0
T = TypeVar("T")


def eventually(
    what: str, read: Callable[[], T], shows: Callable[[T], bool], seconds: float = DEADLINE_SECONDS
) -> T:
    """`read()` again until `shows` it, or fail after `seconds` with the last answer."""
    deadline = time.monotonic() + seconds
    while True:
        answer = read()
        if shows(answer):
            return answer
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not shown within {seconds:g} s; last answer: {answer!r}")
        time.sleep(0.3)


def new_seller(amazon: ControlClient) -> tuple[str, str]:
    """A new seller on the simulated Amazon (US): its id and refresh token."""
    seller_id = f"E2E{uuid.uuid4().hex[:10].upper()}"
    return seller_id, str(amazon.create_seller(seller_id, [US])["refresh_token"])


def fba_of(connection: dict[str, Any]) -> str:
    """The connection's FBA warehouse (one marketplace)."""
    return str(next(w["warehouse_id"] for w in connection["warehouses"] if w["kind"] == "fba"))


class Tenant:
    def __init__(self, backend: RunningBackend) -> None:
        self.api = httpx.Client(
            base_url=backend.api_url,
            headers={"Authorization": f"Bearer dev:e2e-{uuid.uuid4().hex[:10]}"},
            timeout=120,  # the local runtime on a shared machine, not a latency check
        )

    def call(self, method: str, path: str, expect: int, **kw: Any) -> Any:
        response = self.api.request(method, path, **kw)
        body = response.json() if response.content else None
        assert response.status_code == expect, f"{method} {path}: {response.status_code} {body}"
        return body

    def consent_as(self, seller_id: str, claimed_seller_id: str | None = None) -> str:
        """Start connecting, sign in on Amazon's consent page as `seller_id`, come back and
        complete (claiming `claimed_seller_id` if given); returns the connection id."""
        started = self.call(
            "POST",
            "/connections/authorizations",
            201,
            json={"region": "NA", "marketplace_ids": [US]},
        )
        answer = httpx.get(f"{started['consent_url']}&seller_id={seller_id}")
        assert answer.status_code == 302, answer.text
        returned = {
            k: v[0] for k, v in parse_qs(urlsplit(answer.headers["location"]).query).items()
        }
        assert returned["state"] == started["state"]
        created = self.call(
            "POST",
            f"/connections/authorizations/{returned['state']}/complete",
            201,
            json={
                "spapi_oauth_code": returned["spapi_oauth_code"],
                "selling_partner_id": claimed_seller_id or returned["selling_partner_id"],
            },
        )
        return str(created["connection_id"])

    def connect_account(
        self, seller_id: str, refresh_token: str, order_type: str = "purchase_order"
    ) -> dict[str, Any]:
        """Connect the seller's account (US) with its refresh token; returns the connection."""
        connection = self.call(
            "POST",
            "/connections",
            201,
            json={
                "seller_id": seller_id,
                "region": "NA",
                "marketplace_ids": [US],
                "refresh_token": refresh_token,
                "default_order_type": order_type,
            },
        )
        return dict(connection)

    def synced_once(self, connection_id: str) -> None:
        eventually(
            f"connection {connection_id} synced",
            lambda: self.api.get(f"/connections/{connection_id}"),
            lambda r: r.status_code == 200 and r.json()["sync"]["last_completed_run"] is not None,
        )

    def stock_of(self, sku: str) -> list[dict[str, Any]]:
        return list(self.call("GET", "/stock", 200, params={"sku": sku})["items"])


# Amazon's inventory read by every run, every SKU recorded each time (it confirms figures); the
# simulated Amazon lists an order in its report at once, not up to 30 minutes late.
READ_AMAZON_FIGURES_EVERY_RUN: Final = {
    "SYNC_INVENTORY_SUMMARIES_MINUTES": "0",
    "SYNC_INVENTORY_CONFIRM_MINUTES": "0",
    "SYNC_SALES_LATENESS_MINUTES": "0",
}


def fast_backend(log_dir: Path, **env: str) -> Iterator[RunningBackend]:
    """In memory; Amazon's rates scaled up so syncs are fast; a 5 s schedule as a backstop;
    `env` adds to the runtime's environment."""
    running = RunningBackend(
        None, log_path=log_dir / "local-runtime.log", schedule_seconds=5, rate_scale=100
    )
    running.env.update(env)
    running.start()
    yield running
    running.kill()
