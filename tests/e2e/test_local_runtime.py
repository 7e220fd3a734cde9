"""End to end: `python -m infra.local` as a subprocess on free ports, driven over HTTP only
(the API and the simulator's control API), restarted midway with data kept on disk."""

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from infra.local.demo import Demo
from tests.e2e.support import RunningBackend


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
    reconciled = [t for t in transfer_orders if t["shipment_id"] is not None]
    # The seed's transfer (closed short) and the one saved to Amazon (open, three shipments),
    # and the second act's transfer between own warehouses.
    assert sorted(t["purchase_order_status"] for t in reconciled) == ["closed_short", "open"]
    assert len(transfer_orders) == 3
    other = httpx.get(
        f"{backend.api_url}/transfer-orders", headers={"Authorization": "Bearer dev:someone-else"}
    )
    assert (other.status_code, other.json()["items"]) == (200, [])
