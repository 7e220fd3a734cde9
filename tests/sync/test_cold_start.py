"""What a cold start loads and calls. The gateway imports the two SP-API clients it uses and
leaves the rest of sp_api (and confuse) unrun, yet every other import of them still works; the
dispatcher loads no SP-API client at all (each checked in a fresh interpreter: this one has
imported everything). A first sync reads its connection's sync state once, and the worker builds
its queue client only to queue a job."""

import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from functions.connection_state.keys import CHECKPOINT_SK, CURSOR_SK, sync_pk
from functions.connection_state.status import RunOutcome
from functions.sync.engine.checkpoint import SyncCheckpoint, SyncCursor
from tests.sync.harness import US, FakeLambdaContext, SyncWorld

REPO_ROOT = Path(__file__).resolve().parents[2]
INBOUND = "sp_api.api.fulfillment_inbound.fulfillment_inbound_v0"
INVENTORIES = "sp_api.api.inventories.inventories"


def run_fresh(code: str) -> Any:
    """`code` in a fresh interpreter of this environment; returns what it printed, as JSON."""
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


def test_importing_the_gateway_loads_only_the_sp_api_clients_it_uses() -> None:
    loaded = run_fresh(
        """
        import json, sys
        import functions.shared.adapters.spapi_gateway
        print(json.dumps(sorted(sys.modules)))
        """
    )

    assert {m for m in loaded if m.startswith("sp_api.api.")} == {
        "sp_api.api.fulfillment_inbound",
        INBOUND,
        "sp_api.api.inventories",
        INVENTORIES,
    }
    assert "yaml" not in loaded and "confuse.core" not in loaded


def test_what_the_gateway_left_unrun_runs_when_something_else_asks_for_it() -> None:
    found = run_fresh(
        """
        import json
        from functions.shared.adapters import spapi_gateway
        from sp_api.api import FulfillmentInboundV0, Orders
        import sp_api.api
        import confuse
        print(json.dumps({
            "orders": Orders.__module__,
            "same_inbound": FulfillmentInboundV0 is spapi_gateway.FulfillmentInboundV0,
            "finances": sp_api.api.Finances.__module__,
            "configuration": confuse.Configuration.__module__,
            "not_found": issubclass(confuse.exceptions.NotFoundError, Exception),
        }))
        """
    )

    assert found == {
        "orders": "sp_api.api.orders.orders",
        "same_inbound": True,
        "finances": "sp_api.api.finances.finances",
        "configuration": "confuse.core",
        "not_found": True,
    }


def test_the_gateway_uses_sp_api_as_it_is_when_imported_before_it() -> None:
    found = run_fresh(
        """
        import json
        import sp_api.api
        from functions.shared.adapters import spapi_gateway
        print(json.dumps([
            spapi_gateway.FulfillmentInboundV0 is sp_api.api.FulfillmentInboundV0,
            spapi_gateway.Inventories is sp_api.api.Inventories,
        ]))
        """
    )

    assert found == [True, True]


def test_the_dispatcher_loads_no_sp_api_client() -> None:
    loaded = run_fresh(
        """
        import json, sys
        import functions.sync.dispatcher
        print(json.dumps(sorted(sys.modules)))
        """
    )

    assert not [m for m in loaded if m == "sp_api" or m.startswith(("sp_api.", "httpx"))]
    assert "functions.shared.adapters.spapi_gateway" not in loaded


def state_calls(world: SyncWorld) -> list[tuple[str, str]]:
    """(operation, sort key) of each call the worker makes on the connection's sync item."""
    calls: list[tuple[str, str]] = []
    sync_item = sync_pk(world.tenant_id, world.connection_id)

    def record(params: dict[str, Any], model: Any, **_: Any) -> None:
        key = params.get("Key") or params.get("Item") or {}
        if key.get("pk", {}).get("S") == sync_item:
            calls.append((model.name, key["sk"]["S"]))

    world.aws.dynamodb.meta.events.register("provide-client-params.dynamodb", record)
    return calls


@pytest.mark.slow
def test_a_first_sync_reads_the_cursor_once_and_has_no_checkpoint_to_clear(
    world: SyncWorld,
) -> None:
    world.control.bulk_create_shipments(world.seller_id, US, 1, 3)
    calls = state_calls(world)

    world.handle(world.job(), FakeLambdaContext())

    assert world.status().last_run.outcome is RunOutcome.COMPLETED
    assert [call for call in calls if call[1] in (CHECKPOINT_SK, CURSOR_SK)] == [
        ("GetItem", CHECKPOINT_SK),
        ("GetItem", CURSOR_SK),
        ("PutItem", CURSOR_SK),
    ]
    key = sync_pk(world.tenant_id, world.connection_id)
    cursor = world.state.get(key, CURSOR_SK, SyncCursor)
    assert cursor is not None and set(cursor.doc.listed_through) == {US}
    assert world.state.get(key, CHECKPOINT_SK, SyncCheckpoint) is None
