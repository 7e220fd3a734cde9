"""Whether a 429 answer carries `x-amzn-RateLimit-Limit`.

Amazon's own 429s often carry neither that header nor `details` (selling-partner-api-models#746):
a client must cope without the announced rate. So by default (probability 0.0) the simulator's
429s are bare, while every other answer of an operation carries the header. A test that wants
the rate on throttled answers opts in with 1.0 (always), or with a value in between for a
seeded, repeatable mix.
"""

from __future__ import annotations

import random
import threading

NEVER = 0.0
ALWAYS = 1.0


class RateHeaderOn429:
    def __init__(self, probability: float = NEVER, seed: int = 0) -> None:
        self._lock = threading.Lock()
        self._probability = NEVER
        self._draws = random.Random(seed)
        self.configure(probability, seed)

    def configure(self, probability: float, seed: int = 0) -> None:
        """`probability` that a 429 carries the header: 1.0 always, 0.0 never; in between,
        drawn per 429 from a generator seeded with `seed` (the same sequence on every run)."""
        if not NEVER <= probability <= ALWAYS:
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
            if self._probability <= NEVER:
                return False
            return self._draws.random() < self._probability
