"""Options of the local runtime, from environment variables (documented in the README)."""

import os
from collections.abc import Mapping
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

DEMO_TENANT = "demo"
DEFAULT_SYNC_WORKER_CONCURRENCY = 4
MAX_SYNC_WORKER_CONCURRENCY = 32


class LocalConfig(BaseModel):
    model_config = ConfigDict(frozen=True, populate_by_name=True)

    api_port: int = Field(default=8000, alias="LOCAL_API_PORT", ge=0, le=65535)
    sim_port: int = Field(default=8100, alias="LOCAL_SIM_PORT", ge=0, le=65535)
    moto_port: int = Field(default=0, alias="LOCAL_MOTO_PORT", ge=0, le=65535)
    # An AWS endpoint already running (e.g. moto in a process of its own): no moto is started.
    aws_endpoint: str | None = Field(default=None, alias="LOCAL_AWS_ENDPOINT")
    schedule_seconds: float = Field(default=60.0, alias="LOCAL_SCHEDULE_SECONDS", gt=0)
    sim_rate_scale: float = Field(default=1.0, alias="LOCAL_SIM_RATE_SCALE", gt=0)
    data_dir: Path | None = Field(default=None, alias="LOCAL_DATA_DIR")
    save_seconds: float = Field(default=5.0, alias="LOCAL_SAVE_SECONDS", gt=0)
    # Sync worker invocations at once, each in an execution environment (a process) of its own,
    # as Lambda scales the SQS-triggered worker out; one job per invocation.
    sync_worker_concurrency: int = Field(
        default=DEFAULT_SYNC_WORKER_CONCURRENCY,
        alias="LOCAL_SYNC_WORKER_CONCURRENCY",
        ge=1,
        le=MAX_SYNC_WORKER_CONCURRENCY,
    )

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> "LocalConfig":
        source = os.environ if env is None else env
        return cls.model_validate(
            {k: v for k, v in source.items() if k.startswith("LOCAL_") and v != ""}
        )
