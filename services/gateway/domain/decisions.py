"""What ``/_auth`` answers nginx, and for how long nginx may reuse that answer.

The identity the services receive expires at ``min(token exp, now + max age)``: a short
life bounds what a leaked identity header is worth, and a token's own expiry is never
extended. nginx caches a decision only while the identity it carries is still valid, so
a cached answer never hands out an expired identity.
"""

from __future__ import annotations

from dataclasses import dataclass

from shared.auth import Principal


@dataclass(frozen=True)
class Decision:
    principal: Principal | None  # None: no credential at all; the service decides (public or 401)
    key_id: str | None = None  # API keys only: the rate-limit bucket
    rate_limit_per_minute: int | None = None

    def cache_seconds(self, now: float, ceiling: int) -> int:
        """Seconds nginx may reuse this decision: at most ``ceiling``, ending a second
        before the identity expires (0: do not cache)."""
        if self.principal is None:
            return ceiling
        return max(0, min(ceiling, int(self.principal.expires_at - now) - 1))


def identity_expiry(now: float, max_age_seconds: int, token_expiry: float | None = None) -> int:
    expiry = int(now) + max_age_seconds
    return expiry if token_expiry is None else min(expiry, int(token_expiry))
