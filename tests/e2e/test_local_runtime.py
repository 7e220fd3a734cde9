"""End to end: `python -m infra.local` as a subprocess on free ports, driven over HTTP only
(the API and the simulator's control API), restarted midway with data kept on disk."""

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from infra.local.demo import Demo

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class RunningBackend:
    def __init__(self, data_dir: Path) -> None:
        self.api_port, self.sim_port = free_port(), free_port()
        self.env = {
            **os.environ,
            "LOCAL_API_PORT": str(self.api_port),
            "LOCAL_SIM_PORT": str(self.sim_port),
            "LOCAL_DATA_DIR": str(data_dir),
            "LOCAL_SCHEDULE_SECONDS": "3600",
        }
        self.process: subprocess.Popen[str] | None = None

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.api_port}"

    @property
    def sim_url(self) -> str:
        return f"http://127.0.0.1:{self.sim_port}"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "infra.local"],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.process.poll() is None, (
                self.process.stdout.read() if self.process.stdout else ""
            )
            try:
                if httpx.get(f"{self.api_url}/openapi.json", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.3)
        raise AssertionError("the local runtime did not start within 60 s")

    def stop(self) -> str:
        assert self.process is not None
        self.process.send_signal(signal.SIGINT)
        output, _ = self.process.communicate(timeout=60)
        assert self.process.returncode == 0, output
        return output

    def restart(self) -> None:
        output = self.stop()
        assert "Stopped." in output
        self.start()


@pytest.fixture
def backend(tmp_path: Path) -> Iterator[RunningBackend]:
    running = RunningBackend(tmp_path / "local-data")
    running.start()
    yield running
    if running.process is not None and running.process.poll() is None:
        running.process.kill()
        running.process.wait()


def test_the_whole_workflow_over_http_survives_a_restart(backend: RunningBackend) -> None:
    # Given the backend running locally with data kept on disk
    demo = Demo(backend.api_url, backend.sim_url, tenant="e2e")
    # When the seed workflow runs over HTTP, with a restart of the backend midway,
    # Then every step shows what it should (Demo raises on the first figure that is wrong)
    demo.run(midway=backend.restart)
    # And nothing was duplicated by the restart, and another tenant sees none of it
    transfer_orders = demo.call(demo.api, "GET", "/transfer-orders", 200)["items"]
    assert len(transfer_orders) == 1
    assert transfer_orders[0]["purchase_order_status"] == "closed_short"
    other = httpx.get(
        f"{backend.api_url}/transfer-orders", headers={"Authorization": "Bearer dev:someone-else"}
    )
    assert (other.status_code, other.json()["items"]) == (200, [])
