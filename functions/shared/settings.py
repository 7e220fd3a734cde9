"""Each function's configuration, parsed once from the environment into typed settings.

A missing value is an error at cold start, never an empty string at run time.
"""

import os
from collections.abc import Mapping
from typing import Self

from pydantic import BaseModel, ConfigDict, Field

# Environment variable names, shared with infra/ (CDK) and the local runtime.
EVENTS_TABLE = "EVENTS_TABLE"
VIEWS_TABLE = "VIEWS_TABLE"
STATE_TABLE = "STATE_TABLE"
IDEMPOTENCY_TABLE = "IDEMPOTENCY_TABLE"
SYNC_QUEUE_URL = "SYNC_QUEUE_URL"
AMAZON_JOBS_QUEUE_URL = "AMAZON_JOBS_QUEUE_URL"
LWA_APP_SECRET_ID = "LWA_APP_SECRET_ID"
REFRESH_TOKEN_SECRET_PREFIX = "REFRESH_TOKEN_SECRET_PREFIX"
SPAPI_APPLICATION_ID = "SPAPI_APPLICATION_ID"
NOTIFICATIONS_QUEUE_ARN = "NOTIFICATIONS_QUEUE_ARN"
CURSOR_KEY_SECRET_ID = "CURSOR_KEY_SECRET_ID"
AUTHORIZATION_REDIRECT_URI = "AUTHORIZATION_REDIRECT_URI"
SPAPI_APP_DRAFT = "SPAPI_APP_DRAFT"
CONNECTION_QUOTA = "CONNECTION_QUOTA"
# Local runtime only: where the simulated Amazon answers instead of Amazon's hosts.
SPAPI_ENDPOINT = "SPAPI_ENDPOINT"


class _Settings(BaseModel):
    model_config = ConfigDict(frozen=True, populate_by_name=True, defer_build=True)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Self:
        source = os.environ if env is None else env
        return cls.model_validate({k: v for k, v in source.items() if v != ""})


class StoreSettings(_Settings):
    events_table: str = Field(alias=EVENTS_TABLE)
    views_table: str = Field(alias=VIEWS_TABLE)
    state_table: str = Field(alias=STATE_TABLE)


class ApiSettings(StoreSettings):
    idempotency_table: str = Field(alias=IDEMPOTENCY_TABLE)
    sync_queue_url: str = Field(alias=SYNC_QUEUE_URL)
    amazon_jobs_queue_url: str = Field(alias=AMAZON_JOBS_QUEUE_URL)
    refresh_token_secret_prefix: str = Field(alias=REFRESH_TOKEN_SECRET_PREFIX)
    lwa_app_secret_id: str = Field(alias=LWA_APP_SECRET_ID)
    # The key that signs page cursors (any string of at least 32 characters).
    cursor_key_secret_id: str = Field(alias=CURSOR_KEY_SECRET_ID)
    # Amazon's website authorization workflow: our SP-API application and where Amazon sends
    # the seller back (the web app's page, which completes the authorization).
    spapi_application_id: str = Field(alias=SPAPI_APPLICATION_ID)
    authorization_redirect_uri: str = Field(alias=AUTHORIZATION_REDIRECT_URI)
    spapi_app_draft: bool = Field(default=False, alias=SPAPI_APP_DRAFT)
    connection_quota: int = Field(default=20, ge=1, alias=CONNECTION_QUOTA)
    spapi_endpoint: str | None = Field(default=None, alias=SPAPI_ENDPOINT)


class SyncSettings(StoreSettings):
    sync_queue_url: str = Field(alias=SYNC_QUEUE_URL)
    lwa_app_secret_id: str = Field(alias=LWA_APP_SECRET_ID)
    refresh_token_secret_prefix: str = Field(alias=REFRESH_TOKEN_SECRET_PREFIX)
    # Each connection subscribes Amazon's inventory notifications to this queue; unset, none do.
    notifications_queue_arn: str | None = Field(default=None, alias=NOTIFICATIONS_QUEUE_ARN)
    spapi_endpoint: str | None = Field(default=None, alias=SPAPI_ENDPOINT)


class AmazonJobSettings(StoreSettings):
    amazon_jobs_queue_url: str = Field(alias=AMAZON_JOBS_QUEUE_URL)
    lwa_app_secret_id: str = Field(alias=LWA_APP_SECRET_ID)
    refresh_token_secret_prefix: str = Field(alias=REFRESH_TOKEN_SECRET_PREFIX)
    spapi_endpoint: str | None = Field(default=None, alias=SPAPI_ENDPOINT)
