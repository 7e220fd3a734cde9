"""What every function does once its cold start's set-up is built."""

import gc
from typing import TypeVar

T = TypeVar("T")


def settled(deps: T) -> T:
    """Move everything built so far (modules, clients, models) out of the garbage collector's
    reach, so the collections of warm invocations never rescan it, and resume collecting (on
    Lambda, importing `functions` paused it for the cold start); returns `deps`."""
    gc.freeze()
    gc.enable()
    return deps
