"""One simulated Amazon for the sync suite (100x Amazon's rates, pages of 10) and a fresh world
(seller, tables, queue, secrets) per test."""

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from infra.simulated_amazon import ControlClient, SimulatedAmazon
from tests.sync.harness import SIM_RATE_SCALE, AwsClients, SyncWorld
from tests.sync.proxy import FaultyProxy

PAGE_SIZE = 10


@pytest.fixture(scope="session")
def sim() -> Iterator[SimulatedAmazon]:
    with SimulatedAmazon(rate_scale=SIM_RATE_SCALE, page_size=PAGE_SIZE) as simulator:
        yield simulator


@pytest.fixture
def control(sim: SimulatedAmazon) -> Iterator[ControlClient]:
    with ControlClient(sim.url) as client:
        client.clear_faults()
        client.reset_calls()
        yield client
        client.clear_faults()


@pytest.fixture
def aws(aws_env: None, moto_server: str) -> AwsClients:
    return AwsClients(moto_server)


@pytest.fixture
def new_world(
    aws: AwsClients, control: ControlClient, sim: SimulatedAmazon
) -> Iterator[Callable[..., SyncWorld]]:
    def make(**options: Any) -> SyncWorld:
        return SyncWorld(aws, control, sim.url, **options)

    yield make


@pytest.fixture
def world(new_world: Callable[..., SyncWorld]) -> SyncWorld:
    return new_world()


@pytest.fixture(scope="session", autouse=True)
def _quiet_moto() -> None:
    import logging

    logging.getLogger("werkzeug").setLevel(logging.WARNING)


@pytest.fixture
def proxy(sim: SimulatedAmazon) -> Iterator[FaultyProxy]:
    running = FaultyProxy(sim.url).start()
    yield running
    running.stop()


@pytest.fixture
def proxied_world(
    aws: AwsClients, control: ControlClient, proxy: FaultyProxy
) -> Iterator[SyncWorld]:
    """A world whose worker reaches Amazon through the faulty proxy."""
    yield SyncWorld(aws, control, proxy.url)


@pytest.fixture
def sim_url(sim: SimulatedAmazon) -> str:
    return sim.url
