"""A connection's LWA credentials from Secrets Manager, through Powertools' cached provider.

The app secret holds {"lwa_app_id", "lwa_client_secret"} (as the CDK construct creates it); a
refresh-token secret holds the token as the API stored it. Nothing read here is ever logged.
"""

from collections.abc import Callable
from typing import TYPE_CHECKING

from pydantic import SecretStr

from functions.shared.adapters.lwa import (
    LwaCredentials,
    UnreadableSecret,
    read_lwa_app,
    read_secret,
)

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.parameters import SecretsProvider

__all__ = ["CredentialStore", "UnreadableSecret"]


class CredentialStore:
    def __init__(
        self,
        provider: Callable[[], "SecretsProvider"],
        app_secret_id: str,
        refresh_token_prefix: str,
        max_age_seconds: int = 300,
    ) -> None:
        """`provider` gives Powertools' reader when a secret is first read (a cold start that
        reads none builds no Secrets Manager client)."""
        self._provider = provider
        self._app_secret_id = app_secret_id
        self._prefix = refresh_token_prefix
        self._max_age = max_age_seconds

    def for_connection(
        self, tenant_id: str, connection_id: str, force_fetch: bool = False
    ) -> LwaCredentials:
        """`force_fetch` after an auth failure: the cached values may have been rotated."""
        provider = self._provider()
        app = read_lwa_app(provider, self._app_secret_id, self._max_age, force_fetch)
        name = f"{self._prefix}{tenant_id}/{connection_id}"
        token = read_secret(provider, name, self._max_age, force_fetch).strip()
        if not token:
            raise UnreadableSecret(f"{name} is empty")
        return LwaCredentials(
            lwa_app_id=app.lwa_app_id,
            lwa_client_secret=app.lwa_client_secret,
            refresh_token=SecretStr(token),
        )
