"""Whether a 429 answer carries `x-amzn-RateLimit-Limit`.

Amazon's own 429s often carry neither that header nor `details` (selling-partner-api-models#746):
a client must cope without the announced rate. The simulator stamps the header on every answer
by default (the backend's tests read the rate from throttled answers); a test opts in to
Amazon's bare 429s with probability 0.0 (never), or with a value in between for a seeded,
repeatable mix.
"""

from __future__ import annotations

import random
import threading

ALWAYS = 1.0


class RateHeaderOn429:
    def __init__(self, probability: float = ALWAYS, seed: int = 0) -> None:
        self._lock = threading.Lock()
        self._probability = ALWAYS
        self._draws = random.Random(seed)
        self.configure(probability, seed)

    def configure(self, probability: float, seed: int = 0) -> None:
        """`probability` that a 429 carries the header: 1.0 always, 0.0 never; in between,
        drawn per 429 from a generator seeded with `seed` (the same sequence on every run)."""
        if not 0.0 <= probability <= 1.0:
            raise ValueError("probability must be between 0.0 and 1.0")
        with self._lock:
            self._probability = probability
            self._draws = random.Random(seed)

    @property
    def probability(self) -> float:
        with self._lock:
            return self._probability

    def announce(self) -> bool:
        """Whether the next 429 carries the header."""
        with self._lock:
            if self._probability >= ALWAYS:
                return True
            if self._probability <= 0.0:
                return False
            return self._draws.random() < self._probability
