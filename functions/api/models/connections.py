"""Bodies of /connections."""

import hashlib
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, AwareDatetime, Field, SecretStr

from domain.marketplaces import MARKETPLACES, Region
from functions.api.models.common import ApiModel, ReadModel
from functions.shared.views.models import Connection


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


def _digest(secret: SecretStr) -> str:
    return hashlib.sha256(secret.get_secret_value().encode()).hexdigest()


class _NewConnection(ApiModel):
    seller_id: str = Field(pattern=r"^[A-Za-z0-9]{1,64}$", description="Amazon merchant token")
    refresh_token: SecretStr = Field(
        min_length=1,
        max_length=4096,
        description="LWA refresh token; stored in Secrets Manager only, never returned or logged",
    )

    def idempotency_payload(self) -> dict[str, Any]:
        """The body as compared for a repeated Idempotency-Key, with the token only hashed."""
        return {**self.model_dump(mode="json"), "refresh_token": _digest(self.refresh_token)}


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


class _NaMarketplaces(ApiModel):
    region: Literal[Region.NA]
    marketplace_ids: _marketplace_list(NaMarketplace, Region.NA)  # type: ignore[valid-type]


class _EuMarketplaces(ApiModel):
    region: Literal[Region.EU]
    marketplace_ids: _marketplace_list(EuMarketplace, Region.EU)  # type: ignore[valid-type]


class _FeMarketplaces(ApiModel):
    region: Literal[Region.FE]
    marketplace_ids: _marketplace_list(FeMarketplace, Region.FE)  # type: ignore[valid-type]


class NaConnectionRequest(_NewConnection, _NaMarketplaces):
    pass


class EuConnectionRequest(_NewConnection, _EuMarketplaces):
    pass


class FeConnectionRequest(_NewConnection, _FeMarketplaces):
    pass


# One connection per seller and region: the schema itself says which marketplaces each allows.
CreateConnectionRequest = Annotated[
    NaConnectionRequest | EuConnectionRequest | FeConnectionRequest,
    Field(discriminator="region"),
]


class NaAuthorizationRequest(_NaMarketplaces):
    pass


class EuAuthorizationRequest(_EuMarketplaces):
    pass


class FeAuthorizationRequest(_FeMarketplaces):
    pass


StartAuthorizationRequest = Annotated[
    NaAuthorizationRequest | EuAuthorizationRequest | FeAuthorizationRequest,
    Field(discriminator="region"),
]


class AuthorizationStarted(ApiModel):
    consent_url: str = Field(
        description="Send the seller here: Amazon's consent page for this application. Amazon "
        "returns them to the redirect URI with `state`, `selling_partner_id` and "
        "`spapi_oauth_code`"
    )
    state: str = Field(description="Single use, bound to this tenant")
    expires_at: AwareDatetime = Field(description="Complete the authorization before this")


class CompleteAuthorizationRequest(ApiModel):
    spapi_oauth_code: SecretStr = Field(
        min_length=1, max_length=512, description="As Amazon's redirect gave it (single use)"
    )
    selling_partner_id: str = Field(
        pattern=r"^[A-Za-z0-9]{1,64}$", description="As Amazon's redirect gave it"
    )

    def idempotency_payload(self) -> dict[str, Any]:
        """The body as compared for a repeated Idempotency-Key, with the code only hashed."""
        return {**self.model_dump(mode="json"), "spapi_oauth_code": _digest(self.spapi_oauth_code)}


class ConnectionWarehouse(ApiModel):
    warehouse_id: str
    name: str
    kind: str = Field(description="`fba` (one per marketplace) or `fbm` (one per region)")
    marketplace_id: str | None = None


class ConnectionCreated(ApiModel):
    connection_id: str
    version: int
    warehouses: list[ConnectionWarehouse]
    first_sync_requested_at: AwareDatetime = Field(
        description="The first sync is queued at once; see the connection's `sync` status"
    )


class CredentialsRequest(ApiModel):
    refresh_token: SecretStr = Field(
        min_length=1,
        max_length=4096,
        description="A new LWA refresh token for the connection's seller (from authorizing the "
        "app again); checked with Login with Amazon first, stored in Secrets Manager only",
    )

    def idempotency_payload(self) -> dict[str, Any]:
        return {"refresh_token": _digest(self.refresh_token)}


class CredentialsReplaced(ApiModel):
    connection_id: str
    status: str = Field(description="`active`: the connection syncs again")
    version: int = Field(description="Version of the connection stream after this command")
    sync_requested_at: AwareDatetime = Field(description="A sync is queued at once")


class ConnectionSettingsRequest(ApiModel):
    watch_window_days: int = Field(
        ge=1,
        le=365,
        description="How many days a closed shipment with a discrepancy keeps being watched "
        "for units Amazon finds late (default 60)",
    )


class ConnectionSettingsChanged(ApiModel):
    connection_id: str
    watch_window_days: int
    version: int = Field(description="Version of the connection stream after this command")


class SyncRequested(ApiModel):
    connection_id: str
    requested_at: AwareDatetime
    correlation_id: str = Field(description="Carried into the events the sync appends")


class QuarantinedRecord(ReadModel):
    marketplace_id: str
    operation: str
    reference: str = Field(description="Which record: a shipment id, a SKU, ...")
    problem: str


class SyncRun(ReadModel):
    """One sync run (across its continuations), as the sync worker reported it."""

    run_id: str
    reason: str = Field(description="`schedule`, `on_demand`, `notification` or `continuation`")
    outcome: str = Field(description="`completed`, `continuing` or `failed`")
    started_at: AwareDatetime
    finished_at: AwareDatetime
    duration_ms: int
    calls: int = Field(description="SP-API calls made")
    calls_by_operation: dict[str, int]
    throttled: int = Field(description="Calls Amazon throttled (retried later)")
    shipments_seen: int
    events_appended: int
    quarantined_count: int = Field(description="Malformed records set aside, run continued")
    quarantined: list[QuarantinedRecord] = Field(description="The first of them")
    error: str | None

    @classmethod
    def of(cls, report: Any) -> "SyncRun":
        counters = report.counters
        return cls(
            run_id=report.run_id,
            reason=report.reason,
            outcome=report.outcome,
            started_at=report.started_at,
            finished_at=report.finished_at,
            duration_ms=report.duration_ms,
            calls=sum(counters.calls.values()),
            calls_by_operation=dict(counters.calls),
            throttled=sum(counters.throttled.values()),
            shipments_seen=counters.shipments_seen,
            events_appended=counters.events_appended,
            quarantined_count=counters.quarantined_count,
            quarantined=[QuarantinedRecord.model_validate(q) for q in counters.quarantined],
            error=report.error,
        )


class SyncStatus(ReadModel):
    """The sync worker's report; both runs are null until the connection has synced once."""

    last_run: SyncRun | None
    last_completed_run: SyncRun | None


class ConnectionDetail(Connection):
    sync: SyncStatus


class ConnectionList(ReadModel):
    items: list[Connection]
