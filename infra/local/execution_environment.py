"""Lambda execution environments for one function: each a process of its own, serving one
invocation at a time, as Lambda runs the concurrent invocations of a function.

A handler's module state (its Powertools batch processor, its clients and caches, sp_api's
token cache) belongs to one environment, never shared by two invocations at once; a function
that Lambda scales out locally runs in `ExecutionEnvironments`, not on threads of one process.

`ExecutionEnvironments(module, name, size).invoke(event, context)` is a handler: it serves the
invocation in a free environment, waiting for one when all `size` are busy. An environment starts
on its first invocation (its cold start) and is replaced when its process dies or an invocation
outlives the context's remaining time (Lambda's timeout). The handler's exception comes back as
`InvocationFailed`, carrying its traceback.

The process (`python -m infra.local.execution_environment <module> <function name>`) reads one
invocation a line on stdin and answers one a line on what was its stdout; its own stdout and
stderr go where the runtime's stderr goes (its log). It stops when stdin closes, so it never
outlives the runtime, and ignores SIGINT: Ctrl-C reaches the whole process group, and the
runtime stops it after the invocation it serves.
"""

import contextlib
import importlib
import io
import logging
import os
import queue
import select
import signal
import subprocess
import sys
import threading
import time
import traceback
from pathlib import Path
from typing import IO, Any

from pydantic import BaseModel, ConfigDict

from infra.local.lambda_context import LocalLambdaContext

log = logging.getLogger(__name__)
ROOT = Path(__file__).resolve().parents[2]
# Past the invocation's own timeout: a cold start's imports, the answer on its way.
GRACE_SECONDS = 10.0
STOP_SECONDS = 10.0


class Invocation(BaseModel):
    model_config = ConfigDict(frozen=True)

    event: Any
    request_id: str
    remaining_ms: int


class Answer(BaseModel):
    model_config = ConfigDict(frozen=True)

    result: Any = None
    error: str | None = None  # the handler's traceback


class InvocationFailed(Exception):
    """The handler raised, timed out or its environment died: the event source retries."""


class _Environment:
    """One process; used by one invocation at a time (the pool's queue sees to it)."""

    def __init__(self, module: str, function_name: str, grace_seconds: float) -> None:
        self._command = [sys.executable, "-m", __name__, module, function_name]
        self._grace_seconds = grace_seconds
        self._process: subprocess.Popen[str] | None = None
        self._lock = threading.Lock()  # starting a process against closing for good
        self._closed = False

    def invoke(self, event: Any, context: Any) -> Any:
        remaining_ms = int(context.get_remaining_time_in_millis())
        request = Invocation(
            event=event, request_id=context.aws_request_id, remaining_ms=remaining_ms
        )
        process = self._running()
        assert process.stdin is not None and process.stdout is not None
        try:
            process.stdin.write(request.model_dump_json() + "\n")
            process.stdin.flush()
            line = _read_line(process.stdout, remaining_ms / 1000 + self._grace_seconds)
        except (OSError, EOFError) as failure:  # timed out, or died: Lambda replaces it
            _end(process, 0.0)
            raise InvocationFailed(f"{context.function_name}: {failure!r}") from failure
        answer = Answer.model_validate_json(line)
        if answer.error is not None:
            raise InvocationFailed(f"{context.function_name} raised:\n{answer.error}")
        return answer.result

    def close(self) -> None:
        """No more invocations: the process exits after the one it serves."""
        with self._lock:
            self._closed = True
            if self._process is not None and self._process.stdin is not None:
                with contextlib.suppress(OSError):  # it died already
                    self._process.stdin.close()

    def wait(self, timeout_seconds: float) -> None:
        """Until the process exits, killed after `timeout_seconds`; call `close` first."""
        if self._process is not None:
            _end(self._process, timeout_seconds)

    def _running(self) -> "subprocess.Popen[str]":
        with self._lock:
            if self._closed:
                raise InvocationFailed("the environment is stopped")
            if self._process is None or self._process.poll() is not None:
                self._process = subprocess.Popen(
                    self._command,
                    cwd=ROOT,
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    text=True,
                )
            return self._process


def _end(process: "subprocess.Popen[str]", timeout_seconds: float) -> None:
    """Wait for `process` to exit, killing it after `timeout_seconds`."""
    try:
        process.wait(timeout=timeout_seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _read_line(stream: IO[str], timeout_seconds: float) -> str:
    ready, _, _ = select.select([stream], [], [], timeout_seconds)
    if not ready:
        raise TimeoutError(f"no answer within {timeout_seconds:.0f} s")
    line = stream.readline()
    if not line:
        raise EOFError("the environment's process exited")
    return line


class ExecutionEnvironments:
    """At most `size` environments of the function in `module`, each serving one invocation at
    a time; `invoke` is thread-safe. An invocation gets its context's remaining time plus
    `grace_seconds` to answer."""

    def __init__(
        self, module: str, function_name: str, size: int, grace_seconds: float = GRACE_SECONDS
    ) -> None:
        if size < 1:
            raise ValueError(f"size must be at least 1, got {size}")
        self._all = [_Environment(module, function_name, grace_seconds) for _ in range(size)]
        # Last freed, first reused: the warm one, as Lambda does; the others start when needed.
        self._free: queue.LifoQueue[_Environment] = queue.LifoQueue(maxsize=size)
        for environment in self._all:
            self._free.put_nowait(environment)

    @property
    def size(self) -> int:
        return len(self._all)

    def invoke(self, event: Any, context: Any) -> Any:
        environment = self._free.get()
        try:
            return environment.invoke(event, context)
        finally:
            self._free.put_nowait(environment)

    def stop(self) -> None:
        """Each environment ends after the invocation it serves, or is killed after
        `STOP_SECONDS`; later invocations fail."""
        for environment in self._all:
            environment.close()
        deadline = time.monotonic() + STOP_SECONDS
        for environment in self._all:
            environment.wait(max(deadline - time.monotonic(), 0.0))


def serve(module: str, function_name: str) -> None:
    """The environment's process: invocations from stdin, answers to what was stdout."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    answers = os.fdopen(os.dup(sys.stdout.fileno()), "w", encoding="utf-8")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # what the handler prints: the log
    if isinstance(sys.stdout, io.TextIOWrapper):
        sys.stdout.reconfigure(line_buffering=True)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    handler = importlib.import_module(module).lambda_handler
    for line in sys.stdin:
        request = Invocation.model_validate_json(line)
        context = LocalLambdaContext(
            function_name=function_name,
            timeout_seconds=request.remaining_ms / 1000,
            aws_request_id=request.request_id,
        )
        try:
            answer = Answer(result=handler(request.event, context))
        except Exception:
            answer = Answer(error=traceback.format_exc())
        answers.write(answer.model_dump_json() + "\n")
        answers.flush()


if __name__ == "__main__":
    serve(*sys.argv[1:3])
