"""Invocations served side by side in one process (the local runtime's threads) each log their
own function and request id, even through one shared Powertools logger."""

import io
import json
import logging
import threading
from typing import Any

from aws_lambda_powertools import Logger

from functions.shared.invocation_log import log_invocation
from infra.local.lambda_context import LocalLambdaContext


def test_threads_log_their_own_invocations_context() -> None:
    stream = io.StringIO()
    logger = Logger(service="shared-by-all", logger_handler=logging.StreamHandler(stream))
    # Both invocations are inside their handler before either logs: the interleaving that a
    # logger-wide context gets wrong.
    both_started = threading.Barrier(2, timeout=10)

    @log_invocation(logger, correlation_id_path="headers.trace")
    def handler(event: dict[str, Any], context: Any) -> None:
        both_started.wait()
        logger.info("working", extra={"sent_by": event["name"]})
        both_started.wait()
        logger.info("done", extra={"sent_by": event["name"]})

    contexts = {name: LocalLambdaContext(function_name=name) for name in ("projector", "api")}
    threads = [
        threading.Thread(
            target=handler, args=({"name": name, "headers": {"trace": f"t-{name}"}}, context)
        )
        for name, context in contexts.items()
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    logger.info("between invocations")

    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    inside = [line for line in lines if "sent_by" in line]
    assert len(inside) == 4
    for line in inside:
        name = line["sent_by"]
        assert line["function_name"] == name
        assert line["function_request_id"] == contexts[name].aws_request_id
        assert line["correlation_id"] == f"t-{name}"
    assert {line["cold_start"] for line in inside} == {True, False}  # one handler, one first call
    [after] = [line for line in lines if line["message"] == "between invocations"]
    assert "function_name" not in after and "correlation_id" not in after
