"""Run the simulator standalone: `python -m infra.simulated_amazon --port 8100`."""

from __future__ import annotations

import argparse
import contextlib
import logging

from .rate_header import ALWAYS, NEVER
from .server import DEFAULT_PAGE_SIZE, SimulatedAmazon


def probability(text: str) -> float:
    """A probability from the command line (argparse names this function in its errors)."""
    value = float(text)
    if not NEVER <= value <= ALWAYS:
        raise argparse.ArgumentTypeError(f"{text} is not between 0 and 1")
    return value


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Simulated Amazon SP-API on 127.0.0.1")
    parser.add_argument("--port", type=int, default=8100, help="0 picks a free port")
    parser.add_argument(
        "--rate-scale", type=float, default=1.0, help="multiply Amazon's rates and bursts"
    )
    parser.add_argument("--page-size", type=int, default=DEFAULT_PAGE_SIZE)
    parser.add_argument(
        "--rate-header-on-429",
        type=probability,
        default=NEVER,
        metavar="PROBABILITY",
        help="chance that a 429 carries x-amzn-RateLimit-Limit (default 0: bare, as Amazon's)",
    )
    parser.add_argument(
        "--sqs-endpoint-url",
        help="where subscriptions' SQS queues are, e.g. a moto server: http://127.0.0.1:5000",
    )
    parser.add_argument("--verbose", action="store_true", help="log every request")
    args = parser.parse_args(argv)

    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO)
    simulator = SimulatedAmazon(
        args.port,
        rate_scale=args.rate_scale,
        page_size=args.page_size,
        rate_header_on_429=args.rate_header_on_429,
        notifications_endpoint_url=args.sqs_endpoint_url,
    ).start()
    print(f"Simulated Amazon listening on {simulator.url} (Ctrl-C to stop)", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        simulator.serve_forever()


if __name__ == "__main__":
    main()
