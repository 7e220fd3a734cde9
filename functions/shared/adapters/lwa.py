"""Login with Amazon's token endpoint, called directly: proving a refresh token before it is
stored, and exchanging the code of Amazon's website authorization workflow for one.

sp_api refreshes access tokens on its own during a sync; these two grants are the ones it does not
make. One bounded POST per call (a timeout, a capped answer), no retries: the caller is a person
waiting on an API request. Tokens and secrets are never logged or quoted in errors.
"""

import json
from typing import TYPE_CHECKING, Final
from urllib.parse import urlencode

from pydantic import BaseModel, ConfigDict, SecretStr, ValidationError

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.parameters import SecretsProvider

AMAZON_TOKEN_URL: Final = "https://api.amazon.com/auth/o2/token"
TOKEN_PATH: Final = "/auth/o2/token"
MAX_ANSWER_BYTES: Final = 64 * 1024
# LWA's answers for a grant it will not honour: the token or code is unknown, revoked or used.
REFUSED_ERRORS: Final = frozenset({"invalid_grant", "unauthorized_client"})


class LwaCredentials(BaseModel):
    """Our LWA app's client id and secret, and the seller's refresh token."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    lwa_app_id: str
    lwa_client_secret: SecretStr
    refresh_token: SecretStr


class LwaApp(BaseModel):
    """Our LWA app's client id and secret, as the app secret holds them."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    lwa_app_id: str
    lwa_client_secret: SecretStr


class UnreadableSecret(Exception):
    """A secret is not in the expected shape (the message never quotes it)."""


def read_secret(provider: "SecretsProvider", name: str, max_age: int, force_fetch: bool) -> str:
    """A secret's text through Powertools' cached provider (fresh when forced)."""
    value = provider.get(name, max_age=max_age, force_fetch=force_fetch)
    return value.decode() if isinstance(value, bytes) else str(value)


def read_lwa_app(
    provider: "SecretsProvider", secret_id: str, max_age: int = 300, force_fetch: bool = False
) -> LwaApp:
    raw = read_secret(provider, secret_id, max_age, force_fetch)
    try:
        return LwaApp.model_validate_json(raw)
    except ValidationError:
        raise UnreadableSecret(
            f"{secret_id} must hold JSON with lwa_app_id and lwa_client_secret"
        ) from None


class GrantRefused(Exception):
    """LWA refused the token or code (`error` is LWA's code, e.g. invalid_grant)."""

    def __init__(self, error: str) -> None:
        super().__init__(f"Login with Amazon refused the grant: {error}")
        self.error = error


class LwaUnavailable(Exception):
    """LWA could not be reached or answered something other than a grant or a refusal."""


class _Granted(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore", defer_build=True)

    access_token: SecretStr
    refresh_token: SecretStr | None = None


def token_url(spapi_endpoint: str | None) -> str:
    """Amazon's token endpoint, or the local simulator's when SP-API is served there."""
    return f"{spapi_endpoint.rstrip('/')}{TOKEN_PATH}" if spapi_endpoint else AMAZON_TOKEN_URL


class LwaTokenEndpoint:
    def __init__(self, url: str, timeout_seconds: float = 5.0) -> None:
        self._url = url
        self._timeout = timeout_seconds

    def check_refresh_token(self, app: LwaApp, refresh_token: str) -> None:
        """Raises GrantRefused unless LWA grants an access token for this refresh token."""
        self._post(app, {"grant_type": "refresh_token", "refresh_token": refresh_token})

    def exchange_code(self, app: LwaApp, code: str, redirect_uri: str | None) -> SecretStr:
        """The refresh token an authorization code stands for (the code is single use)."""
        form = {"grant_type": "authorization_code", "code": code}
        if redirect_uri:
            form["redirect_uri"] = redirect_uri
        granted = self._post(app, form)
        if granted.refresh_token is None:
            raise LwaUnavailable("Login with Amazon granted no refresh token for the code")
        return granted.refresh_token

    def _post(self, app: LwaApp, form: dict[str, str]) -> _Granted:
        # Imported here: the first grant pays for http.client and tempfile, not every cold start.
        import urllib.error
        import urllib.request

        client = {
            "client_id": app.lwa_app_id,
            "client_secret": app.lwa_client_secret.get_secret_value(),
        }
        body = urlencode(form | client).encode()
        request = urllib.request.Request(
            self._url,
            data=body,
            method="POST",
            headers={"Content-Type": "application/x-www-form-urlencoded;charset=UTF-8"},
        )
        try:
            with urllib.request.urlopen(request, timeout=self._timeout) as answer:
                return _granted(answer.read(MAX_ANSWER_BYTES + 1))
        except urllib.error.HTTPError as error:
            refused = _error_code(error.read(MAX_ANSWER_BYTES + 1))
            if error.code in (400, 401) and refused in REFUSED_ERRORS:
                raise GrantRefused(refused) from None
            raise LwaUnavailable(f"Login with Amazon answered HTTP {error.code}") from None
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            raise LwaUnavailable(f"Login with Amazon could not be reached: {error}") from None


def _granted(raw: bytes) -> _Granted:
    if len(raw) > MAX_ANSWER_BYTES:
        raise LwaUnavailable("Login with Amazon's answer is larger than expected")
    try:
        return _Granted.model_validate_json(raw)
    except ValidationError:
        raise LwaUnavailable("Login with Amazon's answer is not a token grant") from None


def _error_code(raw: bytes) -> str:
    if len(raw) > MAX_ANSWER_BYTES:
        return ""
    try:
        parsed = json.loads(raw)
    except ValueError:
        return ""
    error = parsed.get("error") if isinstance(parsed, dict) else None
    return error if isinstance(error, str) else ""
