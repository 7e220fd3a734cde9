"""Parsing request bodies: anything that is not plain JSON is a malformed body (400), never a
500. Python's own parser raises other errors for some inputs: integers of more than 4300
digits (ValueError), very deep nesting (RecursionError), and it accepts NaN and Infinity."""

import json
from typing import Any


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def strict_json(text: str | bytes | bytearray) -> Any:
    try:
        return json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError:
        raise
    except (ValueError, RecursionError, TypeError) as error:
        document = text if isinstance(text, str) else "<bytes>"
        raise json.JSONDecodeError(str(error) or "invalid JSON", document, 0) from error
