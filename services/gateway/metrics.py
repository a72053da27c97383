"""The gateway app's metrics: HTTP per route, and the credential checks nginx asked for.

Every ``/_auth`` call nginx makes is a cache miss, so ``eco_gateway_auth_checks_total``
shows how well nginx's auth cache works (and the e2e tests read it to prove it does).
"""

from __future__ import annotations

from fastapi import FastAPI
from prometheus_client import CollectorRegistry, Counter

from shared.metrics import HttpMetrics, MetricsMiddleware


class AuthMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.checks = Counter(
            "eco_gateway_auth_checks",
            "Credential checks answered by the gateway app (nginx cache misses)",
            ["credential", "outcome"],
            registry=registry,
        )


def install_gateway_metrics(app: FastAPI) -> None:
    registry = CollectorRegistry()
    app.add_middleware(MetricsMiddleware, metrics=HttpMetrics("gateway", registry))
    app.state.metrics_registry = registry
    app.state.auth_metrics = AuthMetrics(registry)
