"""The notifications suite reuses the sync suite's fixtures: a simulated Amazon, moto, and a
world whose worker has already run (so the seller registry and the watch index exist)."""

from tests.sync.conftest import (  # noqa: F401  (fixtures)
    _quiet_moto,
    aws,
    control,
    new_world,
    sim,
    world,
)
