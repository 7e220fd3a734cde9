"""Bodies of /connections."""

import hashlib
from typing import Annotated, Any, Literal, Self

from pydantic import AfterValidator, AwareDatetime, Field, SecretStr, field_validator

from domain import connection as domain
from domain.connection import MAX_WATCH_WINDOW_DAYS, OrderType, checked_rule
from domain.marketplaces import MARKETPLACES, Region
from functions.api.models.common import ID_PATTERN, ApiModel, Integer, ReadModel, not_a_boolean
from functions.connection_state.authorizations import OpeningSettings
from functions.shared.views.setup_models import Connection


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


AnyMarketplace: Any = Literal[tuple(MARKETPLACES)]
AppliesTo = Literal["shipments discovered from now on"]
ORDER_TYPE = (
    "What a shipment the sync discovers becomes: `none` (it waits on the Inbound Shipments list "
    "for a reconcile), `purchase_order` (a purchase order with an unknown source into the "
    "marketplace's FBA warehouse, bound to the shipment) or `transfer_order` (what a reconcile "
    "from `default_source_warehouse_id` makes)"
)
SOURCE = (
    "One of your own warehouses, enabled: where a `transfer_order` starts (required for it). "
    "Unknown: 404; Amazon's or disabled: 422"
)
WATCH_WINDOW = (
    "How many days a closed shipment with a discrepancy keeps being watched for units Amazon "
    "finds late (default 60)"
)


class OrderRuleRequest(ApiModel):
    default_order_type: OrderType = Field(description=ORDER_TYPE)
    default_source_warehouse_id: str | None = Field(
        default=None, pattern=ID_PATTERN, description=SOURCE
    )

    def to_domain(self, marketplace_id: str) -> domain.OrderRule:
        at = f"marketplace_overrides.{marketplace_id}."
        return checked_rule(self.default_order_type, self.default_source_warehouse_id, at)


Overrides = Annotated[
    dict[AnyMarketplace, OrderRuleRequest],
    Field(
        description="A rule per marketplace of the connection that differs from the default "
        "(422 naming another marketplace); the map replaces the whole set of overrides"
    ),
]


def _overrides(sent: dict[str, OrderRuleRequest]) -> dict[str, domain.OrderRule]:
    return {m: rule.to_domain(m) for m, rule in sorted(sent.items())}


class _OpeningSettings(ApiModel):
    """The settings a connection opens with, so that its rule holds from the very first sync."""

    watch_window_days: Integer = Field(
        default=domain.DEFAULT_WATCH_WINDOW_DAYS,
        ge=1,
        le=MAX_WATCH_WINDOW_DAYS,
        description=WATCH_WINDOW,
    )
    default_order_type: OrderType = Field(default=OrderType.NONE, description=ORDER_TYPE)
    default_source_warehouse_id: str | None = Field(
        default=None, pattern=ID_PATTERN, description=SOURCE
    )
    marketplace_overrides: Overrides = Field(default_factory=dict)

    def opening_settings(self) -> OpeningSettings:
        """Raises InvalidCommand naming the field: a transfer needs its source."""
        return OpeningSettings(
            watch_window_days=self.watch_window_days,
            order_rule=checked_rule(self.default_order_type, self.default_source_warehouse_id),
            marketplace_overrides=_overrides(self.marketplace_overrides),
        )


class _NewConnection(_OpeningSettings):
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


class NaAuthorizationRequest(_OpeningSettings, _NaMarketplaces):
    pass


class EuAuthorizationRequest(_OpeningSettings, _EuMarketplaces):
    pass


class FeAuthorizationRequest(_OpeningSettings, _FeMarketplaces):
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
    """The settings to change: absent leaves one as it is. The rule sent is merged into the one
    in force and checked whole (a `transfer_order` needs its source)."""

    watch_window_days: int | None = Field(
        default=None, ge=1, le=MAX_WATCH_WINDOW_DAYS, description=WATCH_WINDOW
    )
    default_order_type: OrderType | None = Field(default=None, description=ORDER_TYPE)
    default_source_warehouse_id: str | None = Field(
        default=None, pattern=ID_PATTERN, description=f"{SOURCE}. null clears it"
    )
    marketplace_overrides: Overrides | None = None

    _whole_numbers = field_validator("watch_window_days", mode="before")(not_a_boolean)

    @property
    def source_sent(self) -> bool:
        return "default_source_warehouse_id" in self.model_fields_set

    def overrides(self) -> dict[str, domain.OrderRule] | None:
        return (
            None if self.marketplace_overrides is None else _overrides(self.marketplace_overrides)
        )


class OrderRuleSettings(ApiModel):
    default_order_type: OrderType = Field(description=ORDER_TYPE)
    default_source_warehouse_id: str | None = Field(
        description="The own warehouse a `transfer_order` starts from"
    )


class ConnectionSettings(ApiModel):
    connection_id: str
    watch_window_days: int = Field(description=WATCH_WINDOW)
    default_order_type: OrderType = Field(
        description="The rule of every marketplace without an override. " + ORDER_TYPE
    )
    default_source_warehouse_id: str | None = Field(
        description="The own warehouse a `transfer_order` starts from"
    )
    marketplace_overrides: dict[str, OrderRuleSettings] = Field(
        description="The marketplaces whose rule differs, by marketplace id"
    )
    effective_rules: dict[str, OrderRuleSettings] = Field(
        description="The rule in force in each marketplace of the connection: its override, "
        "else the default"
    )
    applies_to: AppliesTo = Field(
        description="The rules decide what a shipment becomes when the sync discovers it: a "
        "change applies to shipments discovered from then on, never to those already found",
    )
    version: int = Field(description="Version of the connection stream this answer shows")

    @classmethod
    def of(
        cls,
        connection_id: str,
        watch_window_days: int,
        marketplace_ids: list[str] | tuple[str, ...],
        default: OrderRuleSettings,
        overrides: dict[str, OrderRuleSettings],
        version: int,
    ) -> Self:
        return cls(
            connection_id=connection_id,
            watch_window_days=watch_window_days,
            default_order_type=default.default_order_type,
            default_source_warehouse_id=default.default_source_warehouse_id,
            marketplace_overrides=overrides,
            effective_rules={m: overrides.get(m, default) for m in marketplace_ids},
            applies_to="shipments discovered from now on",
            version=version,
        )

    @classmethod
    def of_view(cls, view: Connection) -> Self:
        default = OrderRuleSettings.model_validate(view.model_dump(include=RULE_FIELDS))
        overrides = {
            m: OrderRuleSettings.model_validate(rule.model_dump())
            for m, rule in view.marketplace_overrides.items()
        }
        return cls.of(
            view.connection_id,
            view.watch_window_days,
            view.marketplace_ids,
            default,
            overrides,
            view.version,
        )

    @classmethod
    def of_state(cls, state: domain.Connection, version: int) -> Self:
        overrides = {
            m: OrderRuleSettings.model_validate(rule.model_dump())
            for m, rule in state.marketplace_overrides.items()
        }
        return cls.of(
            state.connection_id,
            state.watch_window_days,
            state.marketplace_ids,
            OrderRuleSettings.model_validate(state.order_rule.model_dump()),
            overrides,
            version,
        )


RULE_FIELDS = {"default_order_type", "default_source_warehouse_id"}


class ConnectionSettingsChanged(ConnectionSettings):
    """The settings as they now are (a request that changes nothing appends nothing)."""


class ChangeConnectionRequest(ApiModel):
    marketplace_ids: Annotated[
        list[AnyMarketplace],
        AfterValidator(_distinct),
        Field(
            min_length=1,
            max_length=len(MARKETPLACES),
            json_schema_extra={"uniqueItems": True},
            description="All the connection's marketplaces from now on, each once, of its region "
            "(422 otherwise): an added one gets its FBA warehouse and is synced from now on "
            "(its shipments read back over the sync's lookback); a removed one is no longer "
            "synced and its FBA warehouse is disabled, never deleted (its stock and history "
            "stay). Its override, if any, lapses",
        ),
    ]


class MarketplaceWarehouse(ConnectionWarehouse):
    enabled: bool


class ConnectionChanged(ApiModel):
    connection_id: str
    marketplace_ids: list[str]
    added: list[str]
    removed: list[str]
    warehouses: list[MarketplaceWarehouse] = Field(
        description="The FBA warehouses of the marketplaces added (created or enabled again) "
        "and removed (disabled)"
    )
    version: int = Field(description="Version of the connection stream after this command")
    sync_requested_at: AwareDatetime | None = Field(
        description="A sync is queued at once when the marketplaces changed and the connection "
        "is active; null otherwise"
    )


class ConnectionDisconnected(ApiModel):
    connection_id: str
    status: Literal["disconnected"] = "disconnected"
    disconnected_at: AwareDatetime
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
    reason: str = Field(
        description="`schedule`, `on_demand`, `notification`, `continuation` or `sales_backfill`"
    )
    outcome: str = Field(description="`completed`, `continuing` or `failed`")
    started_at: AwareDatetime
    finished_at: AwareDatetime
    duration_ms: int
    calls: int = Field(description="SP-API calls made")
    calls_by_operation: dict[str, int]
    throttled: int = Field(description="Calls Amazon throttled (retried later)")
    shipments_seen: int
    events_appended: int
    reports_requested: int = Field(description="Amazon reports (orders, returns) asked for")
    reports_dropped: int = Field(
        description="Reports given up on (FATAL, or stuck past the limit): asked for again, or "
        "their window quarantined"
    )
    orders_recorded: int = Field(description="Customer orders that appended an event")
    returns_recorded: int = Field(description="Customer returns that appended an event")
    inventory_reported: int = Field(description="SKUs whose Amazon figures were recorded")
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
            reports_requested=counters.reports_requested,
            reports_dropped=counters.reports_dropped,
            orders_recorded=counters.orders_recorded,
            returns_recorded=counters.returns_recorded,
            inventory_reported=counters.inventory_reported,
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
