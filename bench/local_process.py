"""The local runtime (`python -m infra.local`) as a child process on free ports of 127.0.0.1,
with moto in a process of its own (`LOCAL_AWS_ENDPOINT`), for benchmarks that drive it over HTTP
and watch each process from outside: its memory, its log, the queues on moto.

Apart, because moto keeps every table in its memory, with every stream record (and plain moto
deep-copies a whole table on each TransactWriteItems): in the runtime's process that would be
most of the memory measured and its growth, none of it the backend's."""

import multiprocessing
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Event
from pathlib import Path
from typing import Any

import httpx

from bench.moto_server import serve_moto

ROOT = Path(__file__).resolve().parents[1]
START_SECONDS = 60.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_serving(
    api_url: str,
    process: "subprocess.Popen[Any]",
    output: Callable[[], str],
    seconds: float = START_SECONDS,
) -> None:
    """Until the runtime's API answers its OpenAPI document, or RuntimeError (with the
    runtime's output if it exited). Each try waits for its answer: the first request builds
    the API (its cold start), which a loaded machine takes seconds over, and a probe that gave
    up sooner would leave the API answering a closed connection."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the local runtime exited:\n{output()}")
        try:
            wait = max(deadline - time.monotonic(), 0.1)
            if httpx.get(f"{api_url}/openapi.json", timeout=wait).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.3)
    raise RuntimeError(f"the local runtime did not start within {seconds:g} s")


def rss_mib(pid: int) -> float:
    """A process's resident memory now (Linux: VmRSS of /proc/<pid>/status)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


def cpu_seconds(pid: int) -> float:
    """CPU time a process has used so far, user and system, with that of its children that
    ended and were waited for (Linux: /proc/<pid>/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return sum(int(f) for f in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def tree(pid: int) -> list[int]:
    """A process and its descendants alive now (Linux: /proc/<pid>/task/*/children)."""
    found, waiting = [], [pid]
    while waiting:
        current = waiting.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*/children"):
            try:
                waiting.extend(int(child) for child in task.read_text().split())
            except FileNotFoundError:  # the thread ended meanwhile
                continue
    return found


def _alive(measure: Callable[[int], float], pid: int) -> float:
    try:
        return measure(pid)
    except (FileNotFoundError, ProcessLookupError, RuntimeError):  # it exited meanwhile
        return 0.0


def rss_mib_by_process(pid: int) -> dict[int, float]:
    """`rss_mib` of a process and of each of its descendants, by process id (the local runtime
    and the execution environments it runs its sync workers in)."""
    return {p: _alive(rss_mib, p) for p in tree(pid)}


def tree_cpu_seconds(pid: int) -> float:
    """`cpu_seconds` of a process and its descendants (those that ended counted by the process
    that waited for them)."""
    return sum(_alive(cpu_seconds, p) for p in tree(pid))


def _serve_moto_into(log_path: Path, address: "Queue[tuple[str, int]]", stop: Event) -> None:
    with log_path.open("wb") as log:  # werkzeug's tracebacks of moto's own failures
        os.dup2(log.fileno(), 1)
        os.dup2(log.fileno(), 2)
    serve_moto(address, stop, speedups=True)


class MotoProcess:
    """moto in server mode in a child process (bench.moto_server), with the local runtime's
    speedups (`infra.local.moto_speedups`), its output in `log_path`."""

    def __init__(self, log_path: Path) -> None:
        self.log_path = log_path
        # spawn: a fork of a process running threads (a test session's own moto) could inherit a
        # lock one of them held.
        processes = multiprocessing.get_context("spawn")
        self._address: Queue[tuple[str, int]] = processes.Queue()
        self._stop = processes.Event()
        self._process = processes.Process(
            target=_serve_moto_into, args=(log_path, self._address, self._stop), daemon=True
        )
        self.url = ""

    @property
    def pid(self) -> int:
        assert self._process.pid is not None, "not started"
        return self._process.pid

    def output(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def __enter__(self) -> "MotoProcess":
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._process.start()
        host, port = self._address.get(timeout=START_SECONDS)
        self.url = f"http://{host}:{port}"
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._process.join(timeout=10)
        if self._process.is_alive():
            self._process.kill()


class LocalProcess:
    """In memory only, on the AWS endpoint `aws_url`; its output goes to `log_path` (a file: a
    pipe nobody reads would fill). `env` adds to (or overrides) this process's environment,
    e.g. `LOCAL_SCHEDULE_SECONDS`."""

    def __init__(self, log_path: Path, aws_url: str, env: Mapping[str, str]) -> None:
        self.api_port, self.sim_port = free_port(), free_port()
        self.aws_url = aws_url
        self.env = {
            **os.environ,
            **env,
            "LOCAL_API_PORT": str(self.api_port),
            "LOCAL_SIM_PORT": str(self.sim_port),
            "LOCAL_AWS_ENDPOINT": aws_url,
        }
        self.env.pop("LOCAL_DATA_DIR", None)
        self.log_path = log_path
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.api_port}"

    @property
    def sim_url(self) -> str:
        return f"http://127.0.0.1:{self.sim_port}"

    @property
    def pid(self) -> int:
        assert self.process is not None, "not started"
        return self.process.pid

    def output(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def start(self) -> "LocalProcess":
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("wb") as log:  # the child keeps its own copy
            self.process = subprocess.Popen(
                [sys.executable, "-m", "infra.local"],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        try:
            wait_until_serving(self.api_url, self.process, self.output)
        except RuntimeError:
            self.kill()
            raise
        return self

    def stop(self) -> None:
        """SIGINT (the runtime stops its parts in order), then a kill if it hangs."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.kill()

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def __enter__(self) -> "LocalProcess":
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()
