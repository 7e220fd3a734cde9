"""`python -m infra.simulated_amazon` runs the simulator on its own."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx
import pytest

pytestmark = pytest.mark.slow

REPO_ROOT = Path(__file__).resolve().parents[2]


def test_the_module_serves_until_stopped() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "infra.simulated_amazon", "--port", "0"],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        banner = process.stdout.readline()
        url = banner.split(" on ")[1].split()[0]
        assert url.startswith("http://127.0.0.1:")

        response = httpx.get(f"{url}/_sim/clock")

        assert response.status_code == 200
        assert response.json()["now"].endswith("Z")
    finally:
        process.terminate()
        process.wait(timeout=10)
