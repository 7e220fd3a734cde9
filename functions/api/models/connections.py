"""Bodies of /connections."""

import hashlib
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, AwareDatetime, Field, SecretStr

from domain.marketplaces import MARKETPLACES, Region
from functions.api.models.common import ApiModel, ReadModel


def _marketplaces_of(region: Region) -> Any:
    ids = tuple(m for m, (_, r) in MARKETPLACES.items() if r is region)
    return Literal[ids]  # the schema lists exactly the region's marketplace ids


NaMarketplace = _marketplaces_of(Region.NA)
EuMarketplace = _marketplaces_of(Region.EU)
FeMarketplace = _marketplaces_of(Region.FE)


def _distinct(values: list[str]) -> list[str]:
    if len(set(values)) != len(values):
        raise ValueError("each marketplace may appear only once")
    return values


class _NewConnection(ApiModel):
    seller_id: str = Field(pattern=r"^[A-Za-z0-9]{1,64}$", description="Amazon merchant token")
    refresh_token: SecretStr = Field(
        min_length=1,
        max_length=4096,
        description="LWA refresh token; stored in Secrets Manager only, never returned or logged",
    )

    def idempotency_payload(self) -> dict[str, Any]:
        """The body as compared for a repeated Idempotency-Key, with the token only hashed."""
        digest = hashlib.sha256(self.refresh_token.get_secret_value().encode()).hexdigest()
        return {**self.model_dump(mode="json"), "refresh_token": digest}


def _marketplace_list(item: Any, region: Region) -> Any:
    return Annotated[
        list[item],
        AfterValidator(_distinct),
        Field(
            min_length=1,
            max_length=len([m for m, (_, r) in MARKETPLACES.items() if r is region]),
            json_schema_extra={"uniqueItems": True},
            description=f"SP-API marketplace ids of region {region.value}, each once",
        ),
    ]


class NaConnectionRequest(_NewConnection):
    region: Literal[Region.NA]
    marketplace_ids: _marketplace_list(NaMarketplace, Region.NA)  # type: ignore[valid-type]


class EuConnectionRequest(_NewConnection):
    region: Literal[Region.EU]
    marketplace_ids: _marketplace_list(EuMarketplace, Region.EU)  # type: ignore[valid-type]


class FeConnectionRequest(_NewConnection):
    region: Literal[Region.FE]
    marketplace_ids: _marketplace_list(FeMarketplace, Region.FE)  # type: ignore[valid-type]


# One connection per seller and region: the schema itself says which marketplaces each allows.
CreateConnectionRequest = Annotated[
    NaConnectionRequest | EuConnectionRequest | FeConnectionRequest,
    Field(discriminator="region"),
]


class ConnectionWarehouse(ApiModel):
    warehouse_id: str
    name: str
    kind: str = Field(description="`fba` (one per marketplace) or `fbm` (one per region)")
    marketplace_id: str | None = None


class ConnectionCreated(ApiModel):
    connection_id: str
    version: int
    warehouses: list[ConnectionWarehouse]


class SyncRequested(ApiModel):
    connection_id: str
    requested_at: AwareDatetime
    correlation_id: str = Field(description="Carried into the events the sync appends")


class SyncStatus(ReadModel):
    """The sync worker's last report for the connection. Every field is null until the read
    side exposes the worker's sync-status item."""

    last_run_at: AwareDatetime | None = None
    last_success_at: AwareDatetime | None = None
    state: str | None = Field(default=None, description="e.g. `running`, `succeeded`, `failed`")
    calls: int | None = Field(default=None, description="SP-API calls made by the last run")
    events: int | None = Field(default=None, description="Events appended by the last run")
    quarantined: int | None = Field(default=None, description="Malformed records set aside")
    last_error: str | None = None


class Connection(ReadModel):
    connection_id: str
    seller_id: str
    region: str
    marketplace_ids: list[str]
    watch_window_days: int


class ConnectionDetail(Connection):
    sync: SyncStatus


class ConnectionList(ReadModel):
    items: list[Connection]
