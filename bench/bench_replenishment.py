"""Replenishment at scale (issue 17): 5,000 products x 3 warehouses, each with 2 years of daily
sales and its stock ledger, computed in one process within a Lambda's budget (60 s, 512 MB).

What runs is what GET /replenishment runs per product and warehouse once the views are read:
the history folded as `PlanningQueries.history` folds it (days out of stock from the ledger's
on-hand after each move, `domain.replenishment.forecast.out_of_stock_days`; the net units sold
per day), then `functions.shared.views.replenishment_queries.advise` (the forecast by the
product's method with its edits, summed over lead time + days of stock, and
`domain.replenishment.order.recommend` with the vendor's MOQ and case pack). The view reads
themselves (DynamoDB queries) are NOT measured: instead, 1,000 distinct histories are
generated in the process first (timed apart) and each product x warehouse draws one of them;
every recommendation is computed afresh from its history (nothing is cached between them, as in
the API, and nothing is kept but the recommendation's figures). Products rotate through the
three forecast methods, with their own lead times, MOQs and case packs; a tenth have a
forecast edit.

The workload runs in a fresh child process (`--child`), so its peak memory (`ru_maxrss`) is
its own: the interpreter, the imports, and the workload. Printed: wall and CPU time (of the
whole child and of the computation alone), peak memory, and the ratio of each to its limit.
`--products N` runs fewer (a quick look; the output says so)."""

import argparse
import json
import random
import resource
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PRODUCTS = 5_000
WAREHOUSES = 3
HISTORY_DAYS = 730  # as `functions.shared.views.planning_queries.HISTORY_DAYS`
LIMIT_SECONDS = 60.0
LIMIT_MIB = 512.0
TODAY = date(2026, 12, 1)
SEED = 17
POOL = 1_000  # distinct histories generated; each product x warehouse draws one


@dataclass(frozen=True)
class Generated:
    sold: dict[date, int]
    moves: list[tuple[datetime, str, int]]  # (at, row, on hand after): the ledger's
    on_hand: int
    incoming: int


FIRST = TODAY - timedelta(days=HISTORY_DAYS)
DAYS = [FIRST + timedelta(days=n) for n in range(HISTORY_DAYS)]
NOONS = [datetime(d.year, d.month, d.day, 12, tzinfo=UTC) for d in DAYS]  # restocks arrive
AFTERNOONS = [noon + timedelta(hours=1) for noon in NOONS]  # the day's sales
PEAK = [day.month in (11, 12) for day in DAYS]


def generate(rng: random.Random, row: str) -> Generated:
    """Two years of one product at one warehouse: a base rate (most products slow, a few
    fast), a yearly season and a trend, daily demand met while there is stock; a restock of
    a month or two of sales when stock runs low, arriving 10-40 days later (out of stock
    meanwhile, sometimes); one ledger move per day that sold and per restock."""
    base = rng.lognormvariate(0.0, 1.2)  # units per day: median 1, a long tail
    season = rng.uniform(0.0, 0.6)
    trend = rng.uniform(-0.3, 0.6) / HISTORY_DAYS
    on_hand = int(base * 60) + 1
    arrives, arriving = -1, 0  # day index and units of the restock on its way
    sold: dict[date, int] = {}
    moves: list[tuple[datetime, str, int]] = []
    random_ = rng.random
    for index in range(HISTORY_DAYS):
        if index == arrives:
            on_hand += arriving
            arrives, arriving = -1, 0
            moves.append((NOONS[index], row, on_hand))
        rate = base * (1 + season if PEAK[index] else 1 - season * 0.2) * (1 + trend * index)
        units = min(int(rate + random_()), on_hand) if rate > 0 else 0
        if units:
            on_hand -= units
            sold[DAYS[index]] = units
            moves.append((AFTERNOONS[index], row, on_hand))
        if arrives < 0 and on_hand < rate * 14:
            arrives, arriving = index + rng.randint(10, 40), int(rate * rng.uniform(30, 60)) + 1
    return Generated(sold=sold, moves=moves, on_hand=on_hand, incoming=arriving)


def child(products: int) -> dict[str, float]:
    """The workload; returns its figures (run in a fresh process: `--child`)."""
    started_wall, started_cpu = time.perf_counter(), time.process_time()
    from domain.products.product import Planning
    from domain.replenishment.forecast import History, Method, add_months, out_of_stock_days
    from domain.replenishment.plan import Stock, Terms, advise

    rng = random.Random(SEED)
    methods = list(Method)
    first, last = FIRST, TODAY - timedelta(days=1)
    began = time.process_time()
    pool = [generate(rng, f"wh#{n}") for n in range(POOL)]
    generating, computing = time.process_time() - began, 0.0
    ordered = needs_order = 0
    for n in range(products):
        edits = {add_months(TODAY, 1): rng.randint(0, 500)} if n % 10 == 0 else {}
        planning = Planning(forecast_method=methods[n % len(methods)], vendor_id=f"vendor-{n % 40}")
        terms = Terms(
            lead_time_days=rng.choice((7, 14, 30, 45, 60)),
            moq=rng.choice((1, 12, 50, 100)),
            case_pack=rng.choice((1, 6, 12, 24)),
        )
        for _ in range(WAREHOUSES):
            between = time.process_time()
            made = pool[rng.randrange(POOL)]
            history = History(
                sold=made.sold,
                out_of_stock=out_of_stock_days(made.moves, first, last),
                since=min([made.moves[0][0].date(), *made.sold], default=TODAY),
            )
            stock = Stock(on_hand=made.on_hand, on_order=made.incoming, incoming=made.incoming)
            advice, _ = advise(history, planning, edits, terms, stock, TODAY)
            computing += time.process_time() - between
            ordered += advice.to_order
            needs_order += advice.to_order > 0
    return {
        "products": products,
        "computed": products * WAREHOUSES,
        "needs_order": needs_order,
        "units_to_order": ordered,
        "wall_s": time.perf_counter() - started_wall,
        "cpu_s": time.process_time() - started_cpu,
        "compute_cpu_s": computing,
        "generate_cpu_s": generating,
        "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,  # KiB on Linux
    }


def _rows(figures: dict[str, float]) -> Iterator[str]:
    full = figures["products"] == PRODUCTS
    scope = "" if full else f" (a subset: {PRODUCTS:,} products is the target)"
    yield (
        f"  {int(figures['products']):,} products x {WAREHOUSES} warehouses = "
        f"{int(figures['computed']):,} recommendations, {HISTORY_DAYS} days of sales each{scope}"
    )
    yield (
        f"  {int(figures['needs_order']):,} need an order, "
        f"{int(figures['units_to_order']):,} units to order in all"
    )
    per = figures["compute_cpu_s"] / figures["computed"] * 1000
    yield (
        f"  computation alone (history fold + forecast + recommend): "
        f"{figures['compute_cpu_s']:6.1f} s CPU ({per:.2f} ms each)"
    )
    yield (
        f"  generating {POOL:,} histories (stands in for the view reads): "
        f"{figures['generate_cpu_s']:6.1f} s CPU"
    )
    for label, value, limit, unit in (
        ("wall time (whole child process)", figures["wall_s"], LIMIT_SECONDS, "s"),
        ("CPU time (whole child process)", figures["cpu_s"], LIMIT_SECONDS, "s"),
        ("computation CPU time", figures["compute_cpu_s"], LIMIT_SECONDS, "s"),
        ("peak memory (ru_maxrss)", figures["peak_mib"], LIMIT_MIB, "MiB"),
    ):
        verdict = "ok" if value <= limit else "OVER"
        yield (
            f"  {label:<34} {value:8.1f} {unit:<3} limit {limit:5.0f} {unit:<3} "
            f"ratio {value / limit:5.2f}  {verdict}"
        )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--products", type=int, default=PRODUCTS)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv if argv is not None else [])
    if args.child:
        print(json.dumps(child(args.products)))
        return
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.bench_replenishment",
            "--child",
            "--products",
            str(args.products),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    for row in _rows(figures):
        print(row)


if __name__ == "__main__":
    main(sys.argv[1:])
