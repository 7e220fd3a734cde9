"""moto in server mode, in a process of its own: the benchmarks' AWS."""

import logging
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Event as EventType


def serve_moto(
    address: "Queue[tuple[str, int]]", stop: EventType, *, speedups: bool = False
) -> None:
    """Serve on a free port of 127.0.0.1 until `stop` is set; puts (host, port) on `address`.
    A process of its own, so that moto and the measured client do not share a GIL.

    `speedups`: with `infra.local.moto_speedups` (the same answers, at DynamoDB's cost rather
    than moto's: a Query reads its partition, a transaction copies only what it writes), as the
    local runtime runs its own moto. The soak asks for them; the other benchmarks measure
    against plain moto, and their figures and notes say so."""
    from moto.moto_server.werkzeug_app import MotoRequestHandler
    from moto.server import ThreadedMotoServer

    if speedups:
        from infra.local import moto_speedups

        moto_speedups.apply()
    # werkzeug writes headers and body apart; with Nagle on, each call waits on a delayed ACK.
    MotoRequestHandler.disable_nagle_algorithm = True
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one line per request otherwise
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    address.put(server.get_host_and_port())
    stop.wait()
    server.stop()
