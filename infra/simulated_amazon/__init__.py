"""A simulated Amazon Selling Partner API (LWA, Fulfillment Inbound v0 reads, FBA inventory)
for tests, demos and benchmarks. See README.md in this folder."""

from .client import (
    ControlApiError,
    ControlClient,
    LocalMarketplace,
    local_credentials,
    local_marketplace,
    local_token_client_class,
    sp_api_client_kwargs,
)
from .server import SimulatedAmazon

__all__ = [
    "ControlApiError",
    "ControlClient",
    "LocalMarketplace",
    "SimulatedAmazon",
    "local_credentials",
    "local_marketplace",
    "local_token_client_class",
    "sp_api_client_kwargs",
]
