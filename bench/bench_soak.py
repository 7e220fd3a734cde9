"""A soak of the whole local runtime: 200 connections, 50 of them revoked halfway, shipments and
receipts arriving throughout, 20 simulated minutes (one schedule tick each, compressed to 15 s:
see `bench/soak.py`). Prints, against their bounds: the sync queue's deepest point per active
connection, jobs in flight, the dead-letter queues, what revoked connections show, the p95 time
from a change in Amazon to the API showing it, and the runtime's RSS at the end over after the
warm-up (moto runs apart, its RSS shown for reference). Everything listens on 127.0.0.1 only.

The runtime's RSS is that of its processes: its own and its sync workers' execution environments
(`LOCAL_SYNC_WORKER_CONCURRENCY`, four by default, as Lambda scales the worker out). moto runs
with `infra.local.moto_speedups` (a Query reads its partition, a transaction copies only what it
writes). The `worker:` line gives the syncs made per second, how long a round of every active
connection takes, and the CPU the runtime and moto used: when the round outlasts the schedule, a
change waits for its connection's turn in the round, not for the next tick. Every part runs on
this machine's cores, so its other load shows in these figures.

`tests/e2e/test_soak.py` asserts the same bounds at a smaller size."""

import argparse
import math
import tempfile
from pathlib import Path

from bench.soak import SoakPlan, SoakReport, percentile
from bench.soak_run import run_soak

FULL = SoakPlan(
    connections=200,
    revoked=50,
    simulated_minutes=20,
    schedule_seconds=15,
    changes_per_minute=20,
    sample_seconds=3,
    poll_seconds=2,
)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--connections", type=int, default=FULL.connections)
    parser.add_argument("--revoked", type=int, default=FULL.revoked)
    parser.add_argument("--minutes", type=int, default=FULL.simulated_minutes)
    parser.add_argument("--schedule-seconds", type=float, default=FULL.schedule_seconds)
    parser.add_argument("--log-dir", type=Path, help="keep the runtime's and moto's logs here")
    args = parser.parse_args(argv if argv is not None else [])
    plan = SoakPlan.model_validate(
        {
            **FULL.model_dump(),
            "connections": args.connections,
            "revoked": args.revoked,
            "simulated_minutes": args.minutes,
            "schedule_seconds": args.schedule_seconds,
        }
    )
    print(
        f"{plan.connections} connections ({plan.revoked} revoked at minute "
        f"{plan.simulated_minutes // 2}), {plan.changes_per_minute} changes a minute, "
        f"{plan.simulated_minutes} simulated minutes of {plan.schedule_seconds:g} s "
        f"(schedule tick = 1 simulated minute; {60 / plan.schedule_seconds:g}x faster)",
        flush=True,
    )
    if args.log_dir is not None:
        report = run_soak(plan, args.log_dir, progress=_print)
    else:
        with tempfile.TemporaryDirectory(prefix="bench-soak-") as log_dir:
            report = run_soak(plan, Path(log_dir), progress=_print)
    show(report)


def _print(line: str) -> None:
    print(line, flush=True)


def show(report: SoakReport) -> None:
    print(f"{'check':<30} {'ok':<3} {'figure':<78} bound")
    for check in report.checks():
        print(f"{check.name:<30} {'yes' if check.ok else 'NO':<3} {check.figure:<78} {check.bound}")
    first, last, plan = report.samples[0], report.samples[-1], report.plan
    for kind in ("shipment", "receipt"):
        made = report.latencies(kind)
        shown = [latency for latency in made if latency != math.inf]
        print(
            f"  {kind}s: {len(made)} made, p95 {percentile(made, 0.95):.1f} s; {len(shown)} "
            f"shown, after p50 {percentile(shown, 0.5):.1f} s, max {max(shown, default=0):.1f} s"
        )
    round_seconds = last.active / max(report.sync_listings_per_second, 1e-9)
    print(
        f"  worker: {report.sync_listings_per_second:.2f} syncs/s (getShipments calls), so a "
        f"round of {last.active} active connections takes about {round_seconds:.0f} s against "
        f"a {plan.schedule_seconds:g} s schedule; CPU: runtime {report.runtime_cpu_cores:.2f} "
        f"cores, moto {report.moto_cpu_cores:.2f}"
    )
    print(
        f"  set-up (connections and first syncs) {report.setup_seconds:.0f} s; moto's RSS "
        f"{first.moto_rss_mib:.0f} -> {last.moto_rss_mib:.0f} MiB (its tables live in it)"
    )
    errors = report.moto_errors
    top = "; ".join(f"{count} x {line!r}" for line, count in errors.most_common(2))
    print(f"  moto's log: {sum(errors.values())} error lines{': ' + top if top else ''}")


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
