"""The API's own adapters: the refresh-token secrets, the sync queue, the sync statuses, and
Login with Amazon with Amazon's consent page.

Only the connection routes use them: the secrets and the queue get their boto3 client from a
function called on first use (see `functions.api.wiring.AwsClients`), and the sync statuses
import their reader on first use, so other requests' cold starts pay for neither.
"""

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlencode

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.parameters import SecretsProvider
    from mypy_boto3_dynamodb.client import DynamoDBClient
    from mypy_boto3_secretsmanager.client import SecretsManagerClient
    from mypy_boto3_sqs.client import SQSClient

    from functions.connection_state.pending import PendingJobs
    from functions.connection_state.status import SyncStatus, SyncStatusReader
    from functions.connection_state.sync_jobs import SyncJob
    from functions.shared.adapters.lwa import LwaApp, LwaTokenEndpoint


class SecretsManagerRefreshTokens:
    """One secret per connection: `{prefix}{tenant}/{connection_id}`. The token is never logged."""

    def __init__(self, client: Callable[[], "SecretsManagerClient"], prefix: str) -> None:
        self._client = client
        self._prefix = prefix

    def secret_name(self, tenant_id: str, connection_id: str) -> str:
        return f"{self._prefix}{tenant_id}/{connection_id}"

    def store(self, tenant_id: str, connection_id: str, refresh_token: str) -> None:
        self._client().create_secret(
            Name=self.secret_name(tenant_id, connection_id),
            SecretString=refresh_token,
            Tags=[{"Key": "tenant_id", "Value": tenant_id}],
        )

    def replace(self, tenant_id: str, connection_id: str, refresh_token: str) -> None:
        """The connection's token becomes this one; stored afresh if a disconnect deleted it."""
        client = self._client()
        try:
            client.put_secret_value(
                SecretId=self.secret_name(tenant_id, connection_id), SecretString=refresh_token
            )
        except client.exceptions.ResourceNotFoundException:
            self.store(tenant_id, connection_id, refresh_token)

    def discard(self, tenant_id: str, connection_id: str) -> None:
        """Deleted at once, without a recovery window; already gone is fine (a retried
        disconnect)."""
        client = self._client()
        with contextlib.suppress(client.exceptions.ResourceNotFoundException):
            client.delete_secret(
                SecretId=self.secret_name(tenant_id, connection_id),
                ForceDeleteWithoutRecovery=True,
            )


class SqsSyncJobs:
    """Sync jobs on the FIFO queue (one message group per connection, so runs never overlap),
    coalesced with the job of their kind already waiting."""

    def __init__(
        self, client: Callable[[], "SQSClient"], queue_url: str, pending: "PendingJobs"
    ) -> None:
        self._client = client
        self._queue_url = queue_url
        self._pending = pending

    def submit(self, job: "SyncJob") -> bool:
        from functions.connection_state.enqueue import SyncQueue

        return SyncQueue(self._client, self._queue_url, self._pending).submit(job)


class StateTableSyncStatuses:
    """Each connection's sync status, as the sync worker records it in the state table."""

    def __init__(self, table_name: str, client: "DynamoDBClient") -> None:
        self._table_name = table_name
        self._client = client
        self._reader: SyncStatusReader | None = None

    def get(self, tenant_id: str, connection_id: str) -> "SyncStatus | None":
        if self._reader is None:
            from functions.connection_state.status import SyncStatusReader

            self._reader = SyncStatusReader(self._table_name, self._client)
        return self._reader.get(tenant_id, connection_id)


class AmazonAuthorization:
    """Login with Amazon's grants for our app, and the consent page a seller is sent to.

    The app's client id and secret are read from the app secret on first use (cached five
    minutes by Powertools' provider). `consent_base` is the local simulator's consent page; on
    AWS it is None and the seller goes to the Seller Central of the first marketplace.
    """

    def __init__(
        self,
        secrets: Callable[[], "SecretsProvider"],
        app_secret_id: str,
        endpoint: "LwaTokenEndpoint",
        consent: "ConsentPage",
    ) -> None:
        self._secrets = secrets
        self._app_secret_id = app_secret_id
        self._endpoint = endpoint
        self._consent = consent

    def prove(self, refresh_token: str) -> None:
        self._endpoint.check_refresh_token(self._app(), refresh_token)

    def exchange(self, code: str) -> str:
        app = self._app()
        return self._endpoint.exchange_code(
            app, code, self._consent.redirect_uri
        ).get_secret_value()

    def consent_url(self, marketplace_id: str, state: str) -> str:
        return self._consent.url(marketplace_id, state)

    def _app(self) -> "LwaApp":
        from functions.shared.adapters.lwa import read_lwa_app

        return read_lwa_app(self._secrets(), self._app_secret_id)


@dataclass(frozen=True)
class ConsentPage:
    """Where the website authorization workflow sends the seller: Amazon's consent page for our
    application, which returns them to `redirect_uri` with `state`, `selling_partner_id` and
    `spapi_oauth_code`. `beta` marks an application still in draft (Amazon's `version=beta`)."""

    application_id: str
    redirect_uri: str
    base_url: str | None = None  # the local simulator's page; None: Seller Central's
    beta: bool = False

    def url(self, marketplace_id: str, state: str) -> str:
        from domain.marketplaces import seller_central

        base = self.base_url or f"{seller_central(marketplace_id)}/apps/authorize/consent"
        query = {
            "application_id": self.application_id,
            "state": state,
            "redirect_uri": self.redirect_uri,
        }
        if self.beta:
            query["version"] = "beta"
        return f"{base}?{urlencode(query)}"
