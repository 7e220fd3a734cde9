"""The notifications consumer's composition root: built once per container, on first use;
tests and the local runtime `configure` their own."""

from typing import TYPE_CHECKING, Any

from domain.ports import Clock, IdGenerator
from functions.notifications.claims import Claims
from functions.notifications.consumer import NotificationConsumer
from functions.notifications.inventory import InventoryRecorder
from functions.notifications.repoll import Repolls
from functions.notifications.settings import NotificationsSettings
from functions.shared.dynamodb_event_store import DynamoDBEventStore
from functions.shared.state_store import StateTable
from functions.shared.sync_jobs import SyncJob
from functions.shared.system import RandomIds, SystemClock
from functions.sync.enqueue import enqueue_sync
from functions.sync.registry import ConnectionRegistry
from functions.sync.watch_index import WatchIndex

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient
    from mypy_boto3_sqs.client import SQSClient

_configured: NotificationConsumer | None = None


def configure(consumer: NotificationConsumer | None) -> None:
    global _configured
    _configured = consumer


def consumer() -> NotificationConsumer:
    if _configured is None:
        configure(build_from_env())
    assert _configured is not None
    return _configured


def build(
    settings: NotificationsSettings,
    *,
    dynamodb: "DynamoDBClient",
    sqs: "SQSClient",
    clock: Clock | None = None,
    ids: IdGenerator | None = None,
) -> NotificationConsumer:
    clock, ids = clock or SystemClock(), ids or RandomIds()
    state = StateTable(settings.state_table, dynamodb)

    def enqueue(job: SyncJob) -> object:
        return enqueue_sync(sqs, settings.sync_queue_url, job)

    return NotificationConsumer(
        Claims(state),
        ConnectionRegistry(state),
        InventoryRecorder(DynamoDBEventStore(settings.events_table, dynamodb), state, ids, clock),
        Repolls(state, WatchIndex(state), enqueue),
        clock,
    )


def build_from_env() -> NotificationConsumer:
    import boto3

    client: Any = boto3.client
    settings = NotificationsSettings.from_env()
    return build(settings, dynamodb=client("dynamodb"), sqs=client("sqs"))
