"""The notifications consumer's composition root: `build(settings, clients) -> Deps`; `deps()`
builds the default from the environment once per container, on first use; tests call
`handler.handle` with their own."""

from dataclasses import dataclass
from functools import cache

from domain.ports import Clock, IdGenerator
from functions.connection_state.enqueue import SyncQueue
from functions.connection_state.pending import PendingJobs
from functions.connection_state.registry import ConnectionRegistry
from functions.connection_state.watch_index import WatchIndex
from functions.notifications.claims import Claims
from functions.notifications.consumer import NotificationConsumer
from functions.notifications.repoll import Repolls
from functions.notifications.settings import NotificationsSettings
from functions.shared.adapters.aws_clients import AwsClients
from functions.shared.adapters.dynamodb_event_store import DynamoDBEventStore
from functions.shared.adapters.state_store import StateTable
from functions.shared.adapters.system import RandomIds, SystemClock
from functions.shared.cold_start import settled
from functions.shared.inventory_stream import InventoryRecorder


@dataclass(frozen=True)
class Deps:
    consumer: NotificationConsumer


def build(
    settings: NotificationsSettings,
    clients: AwsClients,
    *,
    clock: Clock | None = None,
    ids: IdGenerator | None = None,
) -> Deps:
    clock, ids = clock or SystemClock(), ids or RandomIds()
    dynamodb = clients.dynamodb
    state = StateTable(settings.state_table, dynamodb)

    enqueue = SyncQueue(lambda: clients.sqs, settings.sync_queue_url, PendingJobs(state)).submit

    consumer = NotificationConsumer(
        Claims(state),
        ConnectionRegistry(state),
        InventoryRecorder(DynamoDBEventStore(settings.events_table, dynamodb), state, ids, clock),
        Repolls(state, WatchIndex(state), enqueue),
        clock,
        settings.spapi_application_id,
    )
    return Deps(consumer=consumer)


@cache
def deps() -> Deps:
    return settled(build(NotificationsSettings.from_env(), AwsClients()))
