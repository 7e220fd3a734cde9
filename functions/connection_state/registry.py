"""Registries the worker keeps in the state table: every connection it has run (read by the
dispatcher) and the connections of each Amazon seller (read by the notifications consumer)."""

from pydantic import AwareDatetime, BaseModel, ConfigDict

from domain.connection import Connection
from domain.marketplaces import Region
from functions.connection_state.keys import CONNECTIONS_REGISTRY_PK, connection_sk, seller_pk
from functions.shared.adapters.state_store import StateTable


class RegisteredConnection(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)

    tenant_id: str
    connection_id: str
    seller_id: str
    region: Region
    marketplace_ids: tuple[str, ...]
    last_run_at: AwareDatetime


class ConnectionRegistry:
    def __init__(self, table: StateTable) -> None:
        self._table = table

    def register(self, tenant_id: str, connection: Connection, now: AwareDatetime) -> None:
        entry = RegisteredConnection(
            tenant_id=tenant_id,
            connection_id=connection.connection_id,
            seller_id=connection.seller_id,
            region=connection.region,
            marketplace_ids=connection.marketplace_ids,
            last_run_at=now,
        )
        sk = connection_sk(tenant_id, connection.connection_id)
        self._table.put(CONNECTIONS_REGISTRY_PK, sk, entry)
        self._table.put(seller_pk(connection.seller_id), sk, entry)

    def connections(self) -> list[RegisteredConnection]:
        return [
            row.doc for _, row in self._table.query(CONNECTIONS_REGISTRY_PK, RegisteredConnection)
        ]

    def connections_of_seller(self, seller_id: str) -> list[RegisteredConnection]:
        return [row.doc for _, row in self._table.query(seller_pk(seller_id), RegisteredConnection)]
