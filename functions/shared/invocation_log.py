"""The Lambda context on every log line of an invocation, kept per invocation.

Powertools' `inject_lambda_context` appends the context to the logger's shared keys. In a process
that serves invocations side by side (the local runtime runs every function on its own threads),
the last invocation to start would then stamp its function name and request id on every thread's
lines. `log_invocation` sets the same keys as Powertools' thread-safe keys (a context variable,
so each thread has its own) when an invocation starts, and clears them when it ends. On Lambda,
one invocation at a time per instance, the lines are those `inject_lambda_context` writes.
"""

import functools
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from aws_lambda_powertools import Logger
from aws_lambda_powertools.logging.lambda_context import build_lambda_context_model
from aws_lambda_powertools.utilities.jmespath_utils import query

R = TypeVar("R")
Handler = Callable[[Any, Any], R]


def log_invocation(
    logger: Logger, *, correlation_id_path: str | None = None
) -> Callable[[Handler[R]], Handler[R]]:
    """Decorate a Lambda handler: its invocation's context (and, with `correlation_id_path`, the
    correlation id found there in the event) on each line it logs, and on no other."""

    def decorate(handler: Handler[R]) -> Handler[R]:
        started = threading.Event()  # set by the first invocation: the cold start

        @functools.wraps(handler)
        def invoke(event: Any, context: Any) -> R:
            cold_start = not started.is_set()
            started.set()
            keys: dict[str, Any] = dict(build_lambda_context_model(context).__dict__)
            if correlation_id_path:
                keys["correlation_id"] = query(envelope=correlation_id_path, data=event)
            logger.thread_safe_clear_keys()
            logger.thread_safe_append_keys(cold_start=cold_start, **keys)
            try:
                return handler(event, context)
            finally:
                logger.thread_safe_clear_keys()

        return invoke

    return decorate
