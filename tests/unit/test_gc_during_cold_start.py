"""On Lambda the cyclic collector is paused from the first import of `functions` until the
function's dependencies are settled, and pydantic does not look for plugins; anywhere else
neither is touched."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROBE = """
import gc
import functions
paused = not gc.isenabled()
from functions.shared.cold_start import settled
deps = object()
same = settled(deps) is deps
import os
plugins = os.environ.get("PYDANTIC_DISABLE_PLUGINS")
print(paused, gc.isenabled(), same, gc.get_freeze_count() > 0, plugins)
"""


def _run(env: dict[str, str]) -> str:
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        env={**env, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return done.stdout.strip()


@pytest.fixture
def clean_env() -> dict[str, str]:
    ours = ("LAMBDA_TASK_ROOT", "PYDANTIC_DISABLE_PLUGINS")
    return {k: v for k, v in os.environ.items() if k not in ours}


def test_on_lambda_collection_waits_for_the_settled_dependencies(clean_env: dict[str, str]) -> None:
    assert _run({**clean_env, "LAMBDA_TASK_ROOT": str(ROOT)}) == "True True True True __all__"


def test_elsewhere_the_collector_is_never_paused(clean_env: dict[str, str]) -> None:
    assert _run(clean_env) == "False True True True None"
