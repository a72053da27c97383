"""Delivery rules: retry waits, giving up, disabling an endpoint, acceptable targets."""

from __future__ import annotations

import ipaddress
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit


@dataclass(frozen=True)
class RetryPolicy:
    base_seconds: float
    max_seconds: float
    window_seconds: float
    disable_after_seconds: float

    def wait(self, attempts: int, rng: random.Random | None = None) -> timedelta:
        """Exponential backoff with equal jitter: half the step fixed, half random.

        ``attempts`` is how many tries have failed so far (1 after the first failure).
        """
        step = min(self.base_seconds * 2 ** max(attempts - 1, 0), self.max_seconds)
        jitter = (rng or random).uniform(0, step / 2)
        return timedelta(seconds=step / 2 + jitter)

    def gives_up(self, created_at: datetime, now: datetime) -> bool:
        """A delivery failing this long after its event was queued is marked failed."""
        return now - created_at >= timedelta(seconds=self.window_seconds)

    def disables(self, failing_since: datetime | None, now: datetime) -> bool:
        return failing_since is not None and now - failing_since >= timedelta(
            seconds=self.disable_after_seconds
        )


class TargetRefused(ValueError):
    pass


def check_target(url: str, *, env: str) -> str:
    """A subscription's URL: absolute http(s); outside dev/test https only and not a private host."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise TargetRefused("The URL must be an absolute http(s) URL.")
    if parts.username or parts.password:
        raise TargetRefused("The URL must not carry credentials; the signature authenticates us.")
    if env in ("dev", "test"):
        return url
    if parts.scheme != "https":
        raise TargetRefused("The URL must use https.")
    host = parts.hostname
    if host == "localhost" or host.endswith((".localhost", ".local", ".internal")):
        raise TargetRefused("The URL must name a public host.")
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return url
    if not address.is_global:
        raise TargetRefused("The URL must name a public host.")
    return url
