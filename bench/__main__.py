"""`python -m bench`: run every benchmark module (bench/bench_*.py) in turn, by name."""

import importlib
import pkgutil
import time

import bench


def main() -> None:
    names = sorted(
        m.name for m in pkgutil.iter_modules(bench.__path__) if m.name.startswith("bench_")
    )
    for name in names:
        print(f"== {name} ==", flush=True)
        started = time.perf_counter()
        importlib.import_module(f"bench.{name}").main()
        print(f"   ({name} took {time.perf_counter() - started:.1f} s)\n", flush=True)


if __name__ == "__main__":
    main()
