"""Connection: one Amazon seller account in one region, with the marketplaces it sells in.

Opening a connection creates an FBA warehouse per marketplace and one FBM warehouse for the
region. The LWA refresh token never enters the domain: it lives in the secret store.
"""

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from domain.errors import AlreadyExists, InvalidCommand, NotFound
from domain.marketplaces import Region, country_of, region_of
from domain.messages import Command, Decision, DomainEvent
from domain.streams import StreamKind
from domain.warehouse import WarehouseCreated, WarehouseKind, fba_warehouse_id, fbm_warehouse_id

DEFAULT_WATCH_WINDOW_DAYS = 60
MAX_WATCH_WINDOW_DAYS = 365


class ConnectionCreated(DomainEvent):
    type: Literal["ConnectionCreated"] = "ConnectionCreated"
    connection_id: str
    seller_id: str
    region: Region
    marketplace_ids: tuple[str, ...]
    watch_window_days: int = DEFAULT_WATCH_WINDOW_DAYS


class ConnectionSettingsChanged(DomainEvent):
    type: Literal["ConnectionSettingsChanged"] = "ConnectionSettingsChanged"
    connection_id: str
    watch_window_days: int


class CreateConnection(Command):
    connection_id: str
    seller_id: str = Field(min_length=1)
    region: Region
    marketplace_ids: tuple[str, ...] = Field(min_length=1)


class ChangeConnectionSettings(Command):
    connection_id: str
    watch_window_days: int = Field(ge=1, le=MAX_WATCH_WINDOW_DAYS)


class Connection(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)

    connection_id: str
    seller_id: str
    region: Region
    marketplace_ids: tuple[str, ...]
    watch_window_days: int = DEFAULT_WATCH_WINDOW_DAYS


def check_marketplaces(region: Region, marketplace_ids: tuple[str, ...]) -> None:
    """Raises InvalidCommand unless these are distinct SP-API marketplaces of the region."""
    wrong = [m for m in marketplace_ids if region_of(m) is not region]
    if wrong:
        raise InvalidCommand(
            f"marketplaces {', '.join(wrong)} are not SP-API marketplaces of region {region.value}"
        )
    if len(set(marketplace_ids)) != len(marketplace_ids):
        raise InvalidCommand("each marketplace may appear only once")


def decide_create(command: CreateConnection, state: Connection | None) -> Decision:
    """The connection's own event and the warehouses it brings, per stream."""
    if state is not None:
        raise AlreadyExists(f"connection {command.connection_id} already exists")
    check_marketplaces(command.region, command.marketplace_ids)
    cid = command.connection_id
    decision: Decision = {
        (StreamKind.CONNECTION, cid): [
            ConnectionCreated(
                connection_id=cid,
                seller_id=command.seller_id,
                region=command.region,
                marketplace_ids=command.marketplace_ids,
            )
        ]
    }
    for marketplace_id in command.marketplace_ids:
        warehouse_id = fba_warehouse_id(cid, marketplace_id)
        decision[(StreamKind.WAREHOUSE, warehouse_id)] = [
            WarehouseCreated(
                warehouse_id=warehouse_id,
                name=f"Amazon FBA {country_of(marketplace_id)} ({command.seller_id})",
                kind=WarehouseKind.FBA,
                connection_id=cid,
                marketplace_id=marketplace_id,
            )
        ]
    fbm_id = fbm_warehouse_id(cid)
    decision[(StreamKind.WAREHOUSE, fbm_id)] = [
        WarehouseCreated(
            warehouse_id=fbm_id,
            name=f"Amazon FBM {command.region.value} ({command.seller_id})",
            kind=WarehouseKind.FBM,
            connection_id=cid,
        )
    ]
    return decision


def decide(command: Command, state: Connection | None) -> list[DomainEvent]:
    if state is None:
        raise NotFound("connection not found")
    if isinstance(command, ChangeConnectionSettings):
        if command.watch_window_days == state.watch_window_days:
            return []
        return [
            ConnectionSettingsChanged(
                connection_id=state.connection_id, watch_window_days=command.watch_window_days
            )
        ]
    raise TypeError(f"not a connection command: {type(command).__name__}")


def evolve(state: Connection | None, event: DomainEvent) -> Connection | None:
    match event:
        case ConnectionCreated():
            return Connection(**event.model_dump(exclude={"type", "schema_version"}))
        case ConnectionSettingsChanged() if state is not None:
            return state.model_copy(update={"watch_window_days": event.watch_window_days})
    return state
