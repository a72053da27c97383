"""The gateway app's own metric, beside the kernel's HTTP metrics: the credential checks nginx asked for.

Every ``/_auth`` call nginx makes is a cache miss, so ``eco_gateway_auth_checks_total``
shows how well nginx's auth cache works (and the e2e tests read it to prove it does).
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter


class AuthMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.checks = Counter(
            "eco_gateway_auth_checks",
            "Credential checks answered by the gateway app (nginx cache misses)",
            ["credential", "outcome"],
            registry=registry,
        )
