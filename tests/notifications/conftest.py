"""The notifications suite reuses the sync suite's fixtures: a simulated Amazon, moto, and a
world whose connection subscribes Amazon's inventory notifications on its first sync (so the
subscription's routing and the watch index exist once the worker has run)."""

from collections.abc import Callable

import pytest

from tests.sync.conftest import (  # noqa: F401  (fixtures)
    _quiet_moto,
    aws,
    control,
    new_world,
    sim,
)
from tests.sync.harness import SyncWorld


@pytest.fixture
def world(new_world: Callable[..., SyncWorld]) -> SyncWorld:  # noqa: F811
    return new_world(notify=True)
