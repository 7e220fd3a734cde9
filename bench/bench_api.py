"""The API function's cold import and its warm per-request cost.

Cold: importing `functions.api.handler` in a fresh interpreter (what a Lambda cold start pays
before the first request, interpreter start-up excluded), and whether sp_api or boto3 came along.
Warm: the real handler (auth, routing, validation, domain, serialization) for a list route
(GET /warehouses, 20 warehouses) and a command route (POST /warehouses/{id}/stock-counts:
load, decide, append), first on in-memory adapters (the handler's own cost), then on moto
in-process (adds boto3 and moto's DynamoDB, which is not DynamoDB's latency).
"""

import json
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from typing import Any

COLD_RUNS = 5
WARM_REQUESTS = 400
WAREHOUSES = 20
IMPORT_PROBE = (
    "import sys, time; t = time.perf_counter(); import functions.api.handler; "
    "print(time.perf_counter() - t, 'sp_api' in sys.modules, 'boto3' in sys.modules)"
)


def cold_imports() -> tuple[list[float], bool, bool]:
    seconds, sp_api, boto3 = [], False, False
    for _ in range(COLD_RUNS):
        out = subprocess.run(
            [sys.executable, "-c", IMPORT_PROBE], capture_output=True, text=True, check=True
        ).stdout.split()
        seconds.append(float(out[0]))
        sp_api, boto3 = out[1] == "True", out[2] == "True"
    return seconds, sp_api, boto3


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[int(len(ordered) * 0.95) - 1]


def timed(call: Callable[[], dict[str, Any]], expected: int) -> list[float]:
    samples = []
    for _ in range(WARM_REQUESTS):
        started = time.perf_counter()
        response = call()
        samples.append(time.perf_counter() - started)
        assert response["statusCode"] == expected, response
    return samples


class StaticViews:
    """The read side answering from memory: only the route's own cost is measured."""

    def __init__(self, warehouses: list[Any]) -> None:
        self._warehouses = warehouses

    def list_warehouses(self, tenant_id: str) -> list[Any]:
        return self._warehouses


class Discard:
    def store(self, *args: Any) -> None: ...

    def discard(self, *args: Any) -> None: ...

    def send(self, *args: Any, **kwargs: Any) -> None: ...


def in_memory_services() -> Any:
    from functions.api.idempotency import IdempotentCommands
    from functions.api.wiring import Services
    from functions.shared.adapters.system import RandomIds, SystemClock
    from functions.shared.aggregates import Aggregates
    from functions.shared.views.setup_models import Warehouse
    from tests.support.in_memory import InMemoryEventStore

    store = InMemoryEventStore()
    views = [
        Warehouse(
            warehouse_id=f"wh-{n}",
            name=f"Warehouse {n}",
            kind="own",
            connection_id=None,
            marketplace_id=None,
            enabled=True,
            version=1,
        )
        for n in range(WAREHOUSES)
    ]
    return Services(
        aggregates=Aggregates(store, RandomIds(), SystemClock()),
        events=store,
        views=StaticViews(views),  # type: ignore[arg-type]
        open_connecting=Discard,  # type: ignore[arg-type]  # no connection route is measured
        sync_status=Discard(),  # type: ignore[arg-type]
        idempotency=IdempotentCommands("unused", client=None),  # type: ignore[arg-type]
        amazon_jobs=Discard(),  # type: ignore[arg-type]  # no save to Amazon is measured
    )


def moto_services() -> Any:
    import boto3

    from functions.api.wiring import build_services
    from functions.shared.adapters.aws_clients import AwsClients
    from functions.shared.settings import ApiSettings
    from infra.local.tables import create_events_table, create_state_table, create_views_table

    def client(service: Any) -> Any:
        return boto3.client(
            service,
            region_name="us-east-1",
            aws_access_key_id="bench",
            aws_secret_access_key="bench",
        )

    clients = AwsClients(client("dynamodb"), client("sqs"), client("secretsmanager"))
    settings = ApiSettings(
        events_table="events",
        views_table="views",
        state_table="state",
        idempotency_table="idempotency",
        sync_queue_url="unused",
        amazon_jobs_queue_url="unused",
        refresh_token_secret_prefix="bench/",
        lwa_app_secret_id="unused",
        cursor_key_secret_id="unused",  # the measured list is not paged
        spapi_application_id="unused",
        authorization_redirect_uri="https://unused.example",
    )
    create_events_table(clients.dynamodb, settings.events_table)
    create_views_table(clients.dynamodb, settings.views_table)
    create_state_table(clients.dynamodb, settings.state_table)
    return build_services(settings, clients)


def warm(services: Any) -> dict[str, tuple[float, float]]:
    from functions.api.handler import handle
    from infra.local.lambda_context import LocalLambdaContext
    from tests.api.gateway import rest_event

    tenant, context = f"bench-{uuid.uuid4().hex[:8]}", LocalLambdaContext(function_name="api")

    def request(method: str, path: str, body: Any = None) -> dict[str, Any]:
        event = rest_event(method, path, tenant=tenant, body=body)
        return handle(event, context, services)

    ids = [
        json.loads(request("POST", "/warehouses", {"name": f"W{n}"})["body"])["warehouse_id"]
        for n in range(WAREHOUSES)
    ]
    count = {"lines": [{"sku": f"SKU-{n}", "quantity": n} for n in range(5)]}
    turn = iter(range(10**9))
    for _ in range(20):  # warm-up: first-call caches (validation models, dependency trees)
        request("GET", "/warehouses")
    return {
        "GET /warehouses": percentiles(timed(lambda: request("GET", "/warehouses"), 200)),
        "POST /warehouses/{id}/stock-counts": percentiles(
            timed(
                lambda: request(
                    "POST", f"/warehouses/{ids[next(turn) % WAREHOUSES]}/stock-counts", count
                ),
                200,
            )
        ),
    }


def report(title: str, figures: dict[str, tuple[float, float]]) -> None:
    print(f"   warm, {title} ({WARM_REQUESTS} requests each):")
    for route, (p50, p95) in figures.items():
        print(f"     {route:38} p50 {p50 * 1000:7.2f} ms   p95 {p95 * 1000:7.2f} ms")
    (list_p50, _), (command_p50, _) = figures.values()
    print(f"     command/list p50 ratio: {command_p50 / list_p50:.1f}x")


def main() -> None:
    seconds, sp_api, boto3 = cold_imports()
    cold = statistics.median(seconds)
    print(
        f"   cold import of functions.api.handler: median {cold * 1000:.0f} ms "
        f"(min {min(seconds) * 1000:.0f}, max {max(seconds) * 1000:.0f}, {COLD_RUNS} runs); "
        f"sp_api imported: {sp_api}; boto3 imported: {boto3}"
    )
    memory = warm(in_memory_services())
    report("in-memory adapters", memory)
    from moto import mock_aws

    with mock_aws():
        on_moto = warm(moto_services())
    report("moto in-process", on_moto)
    list_p50 = memory["GET /warehouses"][0]
    print(f"   cold import / warm list p50 (in memory): {cold / list_p50:.0f}x")


if __name__ == "__main__":
    main()
