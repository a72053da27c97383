"""Bad-credential attempts per client address: a token bucket, pure Python (the caller gives ``now``).

Each refused credential spends a token of its client address's bucket; the bucket refills at
``per_minute`` tokens a minute up to ``burst``. An address whose bucket is empty is refused
before its credential is even read (no JWT check, no database read) until a token is back:
``retry_after`` says when, in whole seconds, which nginx sends as ``Retry-After`` with the 429.
Good credentials spend nothing, so a busy office behind one address is not punished for
one user's typo. One gateway process holds the buckets (uvicorn runs one worker); a restart
forgets them, which only hands an attacker one more burst.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from dataclasses import dataclass


@dataclass
class _Bucket:
    tokens: float
    updated: float


class FailureThrottle:
    def __init__(self, *, per_minute: int, burst: int, max_clients: int = 100_000) -> None:
        self.rate = per_minute / 60.0  # tokens per second
        self.burst = float(burst)
        self.max_clients = max_clients
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()

    def _bucket(self, client: str, now: float) -> _Bucket | None:
        bucket = self._buckets.get(client)
        if bucket is None:
            return None
        bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.updated) * self.rate)
        bucket.updated = now
        if bucket.tokens >= self.burst:  # full again: forget it
            del self._buckets[client]
            return None
        return bucket

    def retry_after(self, client: str, now: float) -> int | None:
        """Whole seconds until ``client`` may try a credential again; None when it may now."""
        bucket = self._bucket(client, now)
        if bucket is None or bucket.tokens >= 1.0:
            return None
        return max(1, math.ceil((1.0 - bucket.tokens) / self.rate))

    def failed(self, client: str, now: float) -> None:
        """Spend one token of ``client``'s bucket for a refused credential."""
        bucket = self._bucket(client, now)
        if bucket is None:
            bucket = self._buckets[client] = _Bucket(tokens=self.burst, updated=now)
            while len(self._buckets) > self.max_clients:  # bounded memory: drop the oldest
                self._buckets.popitem(last=False)
        bucket.tokens = max(0.0, bucket.tokens - 1.0)
        self._buckets.move_to_end(client)
