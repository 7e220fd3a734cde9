"""A soak of the local runtime: what it runs (`SoakPlan`), what it saw (`SoakReport`) and the
bounds it holds that to (`SoakReport.checks`). `bench/soak_run.py` drives it; `bench/bench_soak.py`
runs the full size and `tests/e2e/test_soak.py` a small one.

N sellers in the simulated Amazon connect through the API (`POST /connections` with a refresh
token), spread over tenants of `CONNECTION_QUOTA` connections; shipments and receipts arrive in
Amazon throughout; R sellers revoke the app halfway. Every `sample_seconds` the driver reads the
sync queue's depth and the dead-letter queues' (moto's GetQueueAttributes), the runtime's RSS and
which connections the API shows active; each change made on a seller that stays authorized is
polled through `GET /inbound-shipments` until the API shows it.

Simulated time: one simulated minute is one tick of the sync schedule (`make dev` ticks every
60 s), compressed to `schedule_seconds` of wall time: 20 simulated minutes take 20 x
`schedule_seconds`. Only the schedule is compressed. The worker, the projector, SQS (a 30 s
visibility timeout locally, five receives before a DLQ) and the notifications' one-minute
debounce run in real time, and Amazon's clock is not advanced (the sync lists shipments updated
up to its own clock: one updated "later" would not be listed yet). So a change is due in the API
within one schedule interval (the next tick) plus `slack_seconds` of real time for the work after
the tick, which is not compressed.
"""

import math
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from infra.local.config import DEFAULT_SYNC_WORKER_CONCURRENCY, MAX_SYNC_WORKER_CONCURRENCY

# At most one sync job waits per connection and kind: schedule, on demand, targeted re-poll
# (functions/connection_state/pending.py). The soak asks for no on-demand syncs.
JOB_KINDS = 3
# An ERROR record (the runtime's plain or JSON logging), or the last line of a traceback.
ERROR_LINE = re.compile(
    r'^(ERROR|CRITICAL) |"level":\s*"(ERROR|CRITICAL)"|^[\w.]+(Error|Exception)(: |$)'
)


class SoakPlan(BaseModel):
    model_config = ConfigDict(frozen=True)

    connections: int = Field(gt=0)
    revoked: int = Field(ge=0)
    simulated_minutes: int = Field(gt=1)
    schedule_seconds: float = Field(gt=0, description="wall seconds per simulated minute")
    changes_per_minute: int = Field(ge=1, description="shipments and receipts, on every seller")
    warmup_minutes: int = Field(default=2, ge=1)
    slack_seconds: float = Field(default=10.0, ge=0)
    rss_growth_bound: float = Field(default=1.25, gt=1)
    sample_seconds: float = Field(default=2.0, gt=0)
    poll_seconds: float = Field(default=1.0, gt=0)
    connections_per_tenant: int = Field(default=20, gt=0)  # the default CONNECTION_QUOTA
    rate_scale: float = Field(default=1.0, gt=0)  # 1.0: Amazon's real rate limits
    # The runtime's sync worker invocations at once, one job each: more jobs in flight means
    # one failed and waits out its visibility timeout to be received again.
    sync_workers: int = Field(
        default=DEFAULT_SYNC_WORKER_CONCURRENCY, ge=1, le=MAX_SYNC_WORKER_CONCURRENCY
    )
    seed: int = 7

    @model_validator(mode="after")
    def _sizes_fit(self) -> "SoakPlan":
        if self.revoked >= self.connections:
            raise ValueError("at least one connection must stay authorized")
        if self.warmup_minutes >= self.simulated_minutes // 2:
            raise ValueError("the warm-up must end before the revocations, halfway")
        return self

    @property
    def run_seconds(self) -> float:
        return self.simulated_minutes * self.schedule_seconds

    @property
    def revoke_at_seconds(self) -> float:
        return self.run_seconds / 2

    @property
    def warm_at_seconds(self) -> float:
        return self.warmup_minutes * self.schedule_seconds

    @property
    def latency_bound(self) -> float:
        return self.schedule_seconds + self.slack_seconds

    def runtime_env(self) -> dict[str, str]:
        return {
            "LOCAL_SCHEDULE_SECONDS": f"{self.schedule_seconds:g}",
            "LOCAL_SIM_RATE_SCALE": f"{self.rate_scale:g}",
            "SYNC_RATE_SCALE": f"{self.rate_scale:g}",
            "CONNECTION_QUOTA": str(self.connections_per_tenant),
            "LOCAL_SYNC_WORKER_CONCURRENCY": str(self.sync_workers),
            # The shipment sync's queues and latency under load: sales reads (a backfill per
            # new connection) are measured by their own bench, bench_sales_backfill.
            "SYNC_SALES_READS": "false",
        }


@dataclass
class Change:
    """A change made in Amazon on a seller that stays authorized; when the API first showed it
    (made_at and seen_at on the monotonic clock)."""

    kind: str  # "shipment" (a new one, SHIPPED) or "receipt"
    tenant_id: str
    shipment_id: str
    status: str
    units_received: int
    made_at: float
    seen_at: float | None = None

    def shown_by(self, summary: dict[str, Any]) -> bool:
        status, units = str(summary["status"]), int(summary["units_received"])
        return status == self.status and units >= self.units_received

    @property
    def latency(self) -> float:
        return math.inf if self.seen_at is None else self.seen_at - self.made_at


@dataclass(frozen=True)
class Sample:
    at: float  # seconds since the run started
    queued: int  # sync queue: visible
    in_flight: int  # sync queue: received, not yet deleted
    dead_letters: int  # both DLQs (sync and notifications), visible and in flight
    # The runtime's processes (its own and its sync workers' environments), by process id: each
    # leaks in its own runs.
    process_rss_mib: dict[int, float]
    moto_rss_mib: float  # moto's process, apart
    active: int  # connections the API shows active

    @property
    def depth(self) -> int:
        return self.queued + self.in_flight

    @property
    def rss_mib(self) -> float:
        return sum(self.process_rss_mib.values())


@dataclass(frozen=True)
class Check:
    name: str
    figure: str
    bound: str
    ok: bool


def percentile(values: list[float], fraction: float) -> float:
    """The nearest-rank percentile (0 of nothing)."""
    ordered = sorted(values)
    return ordered[max(math.ceil(len(ordered) * fraction) - 1, 0)] if ordered else 0.0


def error_lines(log: str) -> Counter[str]:
    """A log's ERROR records and tracebacks' exceptions, by their first 100 characters."""
    return Counter(line[:100] for line in log.splitlines() if ERROR_LINE.search(line))


@dataclass
class SoakReport:
    plan: SoakPlan
    setup_seconds: float
    samples: list[Sample]
    changes: list[Change]
    # From the revocation until the API showed authorization_lost (inf: it never did).
    revocations: list[float]
    healthy_not_active: int
    rss_after_setup: float
    runtime_cpu_cores: float  # CPU seconds per wall second over the run
    moto_cpu_cores: float
    sync_listings_per_second: float  # getShipments calls: about one per full sync
    runtime_errors: Counter[str]
    moto_errors: Counter[str]  # moto's own failures (500s its clients retried)

    def latencies(self, kind: str | None = None) -> list[float]:
        return [c.latency for c in self.changes if kind is None or c.kind == kind]

    def sample_at(self, seconds: float) -> Sample:
        """The first sample at or after `seconds` into the run."""
        return next((s for s in self.samples if s.at >= seconds), self.samples[-1])

    @property
    def rss_warm(self) -> float:
        return self.sample_at(self.plan.warm_at_seconds).rss_mib

    @property
    def rss_end(self) -> float:
        return self.samples[-1].rss_mib

    def process_growth(self) -> float:
        """The largest end / warm RSS ratio of a process alive at both (a leak grows the process
        whose runs leak, whatever the others weigh)."""
        warm, end = self.sample_at(self.plan.warm_at_seconds), self.samples[-1]
        return max(
            (
                rss / warm.process_rss_mib[pid]
                for pid, rss in end.process_rss_mib.items()
                if warm.process_rss_mib.get(pid)
            ),
            default=0.0,
        )

    def checks(self) -> list[Check]:
        return [
            self._queue_depth(),
            self._in_flight(),
            self._dead_letters(),
            self._revocations(),
            self._latency(),
            self._memory(),
            self._errors(),
        ]

    def _queue_depth(self) -> Check:
        deepest = max(self.samples, key=lambda s: s.depth / max(s.active, 1))
        bound = JOB_KINDS * deepest.active
        return Check(
            "sync queue depth",
            f"max {deepest.depth / max(deepest.active, 1):.2f} per active connection "
            f"({deepest.depth} with {deepest.active}; deepest "
            f"{max(s.depth for s in self.samples)})",
            f"<= {JOB_KINDS} ({bound})",
            deepest.depth <= bound,
        )

    def _in_flight(self) -> Check:
        in_flight, workers = max(s.in_flight for s in self.samples), self.plan.sync_workers
        return Check(
            "sync jobs in flight",
            f"max {in_flight}",
            f"<= {workers} workers (more: a failed job waits to be retried)",
            in_flight <= workers,
        )

    def _dead_letters(self) -> Check:
        most = max(s.dead_letters for s in self.samples)
        return Check("dead-letter queues", f"max {most} messages", "0", most == 0)

    def _revocations(self) -> Check:
        lost = [s for s in self.revocations if s != math.inf]
        return Check(
            "revoked -> authorization_lost",
            f"{len(lost)} of {len(self.revocations)}, p95 {percentile(lost, 0.95):.0f} s, "
            f"max {max(lost, default=0):.0f} s; {self.healthy_not_active} others not active",
            f"all of {self.plan.revoked}; 0",
            len(lost) == self.plan.revoked and self.healthy_not_active == 0,
        )

    def _latency(self) -> Check:
        latencies, plan = self.latencies(), self.plan
        p95, unseen = percentile(latencies, 0.95), sum(c.seen_at is None for c in self.changes)
        return Check(
            "change -> API p95",
            f"{p95:.1f} s (p50 {percentile(latencies, 0.5):.1f}, "
            f"max {max(latencies, default=0):.1f}; {len(latencies)} changes, {unseen} not shown)",
            f"<= {plan.latency_bound:g} s ({plan.schedule_seconds:g} + {plan.slack_seconds:g})",
            bool(latencies) and p95 <= plan.latency_bound,
        )

    def _memory(self) -> Check:
        ratio, worst = self.rss_end / self.rss_warm, self.process_growth()
        limit, halfway = self.plan.rss_growth_bound, self.sample_at(self.plan.revoke_at_seconds)
        return Check(
            "runtime RSS end / warm",
            f"{self.rss_end:.0f} / {self.rss_warm:.0f} MiB = {ratio:.2f}x, worst process "
            f"{worst:.2f}x (set-up {self.rss_after_setup:.0f}, halfway {halfway.rss_mib:.0f})",
            f"<= {limit:g}x, each process",
            max(ratio, worst) <= limit,
        )

    def _errors(self) -> Check:
        count = sum(self.runtime_errors.values())
        top = "; ".join(f"{n} x {line!r}" for line, n in self.runtime_errors.most_common(2))
        return Check("runtime log errors", f"{count}{': ' + top if top else ''}", "0", count == 0)
