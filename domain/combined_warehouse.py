"""Combined warehouses: a sum of member warehouses (each member's stock, sales, or both), which
holds no stock of its own and is no order's source or destination.

Members may be combined warehouses too, so the members form a graph that must stay acyclic
and bounded: a command is checked against every warehouse reachable from its members (loaded by
the caller with `reach`), at most MAX_DEPTH levels deep, each warehouse at most MAX_MEMBERS
members, at most MAX_LEAVES warehouses summed. A warehouse counted through two members is
summed once. (Two member changes at once could each pass against what the other has not
appended yet and close a cycle between them; reads stay bounded all the same, as resolving a
warehouse stops past MAX_DEPTH levels with a clear error.)
"""

from collections.abc import Callable, Iterable, Mapping
from typing import Final

from domain.errors import AlreadyExists, InvalidCommand, NotFound
from domain.messages import DomainEvent
from domain.warehouse import (
    CreateWarehouse,
    Member,
    SetWarehouseMembers,
    Warehouse,
    WarehouseCreated,
    WarehouseKind,
    WarehouseMembersChanged,
)

MAX_MEMBERS: Final = 50
MAX_DEPTH: Final = 5  # levels of members under a combined warehouse
MAX_LEAVES: Final = 100  # warehouses one combined warehouse sums
MAX_REACHABLE: Final = 250  # warehouses a command loads to check the members


def reach(
    member_ids: Iterable[str], load: Callable[[list[str]], Mapping[str, Warehouse]]
) -> dict[str, Warehouse]:
    """Every warehouse reachable from `member_ids` within MAX_DEPTH levels, read a level at a
    time through `load` (which leaves out ids it does not find); InvalidCommand on `members`
    past MAX_REACHABLE warehouses."""
    found: dict[str, Warehouse] = {}
    level = list(dict.fromkeys(member_ids))
    for _ in range(MAX_DEPTH):
        wanted = [warehouse_id for warehouse_id in level if warehouse_id not in found]
        if not wanted:
            break
        if len(found) + len(wanted) > MAX_REACHABLE:
            raise InvalidCommand(
                f"the members reach more than {MAX_REACHABLE} warehouses: combine fewer",
                field="members",
            )
        loaded = load(wanted)
        found.update(loaded)
        level = list(dict.fromkeys(m.warehouse_id for w in loaded.values() for m in w.members))
    return found


def decide_members(
    command: CreateWarehouse | SetWarehouseMembers,
    state: Warehouse | None,
    reachable: Mapping[str, Warehouse],
) -> list[DomainEvent]:
    """Create a combined warehouse, or replace its members, given `reach` of the members."""
    if isinstance(command, CreateWarehouse):
        if state is not None:
            raise AlreadyExists(f"warehouse {command.warehouse_id} already exists")
        _check(command.warehouse_id, command.members, reachable)
        created = WarehouseCreated(
            warehouse_id=command.warehouse_id,
            name=command.name,
            kind=WarehouseKind.COMBINED,
            members=command.members,
        )
        return [created]
    if state is None:
        raise NotFound(f"warehouse {command.warehouse_id} not found")
    if state.kind is not WarehouseKind.COMBINED:
        raise InvalidCommand(
            f"warehouse {state.warehouse_id} is not a combined warehouse: only a combined "
            "warehouse has members",
            field="members",
        )
    if state.members == command.members:
        return []
    _check(state.warehouse_id, command.members, reachable)
    return [WarehouseMembersChanged(warehouse_id=state.warehouse_id, members=command.members)]


def stock_members(warehouse_id: str, warehouses: Mapping[str, Warehouse]) -> tuple[str, ...]:
    """The warehouses whose stock `warehouse_id` shows: itself unless it is combined, else its
    members with `include_stock`, those combined resolved in turn (`warehouses` holds it and
    every warehouse `reach` finds from its members). InvalidCommand naming `warehouse_id` past
    MAX_DEPTH levels or MAX_LEAVES warehouses (a member changed since may have grown it)."""
    return _bounded(warehouse_id, _leaves([warehouse_id], warehouses, _stock, MAX_DEPTH))


def sales_members(warehouse_id: str, warehouses: Mapping[str, Warehouse]) -> tuple[str, ...]:
    """The warehouses whose sales `warehouse_id` shows, as `stock_members` does for stock."""
    return _bounded(warehouse_id, _leaves([warehouse_id], warehouses, _sales, MAX_DEPTH))


def _stock(member: Member) -> bool:
    return member.include_stock


def _sales(member: Member) -> bool:
    return member.include_sales


def _check(
    warehouse_id: str, members: tuple[Member, ...], reachable: Mapping[str, Warehouse]
) -> None:
    if not members:
        raise InvalidCommand("a combined warehouse has at least one member", field="members")
    if len(members) > MAX_MEMBERS:
        raise InvalidCommand(
            f"a combined warehouse has at most {MAX_MEMBERS} members", field="members"
        )
    seen: set[str] = set()
    for index, member in enumerate(members):
        at = f"members.{index}"
        if member.warehouse_id == warehouse_id:
            raise InvalidCommand(f"warehouse {warehouse_id} cannot contain itself", field=at)
        if member.warehouse_id in seen:
            raise InvalidCommand(f"warehouse {member.warehouse_id} is a member twice", field=at)
        seen.add(member.warehouse_id)
        if member.warehouse_id not in reachable:
            raise InvalidCommand(
                f"warehouse {member.warehouse_id} is not one of your warehouses", field=at
            )
        _require_acyclic(warehouse_id, member.warehouse_id, reachable, at)
    for included in (_stock, _sales):
        roots = [member.warehouse_id for member in members if included(member)]
        if len(_leaves(roots, reachable, included, MAX_DEPTH - 1)) > MAX_LEAVES:
            raise InvalidCommand(
                f"the members sum more than {MAX_LEAVES} warehouses: combine fewer",
                field="members",
            )


def _require_acyclic(
    warehouse_id: str, member_id: str, reachable: Mapping[str, Warehouse], at: str
) -> None:
    """`warehouse_id` must not be reachable from `member_id`, nor anything under it deeper
    than MAX_DEPTH levels (the graph as it stands is acyclic, so a walk ends)."""
    level, depth = {member_id}, 1
    while level:
        if warehouse_id in level:
            raise InvalidCommand(
                f"warehouse {member_id} contains warehouse {warehouse_id}: a combined warehouse "
                "cannot contain itself",
                field=at,
            )
        combined = [reachable[w] for w in level if w in reachable and reachable[w].members]
        if combined and depth == MAX_DEPTH:
            raise InvalidCommand(
                f"warehouse {member_id} nests combined warehouses too deep: at most "
                f"{MAX_DEPTH} levels under a combined warehouse",
                field=at,
            )
        level = {m.warehouse_id for w in combined for m in w.members}
        depth += 1


def _leaves(
    roots: list[str],
    warehouses: Mapping[str, Warehouse],
    included: Callable[[Member], bool],
    depth: int,
) -> tuple[str, ...]:
    """The non-combined warehouses among `roots` and under them through the members
    `included`, level by level in member order, each once (a warehouse `warehouses` lacks
    counts as one holding nothing); InvalidCommand (`warehouse_id`) past `depth` levels under
    the roots."""
    leaves: dict[str, None] = {}
    level = list(dict.fromkeys(roots))
    for _ in range(depth + 1):
        below: list[str] = []
        for current in level:
            found = warehouses.get(current)
            if found is None or found.kind is not WarehouseKind.COMBINED:
                leaves[current] = None
            else:
                below.extend(m.warehouse_id for m in found.members if included(m))
        level = list(dict.fromkeys(below))
        if not level:
            return tuple(leaves)
    raise InvalidCommand(
        f"warehouse {roots[0]} nests combined warehouses more than {MAX_DEPTH} levels deep: "
        "flatten its members",
        field="warehouse_id",
    )


def _bounded(warehouse_id: str, leaves: tuple[str, ...]) -> tuple[str, ...]:
    if len(leaves) > MAX_LEAVES:
        raise InvalidCommand(
            f"warehouse {warehouse_id} sums more than {MAX_LEAVES} warehouses: combine fewer",
            field="warehouse_id",
        )
    return leaves
