"""One seller's shipments in every state, built the same way for any seller, so that two runs
(one with faults, one without) can be compared stream by stream."""

from collections.abc import Callable
from typing import Any

import httpx

from domain.event_store import RecordedEvent
from tests.sync.harness import US, SyncWorld

SHIPMENTS = 23  # three listing pages of ten
ITEMS = 5 * 12 + 18 * 2  # ten pages of items by date

Streams = dict[str, list[dict[str, Any]]]
_references: dict[bool, Streams] = {}


def reference(new_world: Callable[..., SyncWorld], feed: bool) -> Streams:
    """The streams a fault-free first sync of the scenario records, its items read by date
    (`feed`) or per shipment; built once each."""
    if feed not in _references:
        clean = new_world()
        clean.configure(backfill_feed=feed)
        names = build(clean)
        clean.sync()
        _references[feed] = by_name(clean, names)
    return _references[feed]


def build(world: SyncWorld) -> dict[str, str]:
    """Creates the shipments; returns shipment id -> name (names are the same for every seller)."""
    names: dict[str, str] = {}
    for n in range(SHIPMENTS):
        name = f"scenario-{n:02d}"
        # Every fifth shipment has 12 lines: two items pages, the second via getShipmentItems.
        lines = [
            # The simulator derives QuantityInCase from the shipment id: fix it instead.
            {"sku": f"SKU-{n}-{k}", "quantity": 5 + k, "quantity_in_case": k % 2}
            for k in range(12 if n % 5 == 0 else 2)
        ]
        created = httpx.post(
            f"{world.control_url}/_sim/sellers/{world.seller_id}/shipments",
            json={
                "marketplace_id": US,
                "destination_fc": "PHX7",
                "items": lines,
                "status": "SHIPPED",
                "name": name,
            },
        )
        created.raise_for_status()
        sid = created.json()["shipment_id"]
        names[sid] = name
        if n % 3 == 1:
            world.control.receive(sid, {f"SKU-{n}-0": 3})
        if n % 4 == 2:
            world.control.receive(sid, {f"SKU-{n}-1": 6})
            world.control.close(sid)
        if n % 7 == 6 and n % 4 != 2:
            world.control.cancel(sid)
    return names


def by_name(world: SyncWorld, names: dict[str, str]) -> dict[str, list[dict[str, Any]]]:
    return {names[sid]: content(events) for sid, events in world.streams().items()}


def content(events: list[RecordedEvent]) -> list[dict[str, Any]]:
    """What the events say, without times and ids (to compare two sellers' streams). FNSKUs
    are Amazon's per seller: blanked."""
    return [
        _without_fnsku(
            recorded.event.model_dump(
                mode="json", exclude={"observed_at", "shipment_id", "connection_id"}
            )
        )
        for recorded in events
    ]


def _without_fnsku(document: Any) -> Any:
    if isinstance(document, dict):
        return {k: "" if k == "fnsku" else _without_fnsku(v) for k, v in document.items()}
    if isinstance(document, list):
        return [_without_fnsku(v) for v in document]
    return document
