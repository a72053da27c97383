"""Prometheus metrics per app: request rate, latency and errors per route; outbox
backlog, consumer lag and dead-letter counts read at scrape time.

Each app gets its own registry (tests run several apps in one process). ``/metrics``
is served at the root of each service's port only: nginx does not route it, so it
stays on the operators' side.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from starlette.types import ASGIApp, Message, Receive, Scope, Send

LATENCY_BUCKETS = (0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)


class HttpMetrics:
    def __init__(self, service: str, registry: CollectorRegistry) -> None:
        self.service = service
        self.requests = Counter(
            "eco_http_requests",
            "HTTP requests by route and status",
            ["service", "method", "route", "status"],
            registry=registry,
        )
        self.latency = Histogram(
            "eco_http_request_duration_seconds",
            "HTTP request latency by route",
            ["service", "method", "route"],
            buckets=LATENCY_BUCKETS,
            registry=registry,
        )
        # The labelled children per (method, route template, status): a finite set, looked up
        # once instead of through ``labels()`` (a lock and tuple building) on every request.
        self._children: dict[tuple[str, str, int], tuple[Any, Any]] = {}

    def observe(self, scope: Scope, status: int, seconds: float) -> None:
        """One request, labelled by its route template (not the raw path)."""
        # FastAPI keeps included routers nested: the prefixed template is on the
        # effective route context; a plain route carries it itself.
        context = (scope.get("fastapi") or {}).get("effective_route_context") or scope.get("route")
        template = getattr(context, "path_format", None) or getattr(context, "path", None) or "unmatched"
        method = scope["method"]
        key = (method, template, status)
        children = self._children.get(key)
        if children is None:
            children = self._children[key] = (
                self.requests.labels(self.service, method, template, str(status)),
                self.latency.labels(self.service, method, template),
            )
        children[0].inc()
        children[1].observe(seconds)


class MetricsMiddleware:
    """Pure ASGI (no BaseHTTPMiddleware cost); labels by route template, not raw path."""

    def __init__(self, app: ASGIApp, metrics: HttpMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_wrapper(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            self.metrics.observe(scope, status, time.perf_counter() - started)


class PipelineCollector(Collector):
    """Outbox backlog and consumer state, from the values the relay and runner keep."""

    def __init__(self, app: Any) -> None:
        self.app = app

    def collect(self) -> Iterator[Metric]:
        service = self.app.state.spec.name
        backlog = GaugeMetricFamily("eco_outbox_backlog", "Outbox rows not yet published", labels=["service"])
        backlog.add_metric([service], float(getattr(self.app.state, "outbox_backlog", 0)))
        yield backlog
        age = GaugeMetricFamily(
            "eco_outbox_oldest_age_seconds",
            "Age of the oldest outbox row not yet published (0 when none)",
            labels=["service"],
        )
        age.add_metric([service], float(getattr(self.app.state, "outbox_oldest_age", 0.0)))
        yield age
        task_health = getattr(self.app.state, "task_health", {})
        if task_health:
            up = GaugeMetricFamily(
                "eco_background_task_up",
                "1 while a supervised background task runs",
                labels=["service", "task"],
            )
            restarts = CounterMetricFamily(
                "eco_background_task_restarts",
                "Times a background task ended or failed and was started again",
                labels=["service", "task"],
            )
            for name, health in task_health.items():
                up.add_metric([service, name], 1.0 if health.running else 0.0)
                restarts.add_metric([service, name], float(health.restarts))
            yield up
            yield restarts
        consumer = getattr(self.app.state, "consumer", None)
        if consumer is None or not consumer.handlers:
            return
        lag = GaugeMetricFamily(
            "eco_consumer_lag", "Messages behind the end of each topic", labels=["group", "topic"]
        )
        for topic, value in consumer.stats.lag.items():
            lag.add_metric([consumer.group, topic], float(value))
        yield lag
        for name, help_text, value in (
            ("eco_consumer_dead_lettered", "Messages sent to a .dlq topic", consumer.stats.dead_lettered),
            ("eco_consumer_processed", "Messages applied", consumer.stats.processed),
            ("eco_consumer_duplicates", "Redeliveries skipped by the inbox", consumer.stats.duplicates),
            (
                "eco_consumer_batch_fallbacks",
                "Polls whose messages failed together and were applied one by one",
                consumer.stats.batch_fallbacks,
            ),
            (
                "eco_consumer_transient_failures",
                "Handler attempts that failed for a transient reason (retried, never dead-lettered)",
                consumer.stats.transient_failures,
            ),
            (
                "eco_consumer_retrying",
                "1 while a message is being retried for a transient failure",
                0 if consumer.stats.retrying_since is None else 1,
            ),
        ):
            family = GaugeMetricFamily(name, help_text, labels=["group"])
            family.add_metric([consumer.group], float(value))
            yield family
        monitor = getattr(self.app.state, "dlq_monitor", None)
        if monitor is not None and monitor.depth is not None:
            dlq = GaugeMetricFamily(
                "eco_dlq_unhandled",
                "Dead-lettered copies of this group not yet re-driven or discarded (read from Kafka)",
                labels=["group", "topic"],
            )
            for topic in monitor.topics:
                dlq.add_metric([monitor.group, topic], float(monitor.depth.get(topic, 0)))
            yield dlq


def install_metrics(app: Any, service: str, *, pipeline: bool = True, middleware: bool = True) -> HttpMetrics:
    """HTTP metrics per route, and (``pipeline``) the outbox and consumer state, in the app's
    registry (``app.state.metrics_registry``); with ``middleware=False`` the caller counts
    requests itself (``shared.app.KernelMiddleware``)."""
    registry = CollectorRegistry()
    metrics = HttpMetrics(service, registry)
    if middleware:
        app.add_middleware(MetricsMiddleware, metrics=metrics)
    if pipeline:
        registry.register(PipelineCollector(app))
    app.state.metrics_registry = registry
    return metrics


def render(registry: CollectorRegistry) -> bytes:
    return generate_latest(registry)
