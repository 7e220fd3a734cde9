"""A soak of `python -m infra.local` (moto in a process of its own), over HTTP on 127.0.0.1, at a
small size: 20 connections over one tenant, 5 revoked halfway, shipments and receipts arriving
throughout, 30 simulated minutes of 2 s each (one schedule tick a simulated minute; see
`bench/soak.py`). `bench/bench_soak.py` runs 200 connections with the same bounds.

The runtime runs one sync worker here (`sync_workers=1`; four by default, as in the bench): the
schedule (2 s) is about as fast as it syncs 20 connections (2 to 3 s a round, with the other
load on the machine), so most ticks find many connections' scheduled job still waiting. So the
bounds catch:

- jobs piling up: without at most one waiting job per connection and kind, each tick would add
  the jobs the worker could not take, past 3 per active connection when rounds run long;
- revoked connections retried: a job that fails stays in flight for the 30 s visibility timeout
  (more than the one the local worker holds), then reaches the DLQ after five receives; and the
  API must show each revoked connection `authorization_lost`;
- latency: every change made on a healthy seller shown by the API within one schedule interval
  plus 20 s (p95). The bench gives 10 s; with the worker behind the schedule by design, a
  change waits its connection's turn in a round, and the round is as long as the machine is
  slow: an idle machine here shows it in 5.4 s (p95), a shared CI machine once took 13.5 s.
  A change lost, or a connection starved behind others' jobs, still misses the bound;
- memory: the RSS of each of the runtime's processes (its own, its sync worker's) at the end at
  most 1.25x what it was after the warm-up (3 simulated minutes). The test makes some 400 sync
  runs and as many API reads after the warm-up: a leak of 100 KiB per run (an SP-API client, an
  httpx pool, a cache without a bound) would break it, while imports, clients and bounded caches
  are all in place by then. (With four workers each would make a quarter of the runs, and the
  same leak would stay within the bound.) moto keeps its tables in memory, so it runs apart and
  its RSS is not the runtime's.
"""

from pathlib import Path

import pytest

from bench.soak import SoakPlan
from bench.soak_run import run_soak

PLAN = SoakPlan(
    connections=20,
    revoked=5,
    simulated_minutes=30,
    schedule_seconds=2,
    changes_per_minute=2,
    warmup_minutes=3,
    sync_workers=1,
    slack_seconds=20,
)


@pytest.mark.slow
def test_a_soak_keeps_queues_bounded_revoked_connections_consumed_and_memory_flat(
    tmp_path: Path,
) -> None:
    report = run_soak(PLAN, tmp_path)

    failed = [f"{c.name}: {c.figure}; bound {c.bound}" for c in report.checks() if not c.ok]
    assert not failed, "\n".join(failed)
