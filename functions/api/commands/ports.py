"""The adapters the connection commands run on, as the commands see them."""

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:  # the connection routes load them; a cold start serving warehouses does not
    from domain.marketplaces import Region
    from functions.connection_state.authorizations import OpeningSettings, PendingAuthorization
    from functions.connection_state.status import SyncStatus
    from functions.connection_state.sync_jobs import SyncJob


class RefreshTokens(Protocol):
    def store(self, tenant_id: str, connection_id: str, refresh_token: str) -> None: ...

    def replace(self, tenant_id: str, connection_id: str, refresh_token: str) -> None: ...

    def discard(self, tenant_id: str, connection_id: str) -> None: ...


class SyncJobs(Protocol):
    def submit(self, job: "SyncJob") -> bool:
        """Queue the job; False when one of its kind already waits and covers it."""
        ...


class Quota(Protocol):
    limit: int

    def take(self, tenant_id: str) -> None: ...

    def give_back(self, tenant_id: str) -> None: ...


class Grants(Protocol):
    """Login with Amazon's grants and Amazon's consent page (`functions.api.adapters`)."""

    def prove(self, refresh_token: str) -> None: ...

    def exchange(self, code: str) -> str: ...

    def consent_url(self, marketplace_id: str, state: str) -> str: ...


class PendingAuthorizations(Protocol):
    def open(
        self,
        tenant_id: str,
        region: "Region",
        marketplace_ids: tuple[str, ...],
        now: datetime,
        settings: "OpeningSettings | None" = None,
    ) -> "PendingAuthorization": ...

    def take(self, state: str) -> "PendingAuthorization | None": ...

    def put_back(self, pending: "PendingAuthorization") -> None: ...


@dataclass(frozen=True)
class Connecting:
    """What opening a connection needs besides the event store."""

    tokens: RefreshTokens
    jobs: SyncJobs
    quota: Quota
    grants: Grants
    pending: PendingAuthorizations


class SyncStatuses(Protocol):
    def get(self, tenant_id: str, connection_id: str) -> "SyncStatus | None": ...
