"""Each function's cold start against a typical Powertools function of its kind (its anchor).

A cold start here is the CPU time, in a fresh interpreter, of importing the handler module,
building its clients and serving its first request: for the API a list route and a command
(with an Idempotency-Key), for the dispatcher one schedule event, for the queue and stream
functions one small record. Interpreter start-up is excluded. Every request really runs: AWS is
moto in server mode (a child process), SP-API the simulated Amazon (in this process); the
clients in the measured process are the functions' own, pointed at them by AWS_ENDPOINT_URL.

Functions and anchors run on a twin of the Lambda asset built for this machine (the same lock,
sources and compiled bytecode, with wheels for this CPU) on CPython 3.12 where this machine has
one, in two modes: the twin with its unchecked-hash bytecode (as `make asset` builds it now)
and without it (as it shipped before: every module compiled at each cold start). Both run with
PYTHONDONTWRITEBYTECODE=1, so nothing is cached between runs, as on Lambda's read-only
/var/task. In the first mode the functions have botocore's data as the asset ships it (our
services' only, see infra/build_asset.py) and the anchors as pip installs it (every service's:
a typical function's client lists them all and parses their endpoints, about 80 ms); in the
second both have it whole, as it shipped before.

The anchors (the ANCHOR_* sources below) are what a Powertools user would write for the same
job: for the API, APIGatewayRestResolver(enable_validation=True) with pydantic routes, Logger,
Metrics, Tracer and idempotency on DynamoDB; for the others pydantic, Logger, the event
source's utility (batch processor or parser) and boto3 with the clients the function has; the
sync worker's also has its SP-API client, python-amazon-sp-api's inbound (v0) client, which
reads the seller's shipments once (sp_api's whole `sp_api.api` package, which the library's
examples import and which imports every SP-API client, would add about 0.9 s: the anchor
imports the one module it calls, as the worker does). The API's target sits below its
anchor's own libraries, so each of its pairs also runs the least REST function on the libraries
the design card fixes (ANCHOR_API_FLOOR: the resolver with validation, pydantic, Logger, boto3
and one DynamoDB client, the anchor's two routes without Metrics, Tracer and idempotency, and
the levers the API uses itself: the collector paused through the cold start, pydantic's plugin
scan off), on the asset's twin as the API, and its ratio to the anchor is printed: the lowest
an API on those libraries, as the asset ships them, can reach. Each
repetition runs the function and its anchor back to back (alternating which goes first) on the
same kind of input; figures are medians, and the ratio is the median of the paired ratios: the
machine is shared and noisy, so compare ratios, not absolute times. Each process has Lambda's
runtime variables (LAMBDA_TASK_ROOT, AWS_EXECUTION_ENV): without them the X-Ray SDK, imported by
every function's Tracer, builds a centralized-sampling poller with a botocore client of its own
(about 160 ms here) that it never builds on Lambda. X-Ray is off
(POWERTOOLS_TRACE_DISABLED; Tracer is still built and the X-Ray SDK imported). About 2.5
minutes; `--quick` runs fewer repetitions.
"""

import argparse
import json
import logging
import multiprocessing
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from multiprocessing.queues import Queue
from pathlib import Path
from typing import Any

from bench.moto_server import serve_moto
from domain.amazon_gateway import GET_SHIPMENT_ITEMS_BY_SHIPMENT_ID
from infra import build_asset

REGION = "us-east-1"
US = "ATVPDKIKX0DER"
REPETITIONS, QUICK_REPETITIONS = 4, 2
TENANT = "bench"
APPLICATION_ID = "amzn1.sp.solution.bench"
HOUR = timedelta(hours=1)
WAREHOUSES = 5
LINES = 3
PROBE_TIMEOUT_SECONDS = 120
MARK = "@@cold-start@@ "
TARGETS = {"api": 0.7}  # every other function: DEFAULT_TARGET
DEFAULT_TARGET = 1.1

# Runs in the measured interpreter: everything before the first clock reading is start-up.
PROBE = """
import importlib, json, sys, time


class Context:
    function_name = "bench"
    function_version = "$LATEST"
    memory_limit_in_mb = 512
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:bench"
    aws_request_id = "bench-request"
    log_group_name = "/aws/lambda/bench"
    log_stream_name = "bench"

    def get_remaining_time_in_millis(self):
        return 300_000


def main():
    spec = json.loads(sys.stdin.read())
    if spec.get("profile"):
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    cpu, wall = time.process_time(), time.perf_counter()
    handler = getattr(importlib.import_module(spec["module"]), "lambda_handler")
    imported = time.process_time()
    answers = [handler(event, Context()) for event in spec["events"]]
    figures = {
        "cpu": time.process_time() - cpu,
        "import_cpu": imported - cpu,
        "wall": time.perf_counter() - wall,
        "modules": len(sys.modules),
        "answers": answers,
    }
    if spec.get("profile"):
        profiler.disable()
        profiler.dump_stats(spec["profile"])
    sys.stdout.flush()
    sys.stdout.write("\\n" + MARK + json.dumps(figures, default=str) + "\\n")


MARK = @MARK@
main()
""".replace("@MARK@", repr(MARK))

# The models and DynamoDB reads and writes of the API's anchor and of its least function.
_REST_ITEMS = """

class NewItem(BaseModel):
    name: str = Field(min_length=1, max_length=100)


class Item(NewItem):
    item_id: str


class Items(BaseModel):
    items: list[Item]


def tenant() -> str:
    return app.current_event.request_context.authorizer.claims["custom:tenant_id"]


def read_items() -> Items:
    found = dynamodb.query(
        TableName=TABLE,
        KeyConditionExpression="pk = :pk",
        ExpressionAttributeValues={":pk": {"S": "items#" + tenant()}},
    )
    return Items(items=[Item(item_id=i["sk"]["S"], name=i["name"]["S"]) for i in found["Items"]])


def put_item(tenant_id: str, name: str) -> Item:
    item = Item(item_id=str(uuid.uuid4()), name=name)
    dynamodb.put_item(
        TableName=TABLE,
        Item={
            # Not listed until processed (as the API's views): every list reads as many.
            "pk": {"S": "created#" + tenant_id},
            "sk": {"S": item.item_id},
            "name": {"S": item.name},
        },
        ConditionExpression="attribute_not_exists(pk)",
    )
    return item
"""

ANCHOR_API = (
    '''"""A Powertools REST API: validated routes, Logger, Metrics, Tracer, idempotency."""
import os
import uuid

import boto3
from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.event_handler import APIGatewayRestResolver
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)
from pydantic import BaseModel, Field

logger, tracer, metrics = Logger(), Tracer(), Metrics()
app = APIGatewayRestResolver(enable_validation=True)
dynamodb = boto3.client("dynamodb")
TABLE = os.environ["ANCHOR_TABLE"]
persistence = DynamoDBPersistenceLayer(
    table_name=os.environ["IDEMPOTENCY_TABLE"], boto3_client=dynamodb
)
config = IdempotencyConfig(event_key_jmespath="[tenant, key]", payload_validation_jmespath="name")
'''
    + _REST_ITEMS
    + """

@app.get("/items")
@tracer.capture_method
def list_items() -> Items:
    return read_items()


@idempotent_function(data_keyword_argument="request", persistence_store=persistence, config=config)
def create(request: dict) -> dict:
    return put_item(request["tenant"], request["name"]).model_dump()


@app.post("/items", status_code=201)
@tracer.capture_method
def create_item(body: NewItem) -> Item:
    key = app.current_event.get_header_value("Idempotency-Key") or str(uuid.uuid4())
    request = {"tenant": tenant(), "key": key, "name": body.name}
    created = Item.model_validate(create(request=request))
    metrics.add_metric(name="ItemsCreated", unit=MetricUnit.Count, value=1)
    return created


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event, context):
    config.register_lambda_context(context)
    return app.resolve(event, context)
"""
)

ANCHOR_API_FLOOR = (
    '''"""The least REST function on the libraries the design card fixes:
Powertools' REST resolver with validation, pydantic, Logger, boto3 and one DynamoDB client;
the anchor's two routes without Metrics, Tracer and idempotency; with the API's own levers
(functions/__init__.py): the collector paused through the cold start, then what it built
frozen, and pydantic's plugin scan off."""
import gc
import os

gc.disable()
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

import uuid

import boto3
from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayRestResolver
from aws_lambda_powertools.logging import correlation_paths
from pydantic import BaseModel, Field

logger = Logger()
app = APIGatewayRestResolver(enable_validation=True)
dynamodb = boto3.client("dynamodb")
TABLE = os.environ["ANCHOR_TABLE"]
gc.freeze()
gc.enable()
'''
    + _REST_ITEMS
    + """

@app.get("/items")
def list_items() -> Items:
    return read_items()


@app.post("/items", status_code=201)
def create_item(body: NewItem) -> Item:
    return put_item(tenant(), body.name)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
def lambda_handler(event, context):
    return app.resolve(event, context)
"""
)

ANCHOR_DISPATCHER = '''"""A scheduled function: parser, Logger, pydantic, DynamoDB, SQS."""
import os
import uuid
from datetime import datetime

import boto3
from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.parser import event_parser
from aws_lambda_powertools.utilities.parser.models import EventBridgeModel
from pydantic import BaseModel

logger = Logger()
dynamodb, sqs = boto3.client("dynamodb"), boto3.client("sqs")
TABLE, QUEUE = os.environ["ANCHOR_TABLE"], os.environ["SYNC_QUEUE_URL"]


class Job(BaseModel):
    tenant_id: str
    connection_id: str
    reason: str
    requested_at: datetime


@logger.inject_lambda_context(clear_state=True)
@event_parser(model=EventBridgeModel)
def lambda_handler(event: EventBridgeModel, context) -> dict:
    found = dynamodb.query(
        TableName=TABLE,
        KeyConditionExpression="pk = :pk",
        ExpressionAttributeValues={":pk": {"S": "registry"}},
    )["Items"]
    for item in found:
        job = Job(
            tenant_id=item["tenant_id"]["S"],
            connection_id=item["sk"]["S"],
            reason="schedule",
            requested_at=event.time,
        )
        sqs.send_message(
            QueueUrl=QUEUE,
            MessageBody=job.model_dump_json(),
            MessageGroupId=job.tenant_id + "#" + job.connection_id,
            MessageDeduplicationId=uuid.uuid4().hex,
        )
    logger.info("scheduled sync jobs", extra={"connections": len(found)})
    return {"enqueued": len(found)}
'''

ANCHOR_WORKER = '''"""A FIFO queue worker: batch processor, pydantic body, Logger, its clients:
boto3's and one SP-API client of python-amazon-sp-api, which reads the seller's shipments once."""
import importlib.util
import json
import os
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

import boto3
from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch import SqsFifoPartialProcessor, process_partial_response
from aws_lambda_powertools.utilities.parser.models import SqsRecordModel
from pydantic import BaseModel, Json


def without_init(package):
    """The package's submodules import without its __init__, which runs at its first lookup."""
    spec = importlib.util.find_spec(package)
    module = importlib.util.module_from_spec(spec)

    def run_init(name):
        del module.__dict__["__getattr__"]
        spec.loader.exec_module(module)
        return getattr(module, name)

    module.__dict__["__getattr__"] = run_init
    sys.modules[package] = module


# The library's floor: sp_api.api's __init__ imports every SP-API client (about 0.9 s of CPU
# here), confuse's reads credential files; the one client module it calls is imported alone.
without_init("sp_api.api")
without_init("confuse")
from sp_api.api.fulfillment_inbound.fulfillment_inbound_v0 import FulfillmentInboundV0  # noqa: E402
from sp_api.auth import AccessTokenClient  # noqa: E402

logger = Logger()
dynamodb, sqs = boto3.client("dynamodb"), boto3.client("sqs")
secrets = boto3.client("secretsmanager")
TABLE, ENDPOINT = os.environ["ANCHOR_TABLE"], os.environ["SPAPI_ENDPOINT"]
STATUSES = ",".join(
    ["WORKING", "READY_TO_SHIP", "SHIPPED", "IN_TRANSIT", "DELIVERED", "CHECKED_IN"]
    + ["RECEIVING", "CLOSED", "CANCELLED", "DELETED", "ERROR"]
)


@dataclass(frozen=True)
class Marketplace:  # what sp_api reads of a Marketplaces member, for the simulated Amazon
    endpoint: str
    marketplace_id: str
    region: str


class SimulatedLwa(AccessTokenClient):  # LWA served by the simulated Amazon
    scheme = "http://"
    host = urlsplit(ENDPOINT).netloc


class Job(BaseModel):
    tenant_id: str
    connection_id: str
    reason: str
    requested_at: datetime


class JobRecord(SqsRecordModel):
    body: Json[Job]


processor = SqsFifoPartialProcessor(model=JobRecord, skip_group_on_error=True)


def record_handler(record: JobRecord) -> None:
    job = record.body
    logger.append_keys(tenant_id=job.tenant_id, connection_id=job.connection_id)
    app = secrets.get_secret_value(SecretId=os.environ["LWA_APP_SECRET_ID"])["SecretString"]
    secret = os.environ["REFRESH_TOKEN_SECRET_PREFIX"] + job.tenant_id + "/" + job.connection_id
    token = secrets.get_secret_value(SecretId=secret)["SecretString"]
    key = {"pk": {"S": "run#" + job.tenant_id}, "sk": {"S": job.connection_id}}
    dynamodb.get_item(TableName=TABLE, Key=key)
    inbound = FulfillmentInboundV0(
        marketplace=Marketplace(ENDPOINT, "ATVPDKIKX0DER", "us-east-1"),
        credentials={"refresh_token": token, **json.loads(app)},
        auth_token_client_class=SimulatedLwa,
    )
    shipments = inbound.get_shipments(
        QueryType="SHIPMENT", MarketplaceId="ATVPDKIKX0DER", ShipmentStatusList=STATUSES
    ).payload["ShipmentData"]
    now = datetime.now(UTC).isoformat()
    item = {**key, "last_run_at": {"S": now}, "shipments": {"N": str(len(shipments))}}
    dynamodb.put_item(TableName=TABLE, Item=item)
    logger.info("ran", extra={"reason": job.reason, "shipments": len(shipments)})


@logger.inject_lambda_context(clear_state=True)
def lambda_handler(event, context):
    return process_partial_response(
        event=event, record_handler=record_handler, processor=processor, context=context
    )
'''

ANCHOR_NOTIFICATIONS = '''"""An SQS consumer: batch processor, pydantic body, Logger, clients."""
import os
from datetime import datetime

import boto3
from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from aws_lambda_powertools.utilities.parser.models import SqsRecordModel
from pydantic import BaseModel, Json

logger = Logger()
dynamodb, sqs = boto3.client("dynamodb"), boto3.client("sqs")
TABLE = os.environ["ANCHOR_TABLE"]


class Inventory(BaseModel):
    Fulfillable: int
    Unfulfillable: int


class ByMarketplace(BaseModel):
    MarketplaceId: str
    FulfillmentInventory: Inventory


class Payload(BaseModel):
    SellerId: str
    SKU: str
    FulfillmentInventoryByMarketplace: list[ByMarketplace]


class Metadata(BaseModel):
    NotificationId: str
    PublishTime: datetime


class Notification(BaseModel):
    NotificationType: str
    Payload: Payload
    NotificationMetadata: Metadata


class NotificationRecord(SqsRecordModel):
    body: Json[Notification]


processor = BatchProcessor(event_type=EventType.SQS, model=NotificationRecord)


def record_handler(record: NotificationRecord) -> None:
    notification = record.body
    claim = {"pk": {"S": "claim"}, "sk": {"S": notification.NotificationMetadata.NotificationId}}
    dynamodb.put_item(TableName=TABLE, Item=claim, ConditionExpression="attribute_not_exists(pk)")
    seller = notification.Payload.SellerId
    connections = dynamodb.query(
        TableName=TABLE,
        KeyConditionExpression="pk = :pk",
        ExpressionAttributeValues={":pk": {"S": "seller#" + seller}},
    )["Items"]
    for connection in connections:
        for figures in notification.Payload.FulfillmentInventoryByMarketplace:
            item = {
                "pk": {"S": "inventory#" + connection["sk"]["S"]},
                "sk": {"S": figures.MarketplaceId + "#" + notification.Payload.SKU},
                "fulfillable": {"N": str(figures.FulfillmentInventory.Fulfillable)},
            }
            dynamodb.put_item(TableName=TABLE, Item=item)
    logger.info("recorded", extra={"connections": len(connections)})


@logger.inject_lambda_context(clear_state=True)
def lambda_handler(event, context):
    return process_partial_response(
        event=event, record_handler=record_handler, processor=processor, context=context
    )
'''

ANCHOR_AMAZON_JOBS = '''"""A standard-queue job runner: batch processor, pydantic, Logger, boto3."""
import os

import boto3
from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from aws_lambda_powertools.utilities.parser.models import SqsRecordModel
from pydantic import BaseModel, Json

logger = Logger()
dynamodb, sqs = boto3.client("dynamodb"), boto3.client("sqs")
secrets = boto3.client("secretsmanager")


class Job(BaseModel):
    tenant_id: str
    job_id: str


class JobRecord(SqsRecordModel):
    body: Json[Job]


processor = BatchProcessor(event_type=EventType.SQS, model=JobRecord)


def record_handler(record: JobRecord) -> None:
    job = record.body
    logger.append_keys(tenant_id=job.tenant_id, job_id=job.job_id)
    found = dynamodb.query(
        TableName=os.environ["EVENTS_TABLE"],
        KeyConditionExpression="stream_id = :s",
        ExpressionAttributeValues={":s": {"S": job.tenant_id + "#job#" + job.job_id}},
    )["Items"]
    if not found:
        logger.info("no such job")
        return
    secrets.get_secret_value(SecretId=os.environ["LWA_APP_SECRET_ID"])


@logger.inject_lambda_context(clear_state=True)
def lambda_handler(event, context):
    return process_partial_response(
        event=event, record_handler=record_handler, processor=processor, context=context
    )
'''


_STREAM_ANCHOR_HEAD = """import json
import os
from datetime import datetime
from typing import Any

import boto3
from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord
from boto3.dynamodb.types import TypeDeserializer
from pydantic import BaseModel, Json

logger = Logger()
dynamodb = boto3.client("dynamodb")
processor = BatchProcessor(event_type=EventType.DynamoDBStreams)


class StoredEvent(BaseModel):
    stream_id: str
    version: int
    event_id: str
    type: str
    occurred_at: datetime
    tenant_id: str
    payload: Json[dict[str, Any]]


@logger.inject_lambda_context
def lambda_handler(event, context):
    return process_partial_response(event, record_handler, processor, context)
"""

ANCHOR_PROJECTOR = (
    '"""A typical stream projection: batch processor, pydantic, Logger, DynamoDB."""\n'
    + _STREAM_ANCHOR_HEAD
    + """

def record_handler(record: DynamoDBRecord) -> None:
    event = StoredEvent.model_validate(record.dynamodb.new_image)
    key = {"pk": {"S": "view#" + event.stream_id}, "sk": {"S": "doc"}}
    found = dynamodb.get_item(TableName=os.environ["ANCHOR_TABLE"], Key=key).get("Item")
    doc = json.loads(found["doc"]["S"]) if found else {}
    doc.update(event.payload)
    item = {**key, "rev": {"N": str(event.version)}, "doc": {"S": json.dumps(doc)}}
    dynamodb.put_item(TableName=os.environ["ANCHOR_TABLE"], Item=item)
    logger.info("projected", extra={"stream_id": event.stream_id})
"""
)

ANCHOR_REACTOR = (
    '"""A typical stream reaction: batch processor, pydantic, Logger, DynamoDB reads."""\n'
    + _STREAM_ANCHOR_HEAD
    + """
deserialize = TypeDeserializer().deserialize


def record_handler(record: DynamoDBRecord) -> None:
    event = StoredEvent.model_validate(record.dynamodb.new_image)
    found = dynamodb.query(
        TableName=os.environ["EVENTS_TABLE"],
        KeyConditionExpression="stream_id = :s",
        ExpressionAttributeValues={":s": {"S": event.stream_id}},
    )["Items"]
    history = [
        StoredEvent.model_validate({k: deserialize(v) for k, v in item.items()}) for item in found
    ]
    logger.info("followed", extra={"stream_id": event.stream_id, "events": len(history)})
"""
)


# -- the functions and what their first request is -------------------------------------------


@dataclass(frozen=True)
class Function:
    name: str
    module: str  # the handler module: Lambda's handler setting without ".lambda_handler"
    anchor: str  # the anchor's source
    settings: Callable[["World"], dict[str, str]]
    requests: Callable[["World", str], list[dict[str, Any]]]  # (world, "function"|"anchor")
    ok: Callable[[list[Any]], bool]
    # The least function of its kind on the libraries the design card fixes, measured beside
    # the pair (with the anchor's requests) where a target sits near them.
    floor: str | None = None


def _rest_event(method: str, path: str, body: Any = None, key: str | None = None) -> Any:
    from tests.api.gateway import rest_event

    headers = {} if key is None else {"Idempotency-Key": key}
    return rest_event(method, path, tenant=TENANT, body=body, headers=headers)


def _api_requests(world: "World", who: str) -> list[dict[str, Any]]:
    path = "/warehouses" if who == "function" else "/items"
    name = f"Bench {uuid.uuid4().hex[:8]}"
    return [
        _rest_event("GET", path),
        _rest_event("POST", path, {"name": name}, key=str(uuid.uuid4())),
    ]


def _schedule_event(world: "World", who: str) -> list[dict[str, Any]]:
    return [
        {
            "version": "0",
            "id": str(uuid.uuid4()),
            "detail-type": "Scheduled Event",
            "source": "aws.events",
            "account": "123456789012",
            "time": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "region": REGION,
            "resources": ["arn:aws:events:us-east-1:123456789012:rule/bench"],
            "detail": {},
        }
    ]


def _sqs_batch(body: str, queue_arn: str, fifo_group: str | None = None) -> dict[str, Any]:
    attributes = {
        "ApproximateReceiveCount": "1",
        "SentTimestamp": "1700000000000",
        "SenderId": "AIDAEXAMPLE",
        "ApproximateFirstReceiveTimestamp": "1700000000001",
    }
    if fifo_group is not None:
        attributes |= {
            "MessageGroupId": fifo_group,
            "MessageDeduplicationId": uuid.uuid4().hex,
            "SequenceNumber": "18849496460467696128",
        }
    return {
        "Records": [
            {
                "messageId": str(uuid.uuid4()),
                "receiptHandle": "bench",
                "body": body,
                "attributes": attributes,
                "messageAttributes": {},
                "md5OfBody": "",
                "eventSource": "aws:sqs",
                "eventSourceARN": queue_arn,
                "awsRegion": REGION,
            }
        ]
    }


def _worker_job(world: "World", who: str) -> list[dict[str, Any]]:
    tenant, connection = world.new_worker_connection()
    job = {
        "tenant_id": tenant,
        "connection_id": connection,
        "reason": "on_demand",
        "requested_at": datetime.now(UTC).isoformat(),
        "correlation_id": uuid.uuid4().hex,
    }
    return [_sqs_batch(json.dumps(job), world.sync_queue_arn, f"{tenant}#{connection}")]


def _amazon_job(world: "World", who: str) -> list[dict[str, Any]]:
    """A job no one started: the runner reads its stream once, finds nothing and ends."""
    job = {"tenant_id": TENANT, "job_id": f"job-{uuid.uuid4().hex}"}
    return [_sqs_batch(json.dumps(job), "arn:aws:sqs:us-east-1:123456789012:amazon-jobs")]


def _notification(world: "World", who: str) -> list[dict[str, Any]]:
    sku, notification_id = f"SKU-{uuid.uuid4().hex[:8]}", str(uuid.uuid4())
    body = inventory_change(world.seller_a, sku, notification_id, world.subscription_a)
    return [_sqs_batch(json.dumps(body), "arn:aws:sqs:us-east-1:123456789012:notifications")]


def _projector_record(world: "World", who: str) -> list[dict[str, Any]]:
    return [{"Records": [world.next_unprojected(who)]}]


def _reactor_record(world: "World", who: str) -> list[dict[str, Any]]:
    return [{"Records": [world.reactor_record]}]


FIRST_REQUESTS = (
    "   first requests: api GET /warehouses (5 rows) + POST /warehouses with an Idempotency-Key; "
    "sync dispatcher: a schedule event (1 connection registered); sync worker: one job, a first "
    "sync of 1 shipment x 3 lines from the simulated SP-API (Amazon's sales and inventory reads "
    "off; the anchor reads the shipments once, through sp_api); amazon jobs: one message naming a "
    "job that does not exist (reads its stream once, ends); notifications: one inventory "
    "change (1 connection); projector: one shipment's first event; reactor: one event of an "
    "unreconciled shipment, not its lines' (reads its stream, decides nothing). Anchors: the "
    "same inputs."
)


def _no_failures(answers: list[Any]) -> bool:
    return [a.get("batchItemFailures") for a in answers] == [[]]


FUNCTIONS = (
    Function(
        "api",
        "functions.api.handler",
        ANCHOR_API,
        lambda w: w.api_settings(),
        _api_requests,
        lambda answers: [a["statusCode"] for a in answers] == [200, 201],
        floor=ANCHOR_API_FLOOR,
    ),
    Function(
        "sync dispatcher",
        "functions.sync.dispatcher",
        ANCHOR_DISPATCHER,
        lambda w: w.sync_settings(),
        _schedule_event,
        # The first run queues the job; later ones find it still waiting (coalesced). The
        # anchor has no coalescing: it answers {"enqueued": 1} every time.
        lambda answers: [a["enqueued"] + a.get("coalesced", 0) for a in answers] == [1],
    ),
    Function(
        "sync worker",
        "functions.sync.worker",
        ANCHOR_WORKER,
        lambda w: w.sync_settings(worker=True),
        _worker_job,
        _no_failures,
    ),
    Function(
        "amazon jobs",
        "functions.amazon_jobs.handler",
        ANCHOR_AMAZON_JOBS,
        lambda w: w.amazon_job_settings(),
        _amazon_job,
        _no_failures,
    ),
    Function(
        "notifications",
        "functions.notifications.handler",
        ANCHOR_NOTIFICATIONS,
        lambda w: w.sync_settings(),
        _notification,
        _no_failures,
    ),
    Function(
        "projector",
        "functions.projector.handler",
        ANCHOR_PROJECTOR,
        lambda w: w.store_settings(),
        _projector_record,
        _no_failures,
    ),
    Function(
        "reactor",
        "functions.reactor.handler",
        ANCHOR_REACTOR,
        lambda w: w.store_settings(),
        _reactor_record,
        _no_failures,
    ),
)


def inventory_change(
    seller_id: str, sku: str, notification_id: str, subscription_id: str
) -> dict[str, Any]:
    """An FBA_INVENTORY_AVAILABILITY_CHANGES notification as Amazon writes it."""
    return {
        "NotificationVersion": "1.0",
        "NotificationType": "FBA_INVENTORY_AVAILABILITY_CHANGES",
        "PayloadVersion": "1.0",
        "EventTime": "2026-11-23T09:00:00.000Z",
        "Payload": {
            "SellerId": seller_id,
            "FNSKU": f"X00{sku}",
            "ASIN": "B000000001",
            "SKU": sku,
            "FulfillmentInventoryByMarketplace": [
                {
                    "MarketplaceId": US,
                    "FulfillmentInventory": {
                        "InboundQuantityBreakdown": {"Working": 0, "Shipped": 4, "Receiving": 2},
                        "Fulfillable": 10,
                        "Unfulfillable": 1,
                        "Researching": 0,
                        "ReservedQuantityBreakdown": {"WarehouseProcessing": 3},
                    },
                }
            ],
        },
        "NotificationMetadata": {
            "ApplicationId": APPLICATION_ID,
            "SubscriptionId": subscription_id,
            "PublishTime": "2026-11-23T09:00:01.000Z",
            "NotificationId": notification_id,
        },
    }


# -- the world the functions run in ----------------------------------------------------------


@contextmanager
def environment(**values: str) -> Iterator[None]:
    """Set variables for the in-process set-up, restoring them after (benches share a process)."""
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@dataclass
class World:
    """moto and the simulated Amazon, with what every function's first request needs."""

    aws_url: str
    sim_url: str
    aws: dict[str, Any]
    control: Any
    sync_queue_url: str = ""
    sync_queue_arn: str = ""
    seller_a: str = ""
    subscription_a: str = ""  # seller A's inventory notifications come through it
    refresh_token_b: str = ""
    reactor_record: dict[str, Any] = field(default_factory=dict)
    unprojected: list[dict[str, Any]] = field(default_factory=list)
    _handed: dict[str, int] = field(default_factory=dict)

    TABLES = {
        "events": "events-main",
        "views": "views-main",
        "state": "state-main",
        "idempotency": "idempotency",
        "worker_events": "events-worker",
        "worker_state": "state-worker",
        "anchors": "anchors",
    }
    LWA_APP_SECRET = "bench/lwa-app"
    REFRESH_PREFIX = "bench/refresh-token/"

    # Settings (the functions' environment variables) ------------------------------------

    def base_env(self, name: str) -> dict[str, str]:
        return {
            "AWS_ENDPOINT_URL": self.aws_url,
            "AWS_ACCESS_KEY_ID": "bench",
            "AWS_SECRET_ACCESS_KEY": "bench",
            "AWS_DEFAULT_REGION": REGION,
            "AWS_REGION": REGION,
            "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled",
            "AWS_LAMBDA_FUNCTION_NAME": name.replace(" ", "-"),
            "POWERTOOLS_SERVICE_NAME": name.replace(" ", "-"),
            "POWERTOOLS_METRICS_NAMESPACE": "Bench",
            "POWERTOOLS_TRACE_DISABLED": "true",
            "ANCHOR_TABLE": self.TABLES["anchors"],
        }

    def store_settings(self) -> dict[str, str]:
        return {
            "EVENTS_TABLE": self.TABLES["events"],
            "VIEWS_TABLE": self.TABLES["views"],
            "STATE_TABLE": self.TABLES["state"],
        }

    def api_settings(self) -> dict[str, str]:
        return {
            **self.store_settings(),
            "IDEMPOTENCY_TABLE": self.TABLES["idempotency"],
            "SYNC_QUEUE_URL": self.sync_queue_url,
            "AMAZON_JOBS_QUEUE_URL": self.sync_queue_url,  # no job is queued: any queue
            "REFRESH_TOKEN_SECRET_PREFIX": self.REFRESH_PREFIX,
            "LWA_APP_SECRET_ID": self.LWA_APP_SECRET,
            "CURSOR_KEY_SECRET_ID": "bench/cursor-key",  # read only when a list pages
            "SPAPI_APPLICATION_ID": APPLICATION_ID,
            "AUTHORIZATION_REDIRECT_URI": "https://bench.example/authorized",
        }

    def sync_settings(self, worker: bool = False) -> dict[str, str]:
        settings = {
            **self.store_settings(),
            "SYNC_QUEUE_URL": self.sync_queue_url,
            "LWA_APP_SECRET_ID": self.LWA_APP_SECRET,
            "REFRESH_TOKEN_SECRET_PREFIX": self.REFRESH_PREFIX,
            "SPAPI_ENDPOINT": self.sim_url,
            "SPAPI_APPLICATION_ID": APPLICATION_ID,  # read by the notifications consumer
        }
        if worker:  # its own tables: the connections it registers stay out of the others' way
            settings["EVENTS_TABLE"] = self.TABLES["worker_events"]
            settings["STATE_TABLE"] = self.TABLES["worker_state"]
            # The anchor's job: the shipments. A first sync also starts the 12-month backfill of
            # Amazon's order reports and reads its inventory figures (dozens of report requests,
            # each recorded in the state table): more work, not a slower start.
            settings["SYNC_SALES_READS"] = "false"
            settings["SYNC_INVENTORY_SUMMARIES_MINUTES"] = "off"
        return settings

    def amazon_job_settings(self) -> dict[str, str]:
        return {
            **self.store_settings(),
            "AMAZON_JOBS_QUEUE_URL": self.sync_queue_url,  # no job waits, none is queued
            "LWA_APP_SECRET_ID": self.LWA_APP_SECRET,
            "REFRESH_TOKEN_SECRET_PREFIX": self.REFRESH_PREFIX,
            "SPAPI_ENDPOINT": self.sim_url,
        }

    # Set-up -------------------------------------------------------------------------------

    def provision(self, projector_records: int) -> None:
        from functions.shared.tables import IDEMPOTENCY_PK
        from infra.local.provision_sync import (
            create_lwa_app_secret,
            create_sync_queue,
        )
        from infra.local.tables import create_events_table, create_state_table, create_views_table

        dynamodb = self.aws["dynamodb"]
        for events in (self.TABLES["events"], self.TABLES["worker_events"]):
            create_events_table(dynamodb, events)
        for state in (self.TABLES["state"], self.TABLES["worker_state"]):
            create_state_table(dynamodb, state)
        create_views_table(dynamodb, self.TABLES["views"])
        self._key_value_table(self.TABLES["idempotency"], IDEMPOTENCY_PK)
        self._key_value_table(self.TABLES["anchors"], "pk", "sk")
        queue = create_sync_queue(self.aws["sqs"], "bench-sync")
        self.sync_queue_url, self.sync_queue_arn = queue.url, queue.arn
        create_lwa_app_secret(self.aws["secretsmanager"], self.LWA_APP_SECRET, "app", "secret")

        # Seller A: the connection the dispatcher schedules and notifications are for, and the
        # shipments the projector and the reactor see; seller B: what each worker run syncs.
        self.seller_a = f"A{uuid.uuid4().hex[:12].upper()}"
        token_a = self.control.create_seller(self.seller_a, [US])["refresh_token"]
        self.control.bulk_create_shipments(self.seller_a, US, projector_records + 1, LINES)
        seller_b = f"B{uuid.uuid4().hex[:12].upper()}"
        self.refresh_token_b = self.control.create_seller(seller_b, [US])["refresh_token"]
        self.control.bulk_create_shipments(seller_b, US, 1, LINES)
        self._seller_b = seller_b
        self._sync_in_process(token_a)
        self._warehouses()
        self._stream_records()
        self._anchor_data()

    def _key_value_table(self, name: str, pk: str, sk: str | None = None) -> None:
        keys = [(pk, "HASH")] + ([(sk, "RANGE")] if sk else [])
        self.aws["dynamodb"].create_table(
            TableName=name,
            BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[{"AttributeName": k, "AttributeType": "S"} for k, _ in keys],
            KeySchema=[{"AttributeName": k, "KeyType": kind} for k, kind in keys],
        )

    def _create_connection(
        self, events_table: str, tenant: str, connection: str, seller: str, token: str
    ) -> None:
        from domain.connection import CreateConnection, decide_create
        from domain.event_store import EventContext
        from domain.marketplaces import Region
        from functions.shared.adapters.dynamodb_event_store import DynamoDBEventStore
        from functions.shared.adapters.system import RandomIds, SystemClock
        from functions.shared.aggregates import Aggregates
        from infra.local.provision_sync import put_refresh_token

        store = DynamoDBEventStore(events_table, self.aws["dynamodb"])
        command = CreateConnection(
            connection_id=connection, seller_id=seller, region=Region.NA, marketplace_ids=(US,)
        )
        context = EventContext(
            tenant_id=tenant, actor="bench", correlation_id="bench", occurred_at=datetime.now(UTC)
        )
        Aggregates(store, RandomIds(), SystemClock()).save(
            context, decide_create(command, None), {}
        )
        put_refresh_token(
            self.aws["secretsmanager"], self.REFRESH_PREFIX, tenant, connection, token
        )

    def new_worker_connection(self) -> tuple[str, str]:
        """A connection never synced, to seller B: each worker run does the same work."""
        tenant, connection = f"w-{uuid.uuid4().hex[:10]}", "conn"
        self._create_connection(
            self.TABLES["worker_events"], tenant, connection, self._seller_b, self.refresh_token_b
        )
        return tenant, connection

    def _sync_in_process(self, token_a: str) -> None:
        """Seller A's first sync, by the worker in this process: shipments in the event store,
        the connection registered (what the dispatcher and notifications read)."""
        from functions.connection_state.sync_jobs import SyncJob, SyncReason
        from functions.shared.adapters.aws_clients import AwsClients
        from functions.shared.adapters.state_store import StateTable
        from functions.shared.settings import SyncSettings
        from functions.sync import wiring, worker
        from functions.sync.engine.checkpoint import CheckpointStore
        from functions.sync.engine.settings import SyncTuning
        from functions.sync.observability import logger as sync_logger
        from infra.local.lambda_context import LocalLambdaContext
        from infra.local.provision_sync import create_notifications_queue

        self._create_connection(self.TABLES["events"], TENANT, "conn-a", self.seller_a, token_a)
        # Its first sync subscribes seller A's inventory notifications, as deployed.
        inbox = create_notifications_queue(self.aws["sqs"], "bench-notifications")
        settings = SyncSettings.model_validate(
            {**self.sync_settings(), "NOTIFICATIONS_QUEUE_ARN": inbox.arn}
        )
        job = SyncJob(
            tenant_id=TENANT,
            connection_id="conn-a",
            reason=SyncReason.ON_DEMAND,
            requested_at=datetime.now(UTC),
        )
        sync_logger.setLevel(logging.WARNING)
        with environment(POWERTOOLS_METRICS_DISABLED="true"):
            deps = wiring.build(
                settings,
                # The shipment sync's first request (a new connection's sales backfill waits
                # for Amazon's report processing: its own bench, bench_sales_backfill).
                SyncTuning(sales_reads=False, inventory_summaries_minutes=None),
                AwsClients(self.aws["dynamodb"], self.aws["sqs"], self.aws["secretsmanager"]),
            )
            event = _sqs_batch(job.model_dump_json(), self.sync_queue_arn, "g")
            answer = worker.handle(event, LocalLambdaContext("bench-sync-worker"), deps)  # type: ignore[arg-type]
        if answer["batchItemFailures"]:
            raise SystemExit(f"the set-up sync failed: {answer}")
        cursor = CheckpointStore(StateTable(self.TABLES["state"], self.aws["dynamodb"]), HOUR)
        subscription = cursor.cursor(TENANT, "conn-a").inventory_subscription_id
        if subscription is None:
            raise SystemExit("the set-up sync did not subscribe seller A's notifications")
        self.subscription_a = subscription

    def _warehouses(self) -> None:
        """Warehouses for the API's list route: created by the API, projected into the views."""
        from functions.api.handler import handle
        from functions.api.wiring import build_services
        from functions.shared.adapters.aws_clients import AwsClients
        from functions.shared.settings import ApiSettings
        from infra.local.lambda_context import LocalLambdaContext

        clients = AwsClients(self.aws["dynamodb"], self.aws["sqs"], self.aws["secretsmanager"])
        services = build_services(ApiSettings.model_validate(self.api_settings()), clients)
        for n in range(WAREHOUSES):
            event = _rest_event("POST", "/warehouses", {"name": f"Warehouse {n}"})
            answer = handle(event, LocalLambdaContext("bench-api"), services)
            assert answer["statusCode"] == 201, answer
        self._project(kind="warehouse")

    def _project(self, kind: str) -> None:
        from functions.projector.handler import handle
        from functions.projector.wiring import build
        from functions.shared.adapters.dynamodb_event_store import DynamoDBEventStore
        from functions.shared.adapters.stream_records import batch, record_of
        from functions.shared.settings import StoreSettings
        from infra.local.lambda_context import LocalLambdaContext

        dynamodb = self.aws["dynamodb"]
        store = DynamoDBEventStore(self.TABLES["events"], dynamodb)
        events = [e for e in store.read_all() if e.stream_id.kind.value == kind]
        records = [record_of(e, str(n)) for n, e in enumerate(events, 1)]
        deps = build(StoreSettings.model_validate(self.store_settings()), dynamodb)
        context: Any = LocalLambdaContext("bench-projector")
        answer = handle(batch(records), context, deps)
        assert answer == {"batchItemFailures": []}, answer

    def _stream_records(self) -> None:
        """Unprojected first events of seller A's shipments (one per projector run) and one
        shipment's latest event for the reactor (unreconciled: it reads, decides nothing). Not
        the event of its lines: their listings would be discovered (more work, not a slower
        start)."""
        from domain.inbound_shipment.events import InboundShipmentLinesAdded
        from domain.streams import StreamKind
        from functions.shared.adapters.dynamodb_event_store import DynamoDBEventStore
        from functions.shared.adapters.stream_records import record_of

        store = DynamoDBEventStore(self.TABLES["events"], self.aws["dynamodb"])
        shipments = [e for e in store.read_all() if e.stream_id.kind is StreamKind.SHIPMENT]
        followed = shipments[0].stream_id
        latest = max(
            (
                e
                for e in shipments
                if e.stream_id == followed and not isinstance(e.event, InboundShipmentLinesAdded)
            ),
            key=lambda e: e.version,
        )
        self.reactor_record = record_of(latest, "1")
        self.unprojected = [
            record_of(e, str(n))
            for n, e in enumerate(shipments, 2)
            if e.version == 1 and e.stream_id != followed
        ]

    def next_unprojected(self, who: str) -> dict[str, Any]:
        """The function and its anchor each get every record once, in the same order."""
        taken = self._handed.get(who, 0)
        self._handed[who] = taken + 1
        return self.unprojected[taken]

    def _anchor_data(self) -> None:
        """What the anchors read: the same amounts as the functions have."""
        put = self.aws["dynamodb"].put_item
        table = self.TABLES["anchors"]
        for n in range(WAREHOUSES):
            item = {"pk": f"items#{TENANT}", "sk": f"item-{n}", "name": f"Item {n}"}
            put(TableName=table, Item={k: {"S": v} for k, v in item.items()})
        for pk in ("registry", f"seller#{self.seller_a}"):
            item = {"pk": pk, "sk": "conn-a", "tenant_id": TENANT}
            put(TableName=table, Item={k: {"S": v} for k, v in item.items()})


# -- the twin of the asset, and the measured runs -------------------------------------------


@dataclass(frozen=True)
class Mode:
    label: str
    python: str
    path: str  # PYTHONPATH of the functions and their least functions (the asset's twin)
    anchors: str  # PYTHONPATH of the anchors
    without_bytecode: Path | None = None  # the asset twin stripped of bytecode

    def path_of(self, who: str) -> str:
        return self.anchors if who == "anchor" else self.path


def build_twin(root: Path, anchors_as_shipped: bool = False) -> tuple[list[Mode], str]:
    """The Lambda asset's twin for this machine, with and without its bytecode; else (no wheels
    from the package index) the project's own environment. Returns the modes and what they are."""
    compiler = build_asset.find_python() or build_asset.current_interpreter()
    wheels = f"manylinux2014_{platform.machine()}"
    twin = root / "asset"
    try:
        build_asset.install_dependencies(
            build_asset.export_requirements(), twin, platform=wheels, python_version=compiler.minor
        )
    except (subprocess.CalledProcessError, SystemExit) as failed:
        anchors = root / "anchors"
        write_anchors(anchors)
        path = os.pathsep.join([str(build_asset.REPO_ROOT), str(anchors)])
        return [Mode("project venv (NOT the asset)", sys.executable, path, path)], (
            f"NOT the asset: its wheels could not be installed ({failed}); measured in the "
            f"project's venv ({sys.version.split()[0]}, with whatever bytecode its caches "
            f"hold), anchors in {anchors}"
        )
    build_asset.copy_sources(twin)
    write_anchors(twin)
    build_asset.compile_bytecode(twin, compiler, compiler.minor)
    problems = build_asset.verify_bytecode(twin, compiler)
    if problems:
        raise SystemExit(f"the twin's bytecode is incomplete: {problems[:5]}")
    bare = root / "asset-without-bytecode"
    shutil.copytree(twin, bare, ignore=shutil.ignore_patterns("__pycache__"))
    # The anchors' libraries as pip installs them (compiled, botocore's data whole); the
    # functions' as the asset ships them (botocore's data for our services only).
    typical = twin if anchors_as_shipped else root / "libraries-as-installed"
    if not anchors_as_shipped:
        shutil.copytree(twin, typical)
    build_asset.prune_botocore_data(twin)
    anchors_data = "as the asset ships it" if anchors_as_shipped else "whole, as installed"
    lambda_version = build_asset.LAMBDA_PYTHON_VERSION
    same = compiler.minor == lambda_version
    about = (
        f"CPython {compiler.version} ({compiler.path})"
        + ("" if same else f": NOT {lambda_version}, Lambda's (none found on this machine)")
        + f"; the asset's twin: same lock and sources, {wheels} wheels for this machine"
    )
    return [
        Mode(
            "twin with bytecode (unchecked-hash .pyc, as built now; the anchors' botocore data "
            f"{anchors_data})",
            compiler.path,
            str(twin),
            str(typical),
        ),
        Mode(
            "twin without bytecode (as shipped before: botocore's data whole for all)",
            compiler.path,
            str(bare),
            str(bare),
            bare,
        ),
    ], about


def write_anchors(root: Path) -> None:
    package = root / "bench_anchors"
    package.mkdir(parents=True, exist_ok=True)
    (package / "__init__.py").write_text("")
    for function in FUNCTIONS:
        (package / f"{_module_name(function)}.py").write_text(function.anchor)
        if function.floor:
            (package / f"{_module_name(function)}_floor.py").write_text(function.floor)


def _module_name(function: Function) -> str:
    return function.name.replace(" ", "_")


@dataclass(frozen=True)
class Run:
    cpu: float
    import_cpu: float
    modules: int


def measure(
    mode: Mode,
    who: str,
    probe: Path,
    module: str,
    env: dict[str, str],
    events: list[dict[str, Any]],
    profile: Path | None = None,
) -> tuple[Run, list[Any]]:
    full_env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),
        "LANG": "C.UTF-8",
        "PYTHONPATH": mode.path_of(who),
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONNOUSERSITE": "1",
        # As Lambda's runtime sets them: libraries take their Lambda paths from these (the X-Ray
        # SDK builds its Lambda recorder, not a daemon poller with its own botocore client).
        "LAMBDA_TASK_ROOT": mode.path_of(who),
        "AWS_EXECUTION_ENV": f"AWS_Lambda_python{build_asset.LAMBDA_PYTHON_VERSION}",
        **env,
    }
    done = subprocess.run(
        [mode.python, "-s", str(probe)],
        input=json.dumps({"module": module, "events": events, "profile": profile and str(profile)}),
        capture_output=True,
        text=True,
        env=full_env,
        cwd=probe.parent,
        timeout=PROBE_TIMEOUT_SECONDS,
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith(MARK)]
    if done.returncode != 0 or not lines:
        raise SystemExit(f"{module} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    figures = json.loads(lines[-1][len(MARK) :])
    return Run(figures["cpu"], figures["import_cpu"], figures["modules"]), figures["answers"]


@dataclass
class Pairs:
    function: list[Run] = field(default_factory=list)
    anchor: list[Run] = field(default_factory=list)
    floor: list[Run] = field(default_factory=list)  # measured with each pair, if it has one

    def median(self, who: str, part: str = "cpu") -> float:
        return statistics.median(float(getattr(run, part)) for run in getattr(self, who))

    def ratios(self, who: str = "function") -> list[float]:
        runs = getattr(self, who)
        return [f.cpu / a.cpu for f, a in zip(runs, self.anchor, strict=True)]

    def ratio(self, who: str = "function") -> float:
        return statistics.median(self.ratios(who))


def run_pairs(
    world: World,
    modes: list[Mode],
    probe: Path,
    repetitions: int,
    profiles: Path | None = None,
    functions: tuple[Function, ...] = FUNCTIONS,
) -> dict[str, dict[str, Pairs]]:
    results = {mode.label: {f.name: Pairs() for f in functions} for mode in modes}
    for repetition in range(repetitions):
        for mode in modes:
            for function in functions:
                env = {**world.base_env(function.name), **function.settings(world)}
                pair = results[mode.label][function.name]
                order = ("function", "anchor", "floor")[: 3 if function.floor else 2]
                for who in order if repetition % 2 == 0 else order[::-1]:
                    module = {
                        "function": function.module,
                        "anchor": f"bench_anchors.{_module_name(function)}",
                        "floor": f"bench_anchors.{_module_name(function)}_floor",
                    }[who]
                    profile = None
                    if profiles and repetition == 0 and mode is modes[0]:
                        profile = profiles / f"{module}.prof"
                    requests = function.requests(world, "anchor" if who == "floor" else who)
                    run, answers = measure(mode, who, probe, module, env, requests, profile)
                    if not function.ok(answers):
                        raise SystemExit(f"{function.name} ({who}) answered {answers}")
                    getattr(pair, who).append(run)
    return results


def report(results: dict[str, dict[str, Pairs]], repetitions: int) -> None:
    for mode, by_function in results.items():
        print(f"   mode: {mode}")
        print(
            f"     {'function':<16}{'CPU ms':>8}{'import':>8}{'modules':>8}"
            f"{'anchor ms':>11}{'import':>8}{'modules':>8}{'ratio':>8}{'pairs':>12}"
            f"{'floor':>7}   target"
        )
        for name, pairs in by_function.items():
            ratio, target = pairs.ratio(), TARGETS.get(name, DEFAULT_TARGET)
            verdict = "ok" if ratio <= target else "MISSED"
            print(
                f"     {name:<16}{pairs.median('function') * 1000:>8.0f}"
                f"{pairs.median('function', 'import_cpu') * 1000:>8.0f}"
                f"{pairs.function[0].modules:>8}"
                f"{pairs.median('anchor') * 1000:>11.0f}"
                f"{pairs.median('anchor', 'import_cpu') * 1000:>8.0f}"
                f"{pairs.anchor[0].modules:>8}"
                f"{ratio:>7.2f}x"
                f"{min(pairs.ratios()):>6.2f}-{max(pairs.ratios()):.2f}x"
                f"{pairs.median('anchor', 'import_cpu') / pairs.median('anchor'):>6.2f}x"
                f"   <= {target}x {verdict}"
            )
        for name, pairs in by_function.items():
            if pairs.floor:
                print(
                    f"     {name}'s least function (its kind's on the design card's libraries, "
                    f"the anchor's requests): "
                    f"{pairs.median('floor') * 1000:.0f} ms, {pairs.ratio('floor'):.2f}x the "
                    f"anchor ({min(pairs.ratios('floor')):.2f}-{max(pairs.ratios('floor')):.2f}x);"
                    f" {name} over it: {pairs.median('function') / pairs.median('floor'):.2f}x"
                )
    if len(results) == 2:
        (_, now), (_, before) = results.items()
        print("   without bytecode / with bytecode (medians):")
        for name in now:
            function = before[name].median("function") / now[name].median("function")
            anchor = before[name].median("anchor") / now[name].median("anchor")
            shipped = before[name].median("function") / now[name].median("anchor")
            print(
                f"     {name:<16} function {function:.2f}x   anchor {anchor:.2f}x   "
                f"function without vs anchor with bytecode {shipped:.2f}x"
            )
    print(
        f"   (medians of {repetitions} paired runs; ratio = median of function/anchor per pair, "
        "'pairs' = the lowest and highest of them (how far this machine's noise moves one); "
        "'import' = the handler module's import alone: the anchors build their clients there, "
        "the functions at their first request; 'floor' = the anchor's import over the anchor: "
        "its libraries and clients alone, before any request, which a function importing the "
        "same libraries cannot go below; CPU time of the measured process only)"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_REPETITIONS} repetitions")
    parser.add_argument("--repetitions", type=int, help=f"default {REPETITIONS}")
    parser.add_argument(
        "--profile",
        type=Path,
        help="write a cProfile of each function's and anchor's first run (with bytecode) here; "
        "its figures then carry the profiler's overhead",
    )
    parser.add_argument(
        "--only",
        action="append",
        choices=[f.name for f in FUNCTIONS],
        help="measure only this function (repeatable); default all",
    )
    parser.add_argument(
        "--anchors-as-shipped",
        action="store_true",
        help="run the anchors on botocore's data as the asset ships it too (with bytecode): "
        "the ratios without the pruning of botocore's data",
    )
    args = parser.parse_args(argv if argv is not None else [])
    functions = tuple(f for f in FUNCTIONS if not args.only or f.name in args.only)
    repetitions = args.repetitions or (QUICK_REPETITIONS if args.quick else REPETITIONS)
    logging.getLogger("werkzeug").setLevel(logging.ERROR)

    from infra.simulated_amazon import ControlClient, SimulatedAmazon

    with tempfile.TemporaryDirectory(prefix="bench-cold-start-") as tmp:
        root = Path(tmp)
        processes = multiprocessing.get_context("fork")
        address: Queue[tuple[str, int]] = processes.Queue()
        stop = processes.Event()
        moto = processes.Process(target=serve_moto, args=(address, stop), daemon=True)
        moto.start()  # first: it starts while the twin is built
        try:
            modes, about = build_twin(root, args.anchors_as_shipped)
            print(f"   interpreter: {about}")
            print(FIRST_REQUESTS)
            probe = root / "probe" / "probe.py"
            probe.parent.mkdir()
            probe.write_text(PROBE)
            host, port = address.get(timeout=60)
            aws_url = f"http://{host}:{port}"
            with SimulatedAmazon(rate_scale=1000.0) as sim:
                control = ControlClient(sim.url)
                world = World(aws_url, sim.url, clients(aws_url), control)
                world.provision(projector_records=repetitions * len(modes))
                if args.profile:
                    args.profile.mkdir(parents=True, exist_ok=True)
                results = run_pairs(world, modes, probe, repetitions, args.profile, functions)
                served = control.calls()
                control.disconnect()
        finally:
            stop.set()
            moto.join(timeout=10)
        for mode in modes:
            written = list(mode.without_bytecode.rglob("*.pyc")) if mode.without_bytecode else []
            assert not written, f"bytecode was written in {mode.path}: {written[:3]}"
    if any(f.name == "sync worker" for f in functions):
        worker_runs = repetitions * len(modes)
        synced = served.get(GET_SHIPMENT_ITEMS_BY_SHIPMENT_ID, {}).get("served", 0)
        # Each run reads its one shipment's items (seller A's sync in this process may read
        # more of them by id, or none: its backfill reads items by date).
        assert synced >= worker_runs, f"{worker_runs} worker runs read {synced} shipments' items"
    report(results, repetitions)


def clients(endpoint: str) -> dict[str, Any]:
    import boto3

    kwargs = {
        "endpoint_url": endpoint,
        "region_name": REGION,
        "aws_access_key_id": "bench",
        "aws_secret_access_key": "bench",
    }
    return {name: boto3.client(name, **kwargs) for name in ("dynamodb", "sqs", "secretsmanager")}  # type: ignore[call-overload]


if __name__ == "__main__":
    main(sys.argv[1:])
