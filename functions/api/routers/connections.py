"""/connections: one Amazon seller account per region, its warehouses and its syncs."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Body

from domain.connection import ConnectionStatus
from domain.errors import NotFound
from functions.api import contract
from functions.api.commands.authorizations import complete_authorization, start_authorization
from functions.api.commands.connections import (
    OpenedConnection,
    change_settings,
    connect_with_token,
    replace_credentials,
    request_sync,
)
from functions.api.dependencies import CallerDep, OnceDep, ServicesDep
from functions.api.models.connections import (
    AuthorizationStarted,
    CompleteAuthorizationRequest,
    ConnectionCreated,
    ConnectionDetail,
    ConnectionList,
    ConnectionSettingsChanged,
    ConnectionSettingsRequest,
    ConnectionWarehouse,
    CreateConnectionRequest,
    CredentialsReplaced,
    CredentialsRequest,
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


def _links_of(connection_id: str) -> dict[str, contract.Link]:
    """Where a connection id returned by a command leads."""
    return {
        "GetConnection": contract.link(
            "GET /connections/{connection_id}",
            "The connection and its sync status",
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
    "use, bound to this tenant, and expires after 10 minutes.",
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
    "warehouse for the region; the first sync is queued. An unknown, used or another tenant's "
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
    "A tenant holds at most its quota of connections (409 beyond it). " + contract.APPENDED,
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


@router.post(
    "/connections/<connection_id>/settings",
    tags=TAGS,
    summary="Change the connection's settings",
    description="The watch window: how long closed shipments with a discrepancy are re-polled "
    "for late-found units. " + contract.APPENDED,
    responses=contract.responses(
        200,
        "Settings changed",
        contract.COMMAND_ERRORS,
        _links_of(contract.returned("connection_id")),
    ),
)
def change_connection_settings(
    connection_id: EntityId,
    body: ConnectionSettingsRequest,
    caller: CallerDep,
    services: ServicesDep,
    once: OnceDep,
    idempotency_key: IdempotencyKey = None,
) -> ConnectionSettingsChanged:
    def execute() -> ConnectionSettingsChanged:
        version = change_settings(
            services.aggregates, caller, connection_id, body.watch_window_days
        )
        return ConnectionSettingsChanged(
            connection_id=connection_id,
            watch_window_days=body.watch_window_days,
            version=version,
        )

    return once(idempotency_key, body.model_dump(mode="json"), execute, ConnectionSettingsChanged)


@router.put(
    "/connections/<connection_id>/credentials",
    tags=TAGS,
    summary="Re-authorize the connection with a new refresh token",
    description="For a connection whose authorization Amazon no longer honours (its `status` is "
    "`authorization_lost`), or to replace its token. The token is checked with Login with "
    "Amazon first: refused, it is 422 and nothing changes. Then it replaces the stored one, the "
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
    "The connection's `sync` status shows the run once the worker has picked it up.",
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
