"""moto at the cost of the services it stands in for: for the moto servers we run (the local
runtime's own, the benchmarks' process), never for tests that use plain moto as their oracle.

moto 5.2 answers correctly, but locally it, not our code, bounds the backend's throughput, and
its cost grows with the data (measured with the soak, `bench/bench_soak.py`):

- a DynamoDB Query lists and sorts every item of the table, then keeps the partition asked for
  (or, on an index, the items of the index key, sorted again);
- a TransactWriteItems deep-copies each table it names (its items and every stream record kept)
  once per action, to roll back if an action fails: 9 ms with 150 items, 203 ms with 2,150; the
  soak's moto grew to 5 GB;
- its DynamoDB models are not thread-safe, and the server serves each request on a thread of its
  own: a table deep-copied while another request writes it fails ("dictionary changed size
  during iteration"), and a rolled-back transaction puts back a copy, losing writes made meanwhile;
- SQS reads its clock (two datetimes built per reading) for every message of a queue, several
  times per SendMessage and ReceiveMessage: 20 ms of CPU each with 250 messages queued;
- a long poll (ReceiveMessage with WaitTimeSeconds) on a FIFO queue whose visible messages all
  belong to groups with a message in flight spins until its wait ends: moto waits "until a
  message is visible", which is already true, so each of the local sync workers' polls burnt a
  core for up to 20 s whenever a connection had a second job waiting behind its first (a
  quarter of the runtime's busy time while one connection imports a hundred shipments, with the
  GIL shared with it: the import took twice as long);
- every request looks its service up again (a directory listing of moto's package and a few
  hundred URL patterns, under a lock) and lists its response class's methods with `inspect`.

`apply()` changes how moto gets its answers, never what they are:

- every DynamoDB and DynamoDB Streams action runs under one lock (moto's work is Python under
  one GIL: this orders it, it does not slow it down);
- a Query starts from the partition it asks for (base table) or from the unsorted items (index);
  moto filters, sorts and pages them as before;
- a TransactWriteItems keeps, to roll back, only the items its actions name (deep copies) and how
  long each stream was; if it fails, those items are put back and the stream records it added
  dropped: what moto's copies restored, since under the lock nothing else changed meanwhile;
- SQS reads the same clock from `time.time()`;
- such a long poll looks again every GROUP_RECHECK_SECONDS (or at once when a message is sent)
  instead of spinning; with nothing visible, it waits as moto does;
- the service of a host and the methods of a response class are looked up once.

`tests/local/test_moto_speedups.py` holds a patched moto to plain moto's answers.
"""

import copy
import datetime
import functools
import inspect
import threading
import time
from collections.abc import Callable, Iterable
from types import SimpleNamespace
from typing import Any

from moto.core import responses as moto_responses
from moto.core import utils as moto_utils
from moto.core.responses import BaseResponse
from moto.dynamodb import models as dynamodb_models
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.dynamo_type import DynamoType, Item
from moto.dynamodb.models.table import Table
from moto.dynamodb.responses import DynamoHandler
from moto.dynamodbstreams.responses import DynamoDBStreamsHandler
from moto.moto_server.werkzeug_app import DomainDispatcherApplication
from moto.sqs import models as sqs_models

_APPLYING = threading.Lock()
_APPLIED = threading.Event()
_DYNAMODB = threading.Lock()  # one DynamoDB or DynamoDB Streams action at a time
GROUP_RECHECK_SECONDS = 0.05


def apply() -> None:
    """Patch moto in this process (once; later calls do nothing). Call before it serves."""
    with _APPLYING:
        if _APPLIED.is_set():
            return
        _look_up_once()
        _sqs_clock()
        _sqs_long_polls()
        _dynamodb()
        _APPLIED.set()


def _look_up_once() -> None:
    lookups: Any = DomainDispatcherApplication
    lookups.get_backend_for_host = functools.lru_cache(maxsize=256)(
        DomainDispatcherApplication.get_backend_for_host
    )
    responses: Any = moto_responses
    responses.method_names_from_class = functools.lru_cache(maxsize=256)(
        moto_utils.method_names_from_class
    )


def _sqs_clock() -> None:
    models: Any = sqs_models
    models.unix_time, models.unix_time_millis = _unix_time, _unix_time_millis


def _sqs_long_polls() -> None:
    queue: Any = sqs_models.Queue
    queue.wait_for_messages = _wait_for_messages


def _wait_for_messages(self: Any, timeout: int) -> None:
    """Called by a long poll that found nothing to deliver: until a message is sent (moto
    notifies) or `timeout`; when messages are visible (their groups in flight), at most
    GROUP_RECHECK_SECONDS, after which the poll looks again."""
    with self._messages_lock:
        if self.messages:
            self._messages_lock.wait(timeout=min(timeout, GROUP_RECHECK_SECONDS))
        else:
            self._messages_lock.wait_for(lambda: self.messages, timeout=timeout)


def _unix_time(dt: datetime.datetime | None = None) -> float:
    return time.time() if dt is None else moto_utils.unix_time(dt)


def _unix_time_millis(dt: datetime.datetime | None = None) -> float:
    return _unix_time(dt) * 1000.0


def _dynamodb() -> None:
    dynamodb: Any = DynamoHandler
    dynamodb.call_action = _one_at_a_time(DynamoHandler.call_action)
    streams: Any = DynamoDBStreamsHandler
    streams.call_action = _one_at_a_time(BaseResponse.call_action)
    table: Any = Table
    table.query = _from_candidates(Table.query)
    backend: Any = DynamoDBBackend
    backend.transact_write_items = _undo_on_failure(DynamoDBBackend.transact_write_items)
    # The module's only deep copies of a Table are the transaction's backups: with the undo
    # they are not needed, so they are the table itself (its items' copies stay copies).
    models: Any = dynamodb_models
    models.copy = SimpleNamespace(
        deepcopy=lambda value, memo=None: (
            value if isinstance(value, Table) else copy.deepcopy(value, memo)
        )
    )


def _one_at_a_time(call_action: Callable[[Any], Any]) -> Callable[[Any], Any]:
    @functools.wraps(call_action)
    def serialised(self: Any) -> Any:
        with _DYNAMODB:
            return call_action(self)

    return serialised


class _Candidates:
    """A table whose `all_items()` lists only what a query can match, unsorted (the query sorts
    what it keeps): the partition of `hash_key`, or every item for an index query (None)."""

    def __init__(self, table: Table, hash_key: DynamoType | None) -> None:
        self._table = table
        self._hash_key = hash_key

    def __getattr__(self, name: str) -> Any:
        return getattr(self._table, name)

    def all_items(self) -> list[Item]:
        items: Any = self._table.items
        if self._hash_key is None:
            partitions: Iterable[Any] = items.values()
        elif self._hash_key in items:  # `in`: the defaultdict must not grow a partition
            partitions = [items[self._hash_key]]
        else:
            return []
        if self._table.range_key_attr:
            return [item for partition in partitions for item in partition.values()]
        return list(partitions)


def _from_candidates(query: Callable[..., Any]) -> Callable[..., Any]:
    signature = inspect.signature(query)

    @functools.wraps(query)
    def from_candidates(self: Table, *args: Any, **kw: Any) -> Any:
        asked = signature.bind(self, *args, **kw).arguments
        hash_key = None if asked.get("index_name") else asked["hash_key"]
        return query(_Candidates(self, hash_key), *args, **kw)

    return from_candidates


class _Undo:
    """Before images of the items a transaction names, and each table's stream length."""

    def __init__(self, backend: DynamoDBBackend, actions: list[dict[str, Any]]) -> None:
        self._items: list[tuple[Table, DynamoType, DynamoType | None, Item | None]] = []
        self._streams: dict[str, tuple[Any, int]] = {}
        for action in actions:
            op = next(iter(action.values()), None)
            if not isinstance(op, dict) or op.get("TableName") not in backend.tables:
                continue  # moto refuses it before writing anything
            table = backend.tables[op["TableName"]]
            key = op.get("Item") if "Item" in op else op.get("Key")
            hash_attr, range_attr = table.hash_key_attr, table.range_key_attr
            names = [hash_attr] if range_attr is None else [hash_attr, range_attr]
            if not isinstance(key, dict) or not all(isinstance(key.get(n), dict) for n in names):
                continue  # moto refuses it before writing anything
            hash_key = DynamoType(key[hash_attr])
            range_key = DynamoType(key[range_attr]) if range_attr is not None else None
            before = table.get_item(hash_key, range_key)
            self._items.append((table, hash_key, range_key, copy.deepcopy(before)))
            shard = table.stream_shard
            if shard is not None:
                self._streams.setdefault(table.name, (shard, len(shard.items)))

    def restore(self) -> None:
        for table, hash_key, range_key, before in reversed(self._items):
            items: Any = table.items
            if range_key is None:
                if before is None:
                    items.pop(hash_key, None)
                else:
                    items[hash_key] = before
                continue
            partition = items[hash_key]
            if before is None:
                partition.pop(range_key, None)
                if not partition:
                    del items[hash_key]
            else:
                partition[range_key] = before
        for shard, length in self._streams.values():
            del shard.items[length:]


def _undo_on_failure(transact: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(transact)
    def undo_on_failure(self: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> Any:
        undo = _Undo(self, transact_items)
        try:
            return transact(self, transact_items)
        except BaseException:
            undo.restore()
            raise

    return undo_on_failure
