"""A connection's LWA credentials from Secrets Manager, through Powertools' cached provider.

The app secret holds {"lwa_app_id", "lwa_client_secret"} (as the CDK construct creates it); a
refresh-token secret holds the token as the API stored it. Nothing read here is ever logged.
"""

from typing import TYPE_CHECKING

from pydantic import BaseModel, SecretStr, ValidationError

from functions.shared.adapters.spapi_gateway import LwaCredentials

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.parameters import SecretsProvider


class _AppSecret(BaseModel):
    lwa_app_id: str
    lwa_client_secret: SecretStr


class UnreadableSecret(Exception):
    """A secret is not in the expected shape (the message never quotes it)."""


class CredentialStore:
    def __init__(
        self,
        provider: "SecretsProvider",
        app_secret_id: str,
        refresh_token_prefix: str,
        max_age_seconds: int = 300,
    ) -> None:
        self._provider = provider
        self._app_secret_id = app_secret_id
        self._prefix = refresh_token_prefix
        self._max_age = max_age_seconds

    def for_connection(
        self, tenant_id: str, connection_id: str, force_fetch: bool = False
    ) -> LwaCredentials:
        """`force_fetch` after an auth failure: the cached values may have been rotated."""
        try:
            app = _AppSecret.model_validate_json(self._read(self._app_secret_id, force_fetch))
        except ValidationError:
            raise UnreadableSecret(
                f"{self._app_secret_id} must hold JSON with lwa_app_id and lwa_client_secret"
            ) from None
        name = f"{self._prefix}{tenant_id}/{connection_id}"
        token = self._read(name, force_fetch).strip()
        if not token:
            raise UnreadableSecret(f"{name} is empty")
        return LwaCredentials(
            lwa_app_id=app.lwa_app_id,
            lwa_client_secret=app.lwa_client_secret,
            refresh_token=SecretStr(token),
        )

    def _read(self, name: str, force_fetch: bool) -> str:
        value = self._provider.get(name, max_age=self._max_age, force_fetch=force_fetch)
        return value.decode() if isinstance(value, bytes) else str(value)
