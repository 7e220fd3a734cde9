"""`make dev`: run the whole backend locally until Ctrl-C (or SIGTERM)."""

import logging
import signal
import threading

from infra.local.config import DEMO_TENANT, LocalConfig
from infra.local.runtime import LocalRuntime


def main() -> None:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    config = LocalConfig.from_env()
    runtime = LocalRuntime(config)
    stopping = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stopping.set())
    endpoints = runtime.start()
    kept = (
        f"kept in {config.data_dir}"
        if config.data_dir
        else "in memory only (LOCAL_DATA_DIR keeps it)"
    )
    api, sim, token = endpoints.api, endpoints.simulator, f"Bearer dev:{DEMO_TENANT}"
    lines = [
        "FBA inbound backend running locally (Ctrl-C to stop)",
        f"  API:               {api}",
        f"  API docs:          {api}/docs   (OpenAPI: {api}/openapi.json)",
        f"  Simulated Amazon:  {sim}   (control API: {sim}/_sim/)",
        f"  AWS (moto server): {endpoints.aws}",
        f"  Sync schedule:     every {config.schedule_seconds:g} s",
        f"  Sync workers:      {config.sync_worker_concurrency} at once, each in a process",
        f"  Data:              {kept}",
        f"  Demo tenant:       Authorization: {token}",
        f"  Try:               curl -H 'Authorization: {token}' {api}/warehouses",
    ]
    print("\n".join(lines), flush=True)
    stopping.wait()
    print("Stopping...", flush=True)
    runtime.stop()
    print("Stopped.", flush=True)


if __name__ == "__main__":
    main()
