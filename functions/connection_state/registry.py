"""Registries the worker keeps in the state table: every connection it has run (read by the
dispatcher) and the connections each notifications subscription serves (read by the
notifications consumer, which routes by the subscription a message came through, never by the
seller id inside it)."""

from typing import TYPE_CHECKING

from pydantic import AwareDatetime, BaseModel, ConfigDict

from domain.connection_terms import ConnectionStatus
from domain.marketplaces import Region
from functions.connection_state.keys import (
    CONNECTIONS_REGISTRY_PK,
    connection_sk,
    subscription_pk,
)
from functions.shared.adapters.state_store import StateTable

if TYPE_CHECKING:  # the notifications consumer and the dispatcher read entries only
    from domain.connection import Connection


class RegisteredConnection(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)

    tenant_id: str
    connection_id: str
    seller_id: str
    region: Region
    marketplace_ids: tuple[str, ...]
    last_run_at: AwareDatetime
    # The schedule skips a connection that is not active (authorization lost, disconnected).
    status: ConnectionStatus = ConnectionStatus.ACTIVE


class ConnectionRegistry:
    def __init__(self, table: StateTable) -> None:
        self._table = table

    def register(self, tenant_id: str, connection: "Connection", now: AwareDatetime) -> None:
        entry = _entry(tenant_id, connection, now)
        self._table.put(
            CONNECTIONS_REGISTRY_PK, connection_sk(tenant_id, entry.connection_id), entry
        )

    def subscribed(
        self, subscription_id: str, tenant_id: str, connection: "Connection", now: AwareDatetime
    ) -> None:
        """The connection's own grant subscribed (or found subscribed) `subscription_id`."""
        entry = _entry(tenant_id, connection, now)
        sk = connection_sk(tenant_id, entry.connection_id)
        self._table.put(subscription_pk(subscription_id), sk, entry)

    def unsubscribed(self, subscription_id: str, tenant_id: str, connection_id: str) -> None:
        """`subscription_id` no longer serves the connection (it was disconnected)."""
        self._table.delete(
            subscription_pk(subscription_id), connection_sk(tenant_id, connection_id)
        )

    def connections(self) -> list[RegisteredConnection]:
        return [
            row.doc for _, row in self._table.query(CONNECTIONS_REGISTRY_PK, RegisteredConnection)
        ]

    def connections_of_subscription(self, subscription_id: str) -> list[RegisteredConnection]:
        pk = subscription_pk(subscription_id)
        return [row.doc for _, row in self._table.query(pk, RegisteredConnection)]


def _entry(tenant_id: str, connection: "Connection", now: AwareDatetime) -> RegisteredConnection:
    return RegisteredConnection(
        tenant_id=tenant_id,
        connection_id=connection.connection_id,
        seller_id=connection.seller_id,
        region=connection.region,
        marketplace_ids=connection.marketplace_ids,
        last_run_at=now,
        status=connection.status,
    )
