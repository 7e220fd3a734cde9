"""Driving a soak (see `bench/soak.py`): moto and the local runtime as child processes on
127.0.0.1, sellers and their connections, the changes in Amazon, and watching the API, the
queues and the processes."""

import math
import random
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
import httpx

from bench.local_process import (
    LocalProcess,
    MotoProcess,
    cpu_seconds,
    rss_mib,
    rss_mib_by_process,
    tree_cpu_seconds,
)
from bench.soak import Change, Sample, SoakPlan, SoakReport, error_lines
from infra.simulated_amazon.client import ControlClient

US = "ATVPDKIKX0DER"
SKUS = ("SKU-A", "SKU-B", "SKU-C")
UNITS_PER_LINE = 24
RECEIPT_SHARE = 0.6  # of the changes: a receipt on an open shipment; else a new shipment
SETUP_SECONDS = 600.0
# As the local runtime creates them (infra/local/runtime.py).
SYNC_QUEUE = "fba-sync.fifo"
DEAD_LETTER_QUEUES = ("fba-sync-dlq.fifo", "fba-notifications-dlq")
GET_SHIPMENTS = "getShipments"
Progress = Callable[[str], None]


class TenantApi:
    """One tenant of the API over HTTP (`Authorization: Bearer dev:<tenant>`, local only)."""

    def __init__(self, api_url: str, tenant_id: str) -> None:
        self.tenant_id = tenant_id
        self.http = httpx.Client(
            base_url=api_url, headers={"Authorization": f"Bearer dev:{tenant_id}"}, timeout=60
        )

    def call(self, method: str, path: str, expect: int, **kw: Any) -> Any:
        response = self.http.request(method, path, **kw)
        body = response.json() if response.content else None
        if response.status_code != expect:
            raise AssertionError(f"{method} {path}: {response.status_code} {body}")
        return body

    def connection_statuses(self) -> dict[str, str]:
        items = self.call("GET", "/connections", 200)["items"]
        return {c["connection_id"]: c["status"] for c in items}

    def shipments(self) -> dict[str, dict[str, Any]]:
        """Every inbound shipment the API shows, by id (all pages)."""
        found: dict[str, dict[str, Any]] = {}
        params: dict[str, Any] = {"limit": 100}
        while True:
            page = self.call("GET", "/inbound-shipments", 200, params=params)
            found.update((s["shipment_id"], s) for s in page["items"])
            if not page["next_cursor"]:
                return found
            params["cursor"] = page["next_cursor"]


@dataclass
class Shipment:
    shipment_id: str
    planned: dict[str, int]
    received: dict[str, int] = field(default_factory=dict)
    status: str = "SHIPPED"

    def room(self) -> dict[str, int]:
        """Units per SKU still to receive."""
        return {
            sku: planned - self.received.get(sku, 0)
            for sku, planned in self.planned.items()
            if planned > self.received.get(sku, 0)
        }


@dataclass
class Seller:
    seller_id: str
    tenant: TenantApi
    to_revoke: bool
    connection_id: str = ""
    shipments: list[Shipment] = field(default_factory=list)


class Amazon:
    """The sellers' side in the simulated Amazon: what they ship and what Amazon receives."""

    def __init__(self, sim_url: str, seed: int) -> None:
        self.control = ControlClient(sim_url)
        self.random = random.Random(seed)

    def new_shipment(self, seller: Seller) -> Shipment:
        planned = dict.fromkeys(self.random.sample(SKUS, 2), UNITS_PER_LINE)
        shipment_id = self.control.create_shipment(seller.seller_id, US, planned, status="SHIPPED")
        shipment = Shipment(shipment_id, planned)
        seller.shipments.append(shipment)
        return shipment

    def receive(self, shipment: Shipment) -> None:
        sku, room = self.random.choice(sorted(shipment.room().items()))
        units = min(room, self.random.randint(1, 8))
        self.control.receive(shipment.shipment_id, {sku: units})
        shipment.received[sku] = shipment.received.get(sku, 0) + units
        shipment.status = "RECEIVING"

    def change(self, seller: Seller, busy: set[str]) -> Change:
        """A receipt on an open shipment not in `busy`, or a new shipment."""
        made_at = time.monotonic()
        open_ = [s for s in seller.shipments if s.room() and s.shipment_id not in busy]
        if open_ and self.random.random() < RECEIPT_SHARE:
            shipment, kind = self.random.choice(open_), "receipt"
            self.receive(shipment)
        else:
            shipment, kind = self.new_shipment(seller), "shipment"
        units = sum(shipment.received.values())
        return Change(
            kind, seller.tenant.tenant_id, shipment.shipment_id, shipment.status, units, made_at
        )


class Fleet:
    """The sellers, spread over tenants, each connected through the API."""

    def __init__(self, plan: SoakPlan, api_url: str, amazon: Amazon) -> None:
        run = uuid.uuid4().hex[:6].upper()
        count = math.ceil(plan.connections / plan.connections_per_tenant)
        self.tenants = {
            t.tenant_id: t for t in (TenantApi(api_url, f"soak-{run}-{n}") for n in range(count))
        }
        tenants = list(self.tenants.values())
        every = plan.connections / plan.revoked if plan.revoked else math.inf
        revoked = {int(n * every) for n in range(plan.revoked)}  # spread over the tenants
        self.sellers = [
            Seller(f"SOAK{run}{n:04d}", tenants[n % count], n in revoked)
            for n in range(plan.connections)
        ]
        self._amazon = amazon

    @property
    def healthy(self) -> list[Seller]:
        return [s for s in self.sellers if not s.to_revoke]

    @property
    def revoked(self) -> list[Seller]:
        return [s for s in self.sellers if s.to_revoke]

    def connect(self) -> None:
        """Each seller in Amazon with one shipment on its way, then connected."""
        for seller in self.sellers:
            token = self._amazon.control.create_seller(seller.seller_id, [US])["refresh_token"]
            self._amazon.new_shipment(seller)
            body = {
                "seller_id": seller.seller_id,
                "region": "NA",
                "marketplace_ids": [US],
                "refresh_token": token,
            }
            created = seller.tenant.call("POST", "/connections", 201, json=body)
            seller.connection_id = created["connection_id"]

    def wait_for_first_syncs(self) -> None:
        """Until the API shows every seller's first shipment."""
        deadline = time.monotonic() + SETUP_SECONDS
        waiting = {s.shipments[0].shipment_id: s.tenant for s in self.sellers}
        while waiting:
            if time.monotonic() > deadline:
                raise AssertionError(f"{len(waiting)} first syncs not shown in {SETUP_SECONDS} s")
            time.sleep(1.0)
            shown = {i for t in set(waiting.values()) for i in t.shipments()}
            waiting = {i: t for i, t in waiting.items() if i not in shown}

    def statuses(self) -> dict[str, str]:
        return {i: s for t in self.tenants.values() for i, s in t.connection_statuses().items()}


class Watch:
    """Polls the API, in a thread of its own, for the changes not shown yet: one listing per
    tenant with something pending, every `poll_seconds`."""

    def __init__(self, tenants: dict[str, TenantApi], poll_seconds: float) -> None:
        self._tenants = tenants
        self._poll_seconds = poll_seconds
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="soak-watch", daemon=True)
        self.changes: list[Change] = []

    def add(self, change: Change) -> None:
        with self._lock:
            self.changes.append(change)

    def pending(self) -> list[Change]:
        with self._lock:
            return [c for c in self.changes if c.seen_at is None]

    def busy(self) -> set[str]:
        """Shipments with a change not shown yet (one change at a time per shipment)."""
        return {c.shipment_id for c in self.pending()}

    def __enter__(self) -> "Watch":
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join(timeout=60)

    def _run(self) -> None:
        while not self._stop.wait(self._poll_seconds):
            self.poll()

    def poll(self) -> None:
        pending = self.pending()
        for tenant_id in {c.tenant_id for c in pending}:
            shown = self._tenants[tenant_id].shipments()
            seen_at = time.monotonic()
            for change in pending:
                summary = shown.get(change.shipment_id) if change.tenant_id == tenant_id else None
                if summary is not None and change.shown_by(summary):
                    change.seen_at = seen_at


class Probe:
    """Samples the queues on moto, both processes' memory, and the connections' statuses."""

    def __init__(self, runtime: LocalProcess, moto: MotoProcess, fleet: Fleet) -> None:
        self._sqs = boto3.client(
            "sqs",
            endpoint_url=moto.url,
            region_name="us-east-1",
            aws_access_key_id="local",
            aws_secret_access_key="local",
        )
        self._url = {
            name: self._sqs.get_queue_url(QueueName=name)["QueueUrl"]
            for name in (SYNC_QUEUE, *DEAD_LETTER_QUEUES)
        }
        self._runtime, self._moto, self._fleet = runtime, moto, fleet
        self.samples: list[Sample] = []
        self.lost_at: dict[str, float] = {}  # connection -> first sample showing it lost

    def _depth(self, name: str) -> tuple[int, int]:
        """(visible, in flight)"""
        attributes = self._sqs.get_queue_attributes(
            QueueUrl=self._url[name],
            AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
        )["Attributes"]
        return (
            int(attributes["ApproximateNumberOfMessages"]),
            int(attributes["ApproximateNumberOfMessagesNotVisible"]),
        )

    def sample(self, at: float) -> Sample:
        queued, in_flight = self._depth(SYNC_QUEUE)
        statuses = self._fleet.statuses()
        now = time.monotonic()
        for connection_id, status in statuses.items():
            if status == "authorization_lost":
                self.lost_at.setdefault(connection_id, now)
        sample = Sample(
            at=at,
            queued=queued,
            in_flight=in_flight,
            dead_letters=sum(sum(self._depth(name)) for name in DEAD_LETTER_QUEUES),
            process_rss_mib=rss_mib_by_process(self._runtime.pid),
            moto_rss_mib=rss_mib(self._moto.pid),
            active=sum(status == "active" for status in statuses.values()),
        )
        self.samples.append(sample)
        return sample


class Soak:
    """One run of `plan`: changes on schedule, revocations halfway, samples, then a drain."""

    def __init__(
        self, plan: SoakPlan, runtime: LocalProcess, moto: MotoProcess, progress: Progress
    ) -> None:
        self.plan, self.runtime, self.moto, self.progress = plan, runtime, moto, progress
        self.amazon = Amazon(runtime.sim_url, plan.seed)
        self.fleet = Fleet(plan, runtime.api_url, self.amazon)
        self.random = random.Random(plan.seed)
        self.revoked_at = math.inf
        self._started = 0.0
        self._minute = 0

    def set_up(self) -> None:
        self.fleet.connect()
        self.fleet.wait_for_first_syncs()

    def run(self, watch: Watch, probe: Probe) -> None:
        """`plan.run_seconds` of changes and samples, then until every change is shown and
        every revoked connection lost, or `plan.latency_bound` more."""
        plan = self.plan
        self._started = time.monotonic()
        next_change = next_sample = 0.0
        change_every = plan.schedule_seconds / plan.changes_per_minute
        while (elapsed := self._elapsed()) < plan.run_seconds:
            while next_change <= elapsed:
                self._change(watch)
                next_change += change_every
            if self.revoked_at == math.inf and elapsed >= plan.revoke_at_seconds:
                self._revoke()
            if next_sample <= elapsed:
                self._sample(probe, watch)
                next_sample += plan.sample_seconds
            time.sleep(0.05)
        deadline = time.monotonic() + plan.latency_bound
        while time.monotonic() < deadline and not self._settled(watch, probe):
            time.sleep(plan.sample_seconds)
            self._sample(probe, watch)

    def _elapsed(self) -> float:
        return time.monotonic() - self._started

    def _change(self, watch: Watch) -> None:
        """On any seller; only changes on sellers that stay authorized are awaited."""
        sellers = self.fleet.sellers if self.revoked_at < math.inf else self.fleet.healthy
        seller = self.random.choice(sellers)
        change = self.amazon.change(seller, watch.busy())
        if not seller.to_revoke:
            watch.add(change)

    def _revoke(self) -> None:
        for seller in self.fleet.revoked:
            self.amazon.control.revoke(seller.seller_id)
        self.revoked_at = time.monotonic()
        self.progress(f"  revoked {len(self.fleet.revoked)} sellers")

    def _sample(self, probe: Probe, watch: Watch) -> None:
        sample = probe.sample(self._elapsed())
        minute = int(sample.at // self.plan.schedule_seconds)
        if minute > self._minute:
            self._minute = minute
            shown = [c.latency for c in watch.changes if c.seen_at is not None]
            when = f"minute {minute}/{self.plan.simulated_minutes}"
            if minute > self.plan.simulated_minutes:
                when = f"after the run, {sample.at - self.plan.run_seconds:.0f} s"
            self.progress(
                f"  {when}: sync queue {sample.queued} "
                f"+ {sample.in_flight} in flight, {sample.active} active, DLQs "
                f"{sample.dead_letters}, RSS {sample.rss_mib:.0f} MiB (moto "
                f"{sample.moto_rss_mib:.0f}), {len(shown)}/{len(watch.changes)} changes shown "
                f"(slowest {max(shown, default=0):.0f} s)"
            )

    def _settled(self, watch: Watch, probe: Probe) -> bool:
        lost = all(s.connection_id in probe.lost_at for s in self.fleet.revoked)
        return lost and not watch.pending()

    def revocations(self, probe: Probe) -> list[float]:
        return [
            probe.lost_at.get(s.connection_id, math.inf) - self.revoked_at
            for s in self.fleet.revoked
        ]


def run_soak(plan: SoakPlan, log_dir: Path, progress: Progress = lambda _: None) -> SoakReport:
    """Start moto and the runtime, set up, run the plan, stop both; what was seen."""
    with (
        MotoProcess(log_dir / "moto.log") as moto,
        LocalProcess(log_dir / "local-runtime.log", moto.url, plan.runtime_env()) as runtime,
    ):
        started = time.monotonic()
        soak = Soak(plan, runtime, moto, progress)
        soak.set_up()
        setup_seconds = time.monotonic() - started
        rss_after_setup = sum(rss_mib_by_process(runtime.pid).values())
        progress(
            f"  set-up: {plan.connections} connections synced once in {setup_seconds:.0f} s; "
            f"runtime RSS {rss_after_setup:.0f} MiB, moto {rss_mib(moto.pid):.0f} MiB"
        )
        calls_before = soak.amazon.control.calls().get(GET_SHIPMENTS, {}).get("served", 0)
        cpu_before = tree_cpu_seconds(runtime.pid), cpu_seconds(moto.pid)
        probe = Probe(runtime, moto, soak.fleet)
        with Watch(soak.fleet.tenants, plan.poll_seconds) as watch:
            soak.run(watch, probe)
        wall = time.monotonic() - started - setup_seconds
        calls = soak.amazon.control.calls().get(GET_SHIPMENTS, {}).get("served", 0)
        statuses = soak.fleet.statuses()
        return SoakReport(
            plan=plan,
            setup_seconds=setup_seconds,
            samples=probe.samples,
            changes=watch.changes,
            revocations=soak.revocations(probe),
            healthy_not_active=sum(
                statuses[s.connection_id] != "active" for s in soak.fleet.healthy
            ),
            rss_after_setup=rss_after_setup,
            runtime_cpu_cores=(tree_cpu_seconds(runtime.pid) - cpu_before[0]) / wall,
            moto_cpu_cores=(cpu_seconds(moto.pid) - cpu_before[1]) / wall,
            sync_listings_per_second=(calls - calls_before) / wall,
            runtime_errors=error_lines(runtime.output()),
            moto_errors=error_lines(moto.output()),
        )
