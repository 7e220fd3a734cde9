"""SP-API notifications: Amazon's figures recorded once per notification, re-polls of the
shipments carrying the SKU, and unknown or malformed messages handled without retrying forever."""

import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest

from domain.event_store import RecordedEvent
from domain.inventory import AmazonInventoryFigures, AmazonInventoryReported
from domain.streams import StreamId, StreamKind
from domain.warehouse import fba_warehouse_id
from functions.connection_state.pending import PendingJobs
from functions.connection_state.sync_jobs import SyncJob, SyncReason
from functions.notifications import observability
from tests.notifications.harness import CA, US, Consumer, camel_case_envelope, inventory_change
from tests.sync.harness import SyncWorld

pytestmark = pytest.mark.slow


@pytest.fixture
def consumer(world: SyncWorld) -> Consumer:
    return Consumer(world)


def change(
    world: SyncWorld, sku: str, fulfillable: dict[str, int], **fields: Any
) -> dict[str, Any]:
    """A notification for the world's seller, through its connection's subscription."""
    assert world.subscription_id is not None, "the world's first sync subscribes"
    return inventory_change(
        world.seller_id, sku, fulfillable, subscription_id=world.subscription_id, **fields
    )


def reports(world: SyncWorld, marketplace_id: str = US) -> list[RecordedEvent]:
    warehouse_id = fba_warehouse_id(world.connection_id, marketplace_id)
    return world.store.read(
        StreamId(tenant_id=world.tenant_id, kind=StreamKind.FBA_INVENTORY, entity_id=warehouse_id)
    )


def metric_totals(output: str) -> dict[str, float]:
    totals: dict[str, float] = {}
    for line in output.splitlines():
        if '"_aws"' in line:
            document = json.loads(line)
            for spec in document["_aws"]["CloudWatchMetrics"][0]["Metrics"]:
                totals[spec["Name"]] = totals.get(spec["Name"], 0) + sum(document[spec["Name"]])
    return totals


def queued_jobs(world: SyncWorld) -> list[SyncJob]:
    """The jobs on the sync queue, taken off it as the worker takes them (their kind no longer
    waits)."""
    messages = world.receive()
    for message in messages:
        world.aws.sqs.delete_message(
            QueueUrl=world.queue.url, ReceiptHandle=message["ReceiptHandle"]
        )
    jobs = [SyncJob.model_validate_json(m["Body"]) for m in messages]
    for job in jobs:
        PendingJobs(world.state).take(job)
    return jobs


class LogRecords(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def logged() -> Iterator[list[logging.LogRecord]]:
    handler = LogRecords()
    observability.logger.addHandler(handler)
    yield handler.records
    observability.logger.removeHandler(handler)


def test_a_notification_delivered_twice_is_recorded_once_for_the_connections_marketplaces(
    world: SyncWorld, consumer: Consumer, capsys: pytest.CaptureFixture[str]
) -> None:
    world.sync()  # registers the seller's connection
    notification = change(world, "SKU-1", {US: 40, CA: 7})

    assert consumer.deliver(notification) == []
    assert consumer.deliver(notification) == []

    [recorded] = reports(world)
    assert recorded.event == AmazonInventoryReported(
        warehouse_id=fba_warehouse_id(world.connection_id, US),
        sku="SKU-1",
        fnsku="X00SKU-1",
        figures=AmazonInventoryFigures(
            fulfillable=40, inbound_shipped=4, inbound_receiving=2, reserved=4, unfulfillable=1
        ),
        reported_at=recorded.event.reported_at,
        source=f"notification:{notification['NotificationMetadata']['NotificationId']}",
    )
    assert recorded.event.reported_at.isoformat() == "2026-11-23T09:00:00+00:00"
    assert (recorded.actor, recorded.tenant_id) == ("system:notifications", world.tenant_id)
    assert reports(world, CA) == []  # the connection does not sell in Canada
    totals = metric_totals(capsys.readouterr().out)
    assert (totals["NotificationsRecorded"], totals["DuplicateNotifications"]) == (1, 1)


def test_a_camel_case_envelope_is_read_like_a_pascal_case_one(
    world: SyncWorld, consumer: Consumer
) -> None:
    world.sync()
    notification = camel_case_envelope(change(world, "SKU-2", {US: 5}))

    assert consumer.deliver(notification) == []

    [recorded] = reports(world)
    assert recorded.event.figures.fulfillable == 5


def test_an_unknown_type_is_acknowledged_and_counted(
    world: SyncWorld, consumer: Consumer, capsys: pytest.CaptureFixture[str]
) -> None:
    report_done = {
        "notificationVersion": "2020-09-04",
        "notificationType": "REPORT_PROCESSING_FINISHED",
        "payload": {"reportProcessingFinishedNotification": {"reportId": "1"}},
        "notificationMetadata": {"notificationId": "n-1"},
    }

    assert consumer.deliver(report_done) == []
    assert metric_totals(capsys.readouterr().out)["UnknownNotificationTypes"] == 1


def test_malformed_notifications_fail_their_own_records_with_a_clear_log_line(
    world: SyncWorld, consumer: Consumer, logged: list[logging.LogRecord]
) -> None:
    world.sync()
    no_id = change(world, "SKU-3", {US: 1})
    del no_id["NotificationMetadata"]["NotificationId"]
    no_type = {"Payload": {}}
    good = change(world, "SKU-3", {US: 2})

    failed = consumer.deliver("{not json", no_id, no_type, good)

    assert len(failed) == 3
    assert [r.event.figures.fulfillable for r in reports(world)] == [2]
    errors = [record for record in logged if record.levelno == logging.ERROR]
    assert [record.getMessage().split(": ", 1)[1] for record in errors] == [
        "the body is not JSON",
        "NotificationMetadata.NotificationId: Field required",
        "NotificationType is missing",
    ]
    assert [record.__dict__["message_id"] for record in errors] == failed


def test_a_sku_change_asks_once_a_minute_for_the_items_of_watched_shipments_carrying_it(
    world: SyncWorld, consumer: Consumer
) -> None:
    control, seller = world.control, world.seller_id
    first = control.create_shipment(seller, US, {"SKU-A": 5}, status="SHIPPED")
    second = control.create_shipment(seller, US, {"SKU-A": 2, "SKU-B": 1}, status="IN_TRANSIT")
    control.create_shipment(seller, US, {"SKU-B": 3}, status="SHIPPED")
    full = control.create_shipment(seller, US, {"SKU-A": 1}, status="SHIPPED")
    control.receive(full, {"SKU-A": 1})
    control.close(full)  # received in full: no longer watched
    world.sync()

    consumer.deliver(change(world, "SKU-A", {US: 9}))
    [job] = queued_jobs(world)
    assert (job.reason, job.shipment_ids) == (
        SyncReason.NOTIFICATION,
        tuple(sorted([first, second])),
    )

    consumer.deliver(change(world, "SKU-A", {US: 10}))  # within the minute
    assert queued_jobs(world) == []

    world.clock.advance(seconds=61)
    consumer.deliver(change(world, "SKU-A", {US: 11}))
    assert [job.shipment_ids for job in queued_jobs(world)] == [tuple(sorted([first, second]))]
    assert len(reports(world)) == 3


def test_a_copy_delivered_after_a_crash_does_not_record_the_report_again(
    world: SyncWorld,
) -> None:
    world.control.create_shipment(world.seller_id, US, {"SKU-A": 5}, status="SHIPPED")
    world.sync()
    notification = change(world, "SKU-A", {US: 3})
    # The first delivery records the report, then fails to queue the re-poll (no such queue).
    broken = Consumer(world, sync_queue_url=world.queue.url + "-missing")
    assert len(broken.deliver(notification)) == 1
    assert len(reports(world)) == 1

    working = Consumer(world)
    assert len(working.deliver(notification)) == 1  # still leased to the first delivery
    world.clock.advance(seconds=121)
    assert working.deliver(notification) == []

    assert len(reports(world)) == 1
    assert [len(job.shipment_ids) for job in queued_jobs(world)] == [1]


def test_a_message_is_routed_by_its_subscription_never_by_the_seller_it_names(
    world: SyncWorld, consumer: Consumer, capsys: pytest.CaptureFixture[str]
) -> None:
    world.sync()
    subscription = world.subscription_id
    other_seller = inventory_change("A2OTHERSELLER", "SKU-1", {US: 5}, subscription_id=subscription)
    unknown_subscription = inventory_change(
        world.seller_id, "SKU-1", {US: 6}, subscription_id="someone-elses-subscription"
    )
    foreign = change(world, "SKU-1", {US: 7}, application_id="amzn1.sp.solution.not-ours")

    assert consumer.deliver(other_seller, unknown_subscription, foreign) == []

    assert reports(world) == []
    totals = metric_totals(capsys.readouterr().out)
    assert totals["NotificationsOfUnknownSubscriptions"] == 2
    assert totals["NotificationsOfOtherApplications"] == 1
