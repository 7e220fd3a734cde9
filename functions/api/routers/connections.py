"""/connections: one Amazon seller account per region, its warehouses and its syncs."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Body

from domain.connection import ConnectionStatus
from domain.errors import NotFound
from functions.api import contract
from functions.api.commands.authorizations import complete_authorization, start_authorization
from functions.api.commands.connections import (
    OpenedConnection,
    SettingsChange,
    change_marketplaces,
    change_settings,
    connect_with_token,
    disconnect,
    replace_credentials,
    request_sync,
)
from functions.api.dependencies import CallerDep, OnceDep, ServicesDep
from functions.api.models.connections import (
    AuthorizationStarted,
    ChangeConnectionRequest,
    CompleteAuthorizationRequest,
    ConnectionChanged,
    ConnectionCreated,
    ConnectionDetail,
    ConnectionDisconnected,
    ConnectionList,
    ConnectionSettings,
    ConnectionSettingsChanged,
    ConnectionSettingsRequest,
    ConnectionWarehouse,
    CreateConnectionRequest,
    CredentialsReplaced,
    CredentialsRequest,
    MarketplaceWarehouse,
    StartAuthorizationRequest,
    SyncRequested,
    SyncRun,
    SyncStatus,
)
from functions.api.routers import resource_router
from functions.api.routers.params import AuthorizationState, EntityId, IdempotencyKey

router = resource_router()
TAGS = ["connections"]


CONNECT_ERRORS = (*contract.COMMAND_ERRORS, 503)
OPENING_SETTINGS = (
    "The connection opens with the settings sent (watch window, `default_order_type`, "
    "`default_source_warehouse_id`, `marketplace_overrides`; see PUT "
    "/connections/{connection_id}/settings), checked now, so that the rule holds from the very "
    "first sync: a `transfer_order` without its source, or an override of a marketplace not "
    "requested, is 422; a default source that is not one of your own warehouses, enabled, is "
    "404 (unknown) or 422, naming the field."
)


def _links_of(connection_id: str) -> dict[str, contract.Link]:
    """Where a connection id returned by a command leads."""
    return {
        "GetConnection": contract.link(
            "GET /connections/{connection_id}",
            "The connection and its sync status",
            connection_id=connection_id,
        ),
        "GetSettings": contract.link(
            "GET /connections/{connection_id}/settings",
            "Its settings and the order rule in force in each marketplace",
            connection_id=connection_id,
        ),
        "GetHistory": contract.link(
            "GET /history/{kind}/{entity_id}",
            "Its audit trail",
            kind="connection",
            entity_id=connection_id,
        ),
    }


# What a new connection leads to: itself, its commands, its first warehouse and its shipments.
CREATED_LINKS = {
    **_links_of(contract.returned("connection_id")),
    "ChangeSettings": contract.link(
        "POST /connections/{connection_id}/settings",
        "Change its settings",
        connection_id=contract.returned("connection_id"),
    ),
    "PutSettings": contract.link(
        "PUT /connections/{connection_id}/settings",
        "Change its settings",
        connection_id=contract.returned("connection_id"),
    ),
    "ChangeMarketplaces": contract.link(
        "PATCH /connections/{connection_id}",
        "Add or remove marketplaces",
        connection_id=contract.returned("connection_id"),
    ),
    "Disconnect": contract.link(
        "POST /connections/{connection_id}/disconnect",
        "Disconnect it",
        connection_id=contract.returned("connection_id"),
    ),
    "ReplaceCredentials": contract.link(
        "PUT /connections/{connection_id}/credentials",
        "Re-authorize it",
        connection_id=contract.returned("connection_id"),
    ),
    "SyncNow": contract.link(
        "POST /connections/{connection_id}/sync",
        "Sync it now",
        connection_id=contract.returned("connection_id"),
    ),
    "GetWarehouse": contract.link(
        "GET /warehouses/{warehouse_id}",
        "Its first warehouse",
        warehouse_id=contract.returned("warehouses/0/warehouse_id"),
    ),
    "ListShipments": contract.link(
        "GET /inbound-shipments",
        "Its shipments, as the sync finds them",
        connection_id=contract.returned("connection_id"),
    ),
}


@router.post(
    "/connections/authorizations",
    status_code=201,
    tags=TAGS,
    summary="Start connecting an Amazon seller account through Amazon's consent page",
    description="Amazon's website authorization workflow. Send the seller to `consent_url`; "
    "Amazon brings them back to the application's redirect URI with `state`, "
    "`selling_partner_id` and `spapi_oauth_code`, which POST "
    "/connections/authorizations/{state}/complete turns into a connection. The state is single "
    "use, bound to this tenant, and expires after 10 minutes. " + OPENING_SETTINGS,
    responses=contract.responses(
        201,
        "Consent link",
        contract.COMMAND_ERRORS,
        {
            "CompleteAuthorization": contract.link(
                "POST /connections/authorizations/{state}/complete",
                "Finish with what Amazon's redirect gives",
                state=contract.returned("state"),
            )
        },
    ),
)
def start_connection_authorization(
    body: Annotated[StartAuthorizationRequest, Body()],
    caller: CallerDep,
    services: ServicesDep,
    once: OnceDep,
    idempotency_key: IdempotencyKey = None,
) -> AuthorizationStarted:
    def execute() -> AuthorizationStarted:
        link = start_authorization(
            services.aggregates,
            services.connecting,
            caller,
            region=body.region,
            marketplace_ids=tuple(body.marketplace_ids),
            settings=body.opening_settings(),
        )
        return AuthorizationStarted(
            consent_url=link.consent_url,
            state=link.pending.state,
            expires_at=link.pending.expires_at,
        )

    return once(idempotency_key, body.model_dump(mode="json"), execute, AuthorizationStarted)


@router.post(
    "/connections/authorizations/<state>/complete",
    status_code=201,
    tags=TAGS,
    summary="Finish connecting: exchange Amazon's authorization code",
    description="Exchanges `spapi_oauth_code` with Login with Amazon and only then creates the "
    "connection, for the seller Amazon named, with an FBA warehouse per marketplace and an FBM "
    "warehouse for the region, with the settings the authorization started with; the first "
    "sync is queued. An unknown, used or another tenant's "
    "state is 404, an expired one 410, a code Amazon refuses 422: nothing is created. "
    "A tenant holds at most its quota of connections (409 beyond it). " + contract.APPENDED,
    responses=contract.responses(201, "Connection created", (*CONNECT_ERRORS, 410), CREATED_LINKS),
)
def complete_connection_authorization(
    state: AuthorizationState,
    body: CompleteAuthorizationRequest,
    caller: CallerDep,
    services: ServicesDep,
    once: OnceDep,
    idempotency_key: IdempotencyKey = None,
) -> ConnectionCreated:
    def execute() -> ConnectionCreated:
        opened = complete_authorization(
            services.aggregates,
            services.connecting,
            caller,
            state=state,
            code=body.spapi_oauth_code.get_secret_value(),
            selling_partner_id=body.selling_partner_id,
        )
        return _created(opened)

    return once(idempotency_key, body.idempotency_payload(), execute, ConnectionCreated)


@router.post(
    "/connections",
    status_code=201,
    tags=TAGS,
    summary="Connect an Amazon seller account (one region) with a refresh token",
    description="For self-authorized (private) applications. The refresh token is checked with "
    "Login with Amazon first (refused: 422, nothing stored); then it is stored in Secrets "
    "Manager and an FBA warehouse per marketplace and an FBM warehouse for the region are "
    "created. Public applications connect through POST /connections/authorizations. "
    "A tenant holds at most its quota of connections (409 beyond it). "
    + OPENING_SETTINGS
    + " "
    + contract.APPENDED,
    responses=contract.responses(201, "Connection created", CONNECT_ERRORS, CREATED_LINKS),
)
def create_connection(
    body: Annotated[CreateConnectionRequest, Body()],
    caller: CallerDep,
    services: ServicesDep,
    once: OnceDep,
    idempotency_key: IdempotencyKey = None,
) -> ConnectionCreated:
    def execute() -> ConnectionCreated:
        opened = connect_with_token(
            services.aggregates,
            services.connecting,
            caller,
            seller_id=body.seller_id,
            region=body.region,
            marketplace_ids=tuple(body.marketplace_ids),
            refresh_token=body.refresh_token.get_secret_value(),
            settings=body.opening_settings(),
        )
        return _created(opened)

    return once(idempotency_key, body.idempotency_payload(), execute, ConnectionCreated)


def _created(opened: OpenedConnection) -> ConnectionCreated:
    warehouses = [
        ConnectionWarehouse.model_validate(w, from_attributes=True) for w in opened.warehouses
    ]
    return ConnectionCreated(
        connection_id=opened.connection_id,
        version=opened.version,
        warehouses=warehouses,
        first_sync_requested_at=opened.first_sync.requested_at,
    )


SETTINGS = (
    "Only the settings sent change. The watch window: how long closed shipments with a "
    "discrepancy are re-polled for late-found units. The order rule: what a shipment the sync "
    "discovers becomes (`default_order_type`, and `default_source_warehouse_id` for "
    "`transfer_order`), with `marketplace_overrides` for marketplaces that differ (the map "
    "replaces the whole set). The rule sent is merged into the one in force and checked whole: "
    "a `transfer_order` without its source is 422; a source named (or in force for "
    "`transfer_order`) must be one of your own warehouses, enabled: unknown is 404, Amazon's or "
    "disabled 422, each naming the field; an override of a marketplace that is not the "
    "connection's is 422. A change applies to shipments discovered from then on (`applies_to`), "
    "never to those already found. The answer is the settings as they now are. "
)


def _change_settings(
    connection_id: str,
    body: ConnectionSettingsRequest,
    caller: CallerDep,
    services: ServicesDep,
    once: OnceDep,
    idempotency_key: str | None,
) -> ConnectionSettingsChanged:
    def execute() -> ConnectionSettingsChanged:
        change = SettingsChange(
            watch_window_days=body.watch_window_days,
            default_order_type=body.default_order_type,
            default_source_warehouse_id=body.default_source_warehouse_id,
            source_sent=body.source_sent,
            marketplace_overrides=body.overrides(),
        )
        changed = change_settings(services.aggregates, caller, connection_id, change)
        return ConnectionSettingsChanged.of_state(changed.connection, changed.version)

    sent = body.model_dump(mode="json", exclude_unset=True)
    return once(idempotency_key, sent, execute, ConnectionSettingsChanged)


SETTINGS_RESPONSES = contract.responses(
    200,
    "The settings as they now are",
    contract.COMMAND_ERRORS,
    _links_of(contract.returned("connection_id")),
)


@router.put(
    "/connections/<connection_id>/settings",
    tags=TAGS,
    summary="Change the connection's settings: watch window and order rules",
    description=SETTINGS + contract.APPENDED,
    responses=SETTINGS_RESPONSES,
)
def put_connection_settings(
    connection_id: EntityId,
    body: ConnectionSettingsRequest,
    caller: CallerDep,
    services: ServicesDep,
    once: OnceDep,
    idempotency_key: IdempotencyKey = None,
) -> ConnectionSettingsChanged:
    return _change_settings(connection_id, body, caller, services, once, idempotency_key)


@router.post(
    "/connections/<connection_id>/settings",
    tags=TAGS,
    summary="Change the connection's settings (as PUT)",
    description="The same as PUT /connections/{connection_id}/settings, kept for clients "
    "that change the watch window this way. " + SETTINGS + contract.APPENDED,
    responses=SETTINGS_RESPONSES,
)
def change_connection_settings(
    connection_id: EntityId,
    body: ConnectionSettingsRequest,
    caller: CallerDep,
    services: ServicesDep,
    once: OnceDep,
    idempotency_key: IdempotencyKey = None,
) -> ConnectionSettingsChanged:
    return _change_settings(connection_id, body, caller, services, once, idempotency_key)


@router.get(
    "/connections/<connection_id>/settings",
    tags=TAGS,
    summary="The connection's settings and the order rule in force in each marketplace",
    description="`effective_rules`: for each marketplace of the connection, its override or "
    "else the default. " + contract.READ_YOUR_WRITES,
    responses=contract.responses(200, "The settings", contract.READ_ONE_ERRORS),
)
def get_connection_settings(
    connection_id: EntityId, caller: CallerDep, services: ServicesDep
) -> ConnectionSettings:
    view = services.views.get_connection(caller.tenant_id, connection_id)
    if view is None:
        raise NotFound(f"connection {connection_id} not found")
    return ConnectionSettings.of_view(view)


@router.patch(
    "/connections/<connection_id>",
    tags=TAGS,
    summary="Change the connection's marketplaces",
    description="`marketplace_ids` becomes the connection's whole list (same region). An added "
    "marketplace gets its FBA warehouse (created, or enabled again) and is synced from now on; "
    "a removed one is no longer synced, its FBA warehouse is disabled, never deleted (its stock "
    "and history stay), and its override lapses. A sync is queued at once when the list "
    "changed and the connection is active. The same list again changes nothing. "
    + contract.APPENDED,
    responses=contract.responses(
        200,
        "Marketplaces changed",
        contract.COMMAND_ERRORS,
        {
            **_links_of(contract.returned("connection_id")),
            "GetWarehouse": contract.link(
                "GET /warehouses/{warehouse_id}",
                "The FBA warehouse of the first marketplace added or removed",
                warehouse_id=contract.returned("warehouses/0/warehouse_id"),
            ),
        },
    ),
)
def change_connection(
    connection_id: EntityId,
    body: ChangeConnectionRequest,
    caller: CallerDep,
    services: ServicesDep,
    once: OnceDep,
    idempotency_key: IdempotencyKey = None,
) -> ConnectionChanged:
    def execute() -> ConnectionChanged:
        done = change_marketplaces(
            services.aggregates,
            services.connecting,
            caller,
            connection_id,
            tuple(body.marketplace_ids),
        )
        return ConnectionChanged(
            connection_id=connection_id,
            marketplace_ids=list(done.connection.marketplace_ids),
            added=list(done.added),
            removed=list(done.removed),
            warehouses=[
                MarketplaceWarehouse.model_validate(w, from_attributes=True)
                for w in done.warehouses
            ],
            version=done.version,
            sync_requested_at=done.sync.requested_at if done.sync else None,
        )

    return once(idempotency_key, body.model_dump(mode="json"), execute, ConnectionChanged)


@router.post(
    "/connections/<connection_id>/disconnect",
    tags=TAGS,
    summary="Disconnect the connection: its syncs stop, its refresh token is deleted",
    description="The connection becomes `disconnected`: no sync runs for it (the schedule "
    "skips it, a sync asked for is 409), and its refresh token is deleted from Secrets Manager "
    "at once. Its data stays: warehouses, stock, shipments, orders and history; it still "
    "counts in your quota of connections. To sync it again, authorize the app in Seller Central "
    "and send the new token with PUT /connections/{connection_id}/credentials. Disconnecting "
    "again changes nothing. " + contract.APPENDED,
    responses=contract.responses(
        200,
        "Disconnected",
        contract.COMMAND_ERRORS,
        {
            **_links_of(contract.returned("connection_id")),
            "ReplaceCredentials": contract.link(
                "PUT /connections/{connection_id}/credentials",
                "Connect it again",
                connection_id=contract.returned("connection_id"),
            ),
        },
    ),
)
def disconnect_connection(
    connection_id: EntityId,
    caller: CallerDep,
    services: ServicesDep,
    once: OnceDep,
    idempotency_key: IdempotencyKey = None,
) -> ConnectionDisconnected:
    def execute() -> ConnectionDisconnected:
        done = disconnect(services.aggregates, services.connecting, caller, connection_id)
        return ConnectionDisconnected(
            connection_id=connection_id,
            disconnected_at=done.disconnected_at,
            version=done.version,
        )

    return once(idempotency_key, {}, execute, ConnectionDisconnected)


@router.put(
    "/connections/<connection_id>/credentials",
    tags=TAGS,
    summary="Re-authorize the connection with a new refresh token",
    description="For a connection whose authorization Amazon no longer honours (its `status` is "
    "`authorization_lost`), one you disconnected (`disconnected`), or to replace its token. "
    "The token is checked with Login with Amazon first: refused, it is 422 and nothing "
    "changes. Then it replaces the stored one (stored afresh after a disconnect), the "
    "connection is `active` again and a sync is queued at once. " + contract.APPENDED,
    responses=contract.responses(
        200, "Credentials replaced", CONNECT_ERRORS, _links_of(contract.returned("connection_id"))
    ),
)
def put_connection_credentials(
    connection_id: EntityId,
    body: CredentialsRequest,
    caller: CallerDep,
    services: ServicesDep,
    once: OnceDep,
    idempotency_key: IdempotencyKey = None,
) -> CredentialsReplaced:
    def execute() -> CredentialsReplaced:
        done = replace_credentials(
            services.aggregates,
            services.connecting,
            caller,
            connection_id,
            body.refresh_token.get_secret_value(),
        )
        return CredentialsReplaced(
            connection_id=connection_id,
            status=ConnectionStatus.ACTIVE.value,
            version=done.version,
            sync_requested_at=done.sync.requested_at,
        )

    return once(idempotency_key, body.idempotency_payload(), execute, CredentialsReplaced)


@router.post(
    "/connections/<connection_id>/sync",
    status_code=202,
    tags=TAGS,
    summary="Sync the connection now",
    description="Queues a full sync (FIFO, one group per connection, so runs never overlap). "
    "The connection's `sync` status shows the run once the worker has picked it up. A "
    "disconnected connection does not sync: 409 `connection_disconnected`.",
    responses=contract.responses(
        202, "Sync queued", contract.COMMAND_ERRORS, _links_of(contract.returned("connection_id"))
    ),
)
def sync_connection(
    connection_id: EntityId,
    caller: CallerDep,
    services: ServicesDep,
    once: OnceDep,
    idempotency_key: IdempotencyKey = None,
) -> SyncRequested:
    def execute() -> SyncRequested:
        job = request_sync(services.aggregates, services.connecting.jobs, caller, connection_id)
        return SyncRequested(
            connection_id=connection_id,
            requested_at=job.requested_at,
            correlation_id=job.correlation_id,
        )

    return once(idempotency_key, {}, execute, SyncRequested)


@router.get(
    "/connections",
    tags=TAGS,
    summary="Your Amazon connections",
    description=contract.EVENTUALLY_CONSISTENT,
    responses=contract.responses(
        200,
        "Connections",
        contract.READ_ERRORS,
        {
            "GetConnection": contract.link(
                "GET /connections/{connection_id}",
                "The first connection",
                connection_id=contract.returned("items/0/connection_id"),
            )
        },
    ),
)
def list_connections(caller: CallerDep, services: ServicesDep) -> ConnectionList:
    found = services.views.list_connections(caller.tenant_id)
    return ConnectionList(items=found)


@router.get(
    "/connections/<connection_id>",
    tags=TAGS,
    summary="One connection and its sync status",
    description="`sync` is the sync worker's report of the last run and the last completed run "
    "(SP-API calls, events appended, quarantined records). " + contract.READ_YOUR_WRITES,
    responses=contract.responses(200, "The connection", contract.READ_ONE_ERRORS),
)
def get_connection(
    connection_id: EntityId, caller: CallerDep, services: ServicesDep
) -> ConnectionDetail:
    view = services.views.get_connection(caller.tenant_id, connection_id)
    if view is None:
        raise NotFound(f"connection {connection_id} not found")
    status = services.sync_status.get(caller.tenant_id, connection_id)
    sync = SyncStatus(
        last_run=SyncRun.of(status.last_run) if status else None,
        last_completed_run=SyncRun.of(status.last_completed_run)
        if status and status.last_completed_run
        else None,
    )
    return ConnectionDetail(**view.model_dump(), sync=sync)
