"""GET /stock/drift and the drift tolerance setting: Amazon's reports against our ledger per SKU
of an FBA warehouse; and the reactor booking an on-hand difference that persisted past two reads
as an `amazon_adjustment` in GET /stock/ledger, once, however often a report is redelivered."""

from datetime import timedelta
from typing import Any

import pytest

from domain.event_store import EventContext, RecordedEvent
from domain.inventory import AmazonInventoryFigures, AmazonInventoryReported, AmazonStockAdjusted
from domain.stock.drift import Drift
from domain.streams import StreamId, StreamKind
from domain.warehouse import fba_warehouse_id
from functions.api.wiring import Services
from functions.reactor.amazon_adjustments import AmazonAdjustments
from functions.shared.views.cursor import CursorCodec
from functions.shared.views.table import ViewTable
from tests.api.conftest import Aws
from tests.api.gateway import ApiClient
from tests.api.givens import OBSERVED_AT, US, a_connection, an_own_warehouse

READS_VIEWS = True


class RecordedAlerts:
    """The reactor's alerts port, keeping what it was told."""

    def __init__(self) -> None:
        self.persisted_drifts: list[Drift] = []

    def persisted(self, drift: Drift) -> None:
        self.persisted_drifts.append(drift)


@pytest.fixture
def fba(api: ApiClient) -> str:
    return fba_warehouse_id(a_connection(api), US)


def report(
    services: Services, tenant: str, warehouse_id: str, minutes: int, **figures: int
) -> RecordedEvent:
    """Amazon reports the SKU W-1 `minutes` after the observation time."""
    event = AmazonInventoryReported(
        warehouse_id=warehouse_id,
        sku="W-1",
        fnsku="X00W1",
        figures=AmazonInventoryFigures(**figures),
        reported_at=OBSERVED_AT + timedelta(minutes=minutes),
        source="summaries",
    )
    key = (StreamKind.FBA_INVENTORY.value, warehouse_id)
    context = EventContext(
        tenant_id=tenant, actor="sync:test", correlation_id="sync-run-1", occurred_at=OBSERVED_AT
    )
    version = len(inventory_stream(services, tenant, warehouse_id))
    services.aggregates.save(context, {key: [event]}, {key: version})
    return inventory_stream(services, tenant, warehouse_id)[-1]


def inventory_stream(services: Services, tenant: str, warehouse_id: str) -> list[RecordedEvent]:
    stream = StreamId(tenant_id=tenant, kind=StreamKind.FBA_INVENTORY, entity_id=warehouse_id)
    return services.events.read(stream)


def drift(api: ApiClient, warehouse_id: str, **query: str) -> Any:
    reply = api.get("/stock/drift", warehouse_id=warehouse_id, **query)
    assert reply.status == 200, reply.text
    return reply.json


def test_a_difference_beyond_the_tolerance_is_shown_with_since_reads_and_both_sides(
    api: ApiClient, services: Services, fba: str
) -> None:
    report(services, api.tenant or "", fba, 0, fulfillable=7, reserved=1, inbound_shipped=1)
    report(services, api.tenant or "", fba, 10, fulfillable=8, reserved=1, unfulfillable=1)

    found = drift(api, fba)

    assert (found["warehouse_id"], found["tolerance"]) == (fba, 2)  # the default setting
    (on_hand,) = found["items"]
    assert {k: on_hand[k] for k in ("sku", "figure", "ours", "amazon", "difference", "reads")} == {
        "sku": "W-1",
        "figure": "on_hand",
        "ours": 0,
        "amazon": 10,
        "difference": 10,
        "reads": 2,
    }
    assert on_hand["since"] == OBSERVED_AT.isoformat().replace("+00:00", "Z")
    assert [r["fulfillable"] for r in on_hand["last_amazon"]] == [7, 8]
    assert on_hand["last_ours"] == []
    assert drift(api, fba, tolerance="10")["items"] == []
    assert drift(api, fba, tolerance="8")["items"][0]["reads"] == 1  # 8 within, 10 beyond


def test_the_tolerance_is_a_setting_shown_changed_and_bounded(
    api: ApiClient, services: Services, fba: str
) -> None:
    report(services, api.tenant or "", fba, 0, fulfillable=5)
    rule = {"enabled": False, "days_after_expected": 30}

    changed = api.request(
        "PUT",
        "/settings/planning",
        body={"ignore_unreceived": rule, "drift_tolerance_units": 5},
    )
    kept = api.request("PUT", "/settings/planning", body={"ignore_unreceived": rule})
    refused = [
        api.request(
            "PUT",
            "/settings/planning",
            body={"ignore_unreceived": rule, "drift_tolerance_units": v},
        )
        for v in (-1, 100_001, True)
    ]

    assert (changed.status, changed.json["drift_tolerance_units"]) == (200, 5), changed.text
    assert kept.json["drift_tolerance_units"] == 5
    assert [(r.status, r.json.get("errors", [{}])[0].get("field")) for r in refused] == [
        (422, "body.drift_tolerance_units")
    ] * 3
    assert api.get("/settings/planning").json["drift_tolerance_units"] == 5
    assert drift(api, fba) == {
        "warehouse_id": fba,
        "tolerance": 5,
        "items": [],
        "next_cursor": None,
    }


def test_unknown_another_tenants_and_non_fba_warehouses_are_refused(
    api: ApiClient, fba: str
) -> None:
    own = an_own_warehouse(api)

    unknown = api.get("/stock/drift", warehouse_id="nope")
    another = api.as_tenant("someone-else").get("/stock/drift", warehouse_id=fba)
    not_fba = api.get("/stock/drift", warehouse_id=own)
    missing = api.get("/stock/drift")
    bad_tolerance = api.get("/stock/drift", warehouse_id=fba, tolerance="-1")

    assert (unknown.status, another.status) == (404, 404)
    assert (not_fba.status, not_fba.json["errors"][0]["field"]) == (422, "query.warehouse_id")
    assert (missing.status, bad_tolerance.status) == (400, 400)


def test_a_difference_persisting_past_two_reads_is_one_amazon_adjustment_in_the_ledger(
    api: ApiClient, services: Services, aws: Aws, fba: str
) -> None:
    tenant = api.tenant or ""
    alerts = RecordedAlerts()
    views = ViewTable(aws.settings.views_table, aws.clients.dynamodb, CursorCodec(lambda: b""))
    reactor = AmazonAdjustments(services.aggregates, views, alerts)
    reports = []
    for minutes in (0, 10):
        reports.append(report(services, tenant, fba, minutes, fulfillable=6, researching=1))
        assert reactor.react(reports[-1]) == {}
    assert alerts.persisted_drifts == []

    reports.append(report(services, tenant, fba, 20, fulfillable=6, researching=1))
    decided = reactor.react(reports[-1])
    for redelivered in [*reports, *reports]:
        assert reactor.react(redelivered) == {}

    (adjusted,) = [e.event for e in inventory_stream(services, tenant, fba)[3:]]
    assert decided == {(StreamKind.FBA_INVENTORY.value, fba): [adjusted]}
    assert isinstance(adjusted, AmazonStockAdjusted)
    assert (adjusted.ours, adjusted.amazon, adjusted.difference) == (0, 7, 7)
    assert adjusted.report_event_id == reports[-1].event_id
    assert [(d.figure.value, d.reads) for d in alerts.persisted_drifts] == [("on_hand", 3)]
    (entry,) = api.get("/stock/ledger", warehouse_id=fba, sku="W-1").json["entries"]
    assert {k: entry[k] for k in ("reason", "ours", "amazon", "on_hand", "on_hand_after")} == {
        "reason": "amazon_adjustment",
        "ours": 0,
        "amazon": 7,
        "on_hand": 7,
        "on_hand_after": 7,
    }
    assert entry["at"] == (OBSERVED_AT + timedelta(minutes=20)).isoformat().replace("+00:00", "Z")
    assert drift(api, fba)["items"] == []
    (row,) = api.get("/stock", warehouse_id=fba, sku="W-1").json["items"]
    assert (row["on_hand"], row["amazon"]["fulfillable"], row["amazon"]["researching"]) == (7, 6, 1)
