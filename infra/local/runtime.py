"""The whole backend on one machine, on its embedded default: moto in server mode for AWS, the
simulated Amazon for SP-API, and the same Lambda handlers as AWS, fed the same event shapes.
The sync worker, which Lambda scales out, runs in execution environments of its own (processes,
`LOCAL_SYNC_WORKER_CONCURRENCY` at once); the other functions run on this process's threads.

Start order matters: the environment the handlers read is set before they are imported, so
their lazily built adapters (boto3 clients honour AWS_ENDPOINT_URL) all talk to the moto server.
"""

import importlib
import logging
import os
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import boto3

from functions.shared import settings as env_names
from infra.local import persistence
from infra.local.config import LocalConfig
from infra.local.execution_environment import ExecutionEnvironments
from infra.local.http_front import ApiFront
from infra.local.provision_sync import (
    create_amazon_jobs_queue,
    create_cursor_key_secret,
    create_lwa_app_secret,
    create_notifications_queue,
    create_sync_queue,
)
from infra.local.queue_pump import QueuePump
from infra.local.scheduler import Schedule
from infra.local.stream_pump import StreamConsumer, StreamPump
from infra.local.tables import (
    create_events_table,
    create_idempotency_table,
    create_state_table,
    create_views_table,
)
from infra.simulated_amazon import SimulatedAmazon
from infra.simulated_amazon.notifications import SIMULATED_APPLICATION_ID

if TYPE_CHECKING:
    pass

log = logging.getLogger(__name__)
REGION = "us-east-1"
TABLES = {
    env_names.EVENTS_TABLE: "fba-events",
    env_names.VIEWS_TABLE: "fba-views",
    env_names.STATE_TABLE: "fba-state",
    env_names.IDEMPOTENCY_TABLE: "fba-idempotency",
}
SAVED_TABLES = ("fba-events", "fba-state", "fba-idempotency")  # views are projected again
LWA_APP_SECRET = "fba-inbound/lwa-app"
CURSOR_KEY_SECRET = "fba-inbound/cursor-key"
LOCAL_REDIRECT_URI = "http://127.0.0.1/amazon/authorized"
REFRESH_TOKEN_PREFIX = "fba-inbound/refresh-token/"


@dataclass
class Endpoints:
    api: str
    simulator: str
    aws: str


def _handler(module: str) -> Any:
    return importlib.import_module(module).lambda_handler


class LocalRuntime:
    def __init__(self, config: LocalConfig) -> None:
        self.config = config
        self._parts: list[Any] = []
        self._saver_stop = threading.Event()
        self._saver: threading.Thread | None = None

    def start(self) -> Endpoints:
        try:
            return self._start()
        except BaseException:
            self.stop()
            raise

    def _start(self) -> Endpoints:
        aws_url = self.config.aws_endpoint or self._start_moto()
        self._set_environment(aws_url)
        self._dynamodb = boto3.client("dynamodb", region_name=REGION)
        self._secrets = boto3.client("secretsmanager", region_name=REGION)
        sqs = boto3.client("sqs", region_name=REGION)
        for create, name in (
            (create_events_table, TABLES[env_names.EVENTS_TABLE]),
            (create_views_table, TABLES[env_names.VIEWS_TABLE]),
            (create_state_table, TABLES[env_names.STATE_TABLE]),
            (create_idempotency_table, TABLES[env_names.IDEMPOTENCY_TABLE]),
        ):
            create(self._dynamodb, name)
        sync_queue = create_sync_queue(sqs, "fba-sync", visibility_timeout_seconds=30)
        notifications = create_notifications_queue(sqs, "fba-notifications")
        amazon_jobs = create_amazon_jobs_queue(
            sqs, "fba-amazon-jobs", visibility_timeout_seconds=180
        )
        os.environ[env_names.SYNC_QUEUE_URL] = sync_queue.url
        os.environ[env_names.AMAZON_JOBS_QUEUE_URL] = amazon_jobs.url
        os.environ[env_names.NOTIFICATIONS_QUEUE_ARN] = notifications.arn
        create_lwa_app_secret(self._secrets, LWA_APP_SECRET, "local-app", "local-secret")
        create_cursor_key_secret(self._secrets, CURSOR_KEY_SECRET)

        simulator = SimulatedAmazon(
            self.config.sim_port,
            rate_scale=self.config.sim_rate_scale,
            # Notifications go where each connection's first sync subscribed them: this moto.
            notifications_endpoint_url=aws_url,
        ).start()
        self._simulator = simulator
        self._parts.append(simulator)
        os.environ[env_names.SPAPI_ENDPOINT] = simulator.url
        self._restore()

        stream_arn = self._dynamodb.describe_table(TableName=TABLES[env_names.EVENTS_TABLE])[
            "Table"
        ]["LatestStreamArn"]
        streams = boto3.client("dynamodbstreams", region_name=REGION)
        self.stream_pump = StreamPump(
            streams,
            stream_arn,
            [
                StreamConsumer("projector", _handler("functions.projector.handler")),
                StreamConsumer("reactor", _handler("functions.reactor.handler")),
            ],
        ).start()
        self._parts.append(self.stream_pump)
        concurrency = self.config.sync_worker_concurrency
        sync_workers = ExecutionEnvironments("functions.sync.worker", "sync-worker", concurrency)
        self._parts.append(sync_workers)  # stopped after the pump that invokes them
        self._parts.append(
            QueuePump(
                sqs,
                sync_queue.url,
                sync_queue.arn,
                sync_workers.invoke,
                "sync-worker",
                batch_size=1,
                concurrency=concurrency,
            ).start()
        )
        self._parts.append(
            QueuePump(
                sqs,
                notifications.url,
                notifications.arn,
                _handler("functions.notifications.handler"),
                "notifications",
                timeout_seconds=60,
            ).start()
        )
        self._parts.append(
            QueuePump(
                sqs,
                amazon_jobs.url,
                amazon_jobs.arn,
                _handler("functions.amazon_jobs.handler"),
                "amazon-jobs",
                batch_size=1,
                timeout_seconds=120,
            ).start()
        )
        self.schedule = Schedule(
            _handler("functions.sync.dispatcher"), self.config.schedule_seconds, "sync-dispatcher"
        ).start()
        self._parts.append(self.schedule)
        front = ApiFront(_handler("functions.api.handler"), self.config.api_port).start()
        self._parts.append(front)
        if self.config.data_dir is not None:
            self._saver = threading.Thread(target=self._save_periodically, daemon=True)
            self._saver.start()
        return Endpoints(api=front.url, simulator=simulator.url, aws=aws_url)

    def _start_moto(self) -> str:
        from moto.moto_server.werkzeug_app import MotoRequestHandler
        from moto.server import ThreadedMotoServer

        from infra.local import moto_speedups

        moto_speedups.apply()
        # werkzeug writes headers and body apart; with Nagle on, each call waits on a delayed ACK.
        MotoRequestHandler.disable_nagle_algorithm = True
        logging.getLogger("werkzeug").setLevel(logging.WARNING)  # moto's per-request lines
        moto = ThreadedMotoServer(ip_address="127.0.0.1", port=self.config.moto_port, verbose=False)
        moto.start()
        self._parts.append(moto)
        host, port = moto.get_host_and_port()
        return f"http://{host}:{port}"

    def stop(self) -> None:
        self._saver_stop.set()
        if self._saver is not None:
            self._saver.join(timeout=10)
        self._save()
        for part in reversed(self._parts):
            try:
                part.stop()
            except Exception:
                log.exception("stopping %s failed", type(part).__name__)
        self._parts.clear()

    def _set_environment(self, aws_url: str) -> None:
        os.environ.update(
            {
                "AWS_ENDPOINT_URL": aws_url,
                "AWS_ACCESS_KEY_ID": "local",
                "AWS_SECRET_ACCESS_KEY": "local",
                "AWS_DEFAULT_REGION": REGION,
                "AWS_REGION": REGION,
                "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled",
                "POWERTOOLS_SERVICE_NAME": "fba-inbound-local",
                "POWERTOOLS_METRICS_NAMESPACE": "FbaInbound",
                "POWERTOOLS_TRACE_DISABLED": "true",
                "POWERTOOLS_METRICS_DISABLED": "true",
                "POWERTOOLS_LOG_LEVEL": os.environ.get("POWERTOOLS_LOG_LEVEL", "WARNING"),
                "SP_API_AUTH_CACHE_SIZE": "1000",
                env_names.LWA_APP_SECRET_ID: LWA_APP_SECRET,
                env_names.CURSOR_KEY_SECRET_ID: CURSOR_KEY_SECRET,
                env_names.SPAPI_APPLICATION_ID: SIMULATED_APPLICATION_ID,
                # Where a web app would receive Amazon's redirect; locally, read the Location
                # of the simulated consent page and complete the authorization by hand.
                env_names.AUTHORIZATION_REDIRECT_URI: LOCAL_REDIRECT_URI,
                env_names.REFRESH_TOKEN_SECRET_PREFIX: REFRESH_TOKEN_PREFIX,
                **TABLES,
            }
        )
        os.environ.pop("AWS_PROFILE", None)
        # The sync paces itself as fast as the simulated Amazon answers (its rates, its report
        # processing, its polls), unless told otherwise.
        os.environ.setdefault("SYNC_RATE_SCALE", f"{self.config.sim_rate_scale:g}")

    def _data_file(self) -> Any:
        assert self.config.data_dir is not None
        return self.config.data_dir / "local-data.json"

    def _restore(self) -> None:
        if self.config.data_dir is None:
            return
        data = persistence.load(self._data_file())
        if data is not None:
            persistence.restore(data, self._dynamodb, self._secrets, self._simulator)
            self._requeue_unfinished_jobs()

    def _requeue_unfinished_jobs(self) -> None:
        """A Save-to-Amazon job waits in its queue, which is not saved: queue every job the
        restored log shows unfinished again (SQS keeps them across restarts in AWS)."""
        from domain.save_to_amazon.job import Done, fold, next_action
        from domain.streams import StreamKind
        from functions.shared.adapters.dynamodb_event_store import DynamoDBEventStore
        from functions.shared.adapters.job_queue import JobMessage, JobQueue

        store = DynamoDBEventStore(TABLES[env_names.EVENTS_TABLE], self._dynamodb)
        streams: dict[Any, list[Any]] = {}
        for recorded in store.read_all():
            if recorded.stream_id.kind is StreamKind.AMAZON_JOB:
                streams.setdefault(recorded.stream_id, []).append(recorded.event)
        queue = JobQueue(
            lambda: boto3.client("sqs", region_name=REGION),
            os.environ[env_names.AMAZON_JOBS_QUEUE_URL],
        )
        for stream_id, events in streams.items():
            job = fold(events)
            if job is not None and next_action(job) != Done():
                queue.submit(JobMessage(tenant_id=stream_id.tenant_id, job_id=job.job_id))

    def _save(self) -> None:
        if self.config.data_dir is None or not self._parts:
            return
        data = persistence.capture(
            self._dynamodb, self._secrets, list(SAVED_TABLES), self._simulator
        )
        persistence.save(self._data_file(), data)

    def _save_periodically(self) -> None:
        while not self._saver_stop.wait(self.config.save_seconds):
            try:
                self._save()
            except Exception:
                log.exception("saving local data failed")
