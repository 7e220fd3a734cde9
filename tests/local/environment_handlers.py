"""A Lambda handler for the execution environment tests: it does what its event asks."""

import os
import time
from typing import Any


def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    if event.get("sleep"):
        time.sleep(event["sleep"])
    if event.get("exit"):
        os._exit(event["exit"])  # the process dies mid-invocation
    if event.get("raise"):
        raise ValueError(event["raise"])
    return {
        "pid": os.getpid(),
        "function_name": context.function_name,
        "request_id": context.aws_request_id,
        "remaining_ms": context.get_remaining_time_in_millis(),
        "echo": event.get("echo"),
    }
