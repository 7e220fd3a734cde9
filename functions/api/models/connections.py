"""Bodies of /connections."""

import hashlib
from typing import Any

from pydantic import AwareDatetime, Field, SecretStr

from domain.marketplaces import Region
from functions.api.models.common import ApiModel, ReadModel


class CreateConnectionRequest(ApiModel):
    seller_id: str = Field(pattern=r"^[A-Za-z0-9]{1,64}$", description="Amazon merchant token")
    region: Region
    marketplace_ids: list[str] = Field(
        min_length=1, max_length=23, description="SP-API marketplace ids, all of `region`"
    )
    refresh_token: SecretStr = Field(
        min_length=1,
        max_length=4096,
        description="LWA refresh token; stored in Secrets Manager only, never returned or logged",
    )

    def idempotency_payload(self) -> dict[str, Any]:
        """The body as compared for a repeated Idempotency-Key, with the token only hashed."""
        digest = hashlib.sha256(self.refresh_token.get_secret_value().encode()).hexdigest()
        return {**self.model_dump(mode="json"), "refresh_token": digest}


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
