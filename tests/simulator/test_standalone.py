"""`python -m infra.simulated_amazon` runs the simulator on its own."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from infra.simulated_amazon import ControlClient

from .conftest import make_seller
from .raw_sp_api import INVENTORY, RawSpApi, inventory_params

pytestmark = pytest.mark.slow

REPO_ROOT = Path(__file__).resolve().parents[2]


def command(*options: str) -> list[str]:
    return [sys.executable, "-m", "infra.simulated_amazon", "--port", "0", *options]


@contextmanager
def standalone(*options: str) -> Iterator[str]:
    """The simulator's URL while it runs as its own process."""
    process = subprocess.Popen(command(*options), cwd=REPO_ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        banner = process.stdout.readline()
        yield banner.split(" on ")[1].split()[0]
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_the_module_serves_until_stopped() -> None:
    with standalone() as url:
        assert url.startswith("http://127.0.0.1:")

        response = httpx.get(f"{url}/_sim/clock")

    assert response.status_code == 200
    assert response.json()["now"].endswith("Z")


def test_a_429_announces_the_rate_only_when_asked() -> None:
    def throttled_header(*options: str) -> str | None:
        with standalone("--rate-scale", "0.1", *options) as url, ControlClient(url) as control:
            seller = make_seller(control, url)
            raw = RawSpApi.for_seller(url, seller.refresh_token)
            raw.get(INVENTORY, inventory_params())  # the burst of one
            throttled = raw.get(INVENTORY, inventory_params())
        assert throttled.status_code == 429
        return throttled.headers.get("x-amzn-RateLimit-Limit")

    assert throttled_header() is None
    assert throttled_header("--rate-header-on-429", "1") == "0.2"


def test_the_header_option_takes_a_probability() -> None:
    refused = subprocess.run(
        command("--rate-header-on-429", "1.5"), cwd=REPO_ROOT, capture_output=True, text=True
    )

    assert refused.returncode == 2
    assert "1.5 is not between 0 and 1" in refused.stderr
