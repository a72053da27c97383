"""OpenTelemetry wiring: FastAPI, SQLAlchemy and Kafka spans in one trace.

Trace context always flows (HTTP ``traceparent`` -> outbox row -> Kafka headers ->
consumer); spans are recorded only when an exporter is configured —
``OTEL_EXPORTER_OTLP_ENDPOINT`` (a collector) or ``OTEL_EXPORTER_ZIPKIN_ENDPOINT`` (the local
Zipkin viewer of ``make traces``) — or when a test asks for them with an in-memory exporter.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from opentelemetry import context as otel_context
from opentelemetry import propagate, trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor

if TYPE_CHECKING:
    from fastapi import FastAPI
    from starlette.types import ASGIApp, Receive, Scope, Send

TRACER_NAME = "ecoeficiencia"


def setup_tracing(service_name: str, *, record: bool | None = None) -> TracerProvider | None:
    """Install the SDK tracer provider once, when spans have somewhere to go.

    With ``OTEL_EXPORTER_OTLP_ENDPOINT`` set (or ``record=True``, as the tracing test
    does) spans are recorded and exported. Without it the API's no-op tracer stays:
    incoming ``traceparent`` context still flows into outbox rows and Kafka headers (a
    non-recording span carries its parent's ids), at none of the cost of recording
    spans nobody collects (measured here: a third of a service's throughput).
    """
    current = trace.get_tracer_provider()
    if isinstance(current, TracerProvider):
        return current
    endpoint = os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT")
    zipkin = os.environ.get("OTEL_EXPORTER_ZIPKIN_ENDPOINT")
    if not (record if record is not None else bool(endpoint or zipkin)):
        return None
    provider = TracerProvider(resource=Resource.create({"service.name": f"eco-{service_name}"}))
    if endpoint:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    if zipkin:
        from opentelemetry.exporter.zipkin.json import ZipkinExporter

        provider.add_span_processor(BatchSpanProcessor(ZipkinExporter(endpoint=zipkin)))
    trace.set_tracer_provider(provider)
    instrument_sqlalchemy()
    return provider


def tracer() -> trace.Tracer:
    return trace.get_tracer(TRACER_NAME)


def current_trace_carrier() -> dict[str, str]:
    """The active context as W3C headers, to store in an outbox row."""
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    return carrier


def context_from_carrier(carrier: Mapping[str, str]) -> otel_context.Context:
    return propagate.extract(dict(carrier))


def kafka_headers(carrier: Mapping[str, str]) -> list[tuple[str, bytes]]:
    return [(k, v.encode()) for k, v in carrier.items()]


def carrier_from_kafka_headers(headers: Iterable[tuple[str, bytes]] | None) -> dict[str, str]:
    return {k: v.decode(errors="replace") for k, v in (headers or []) if k in ("traceparent", "tracestate")}


class TraceContextMiddleware:
    """Pure ASGI: the caller's W3C trace context becomes the request's context.

    Used when spans are not recorded: the outbox rows and Kafka headers written while
    handling the request then continue the caller's trace, without the full ASGI
    instrumentation's per-request cost.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        carrier = {
            k.decode(): v.decode() for k, v in scope["headers"] if k in (b"traceparent", b"tracestate")
        }
        if not carrier:
            await self.app(scope, receive, send)
            return
        token = otel_context.attach(propagate.extract(carrier))
        try:
            await self.app(scope, receive, send)
        finally:
            otel_context.detach(token)


def recording_spans() -> bool:
    """Whether this process records spans (an SDK tracer provider is installed)."""
    return isinstance(trace.get_tracer_provider(), TracerProvider)


def instrument_fastapi(app: FastAPI, *, trace_context: bool = True) -> None:
    """Server spans when spans are recorded; otherwise only carry the caller's context
    (``trace_context=False``: the caller's own middleware does, as the kernel's does)."""
    if not recording_spans():
        if trace_context:
            app.add_middleware(TraceContextMiddleware)
        return
    from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor

    FastAPIInstrumentor.instrument_app(app, excluded_urls="health,ready,metrics")


def instrument_sqlalchemy() -> None:
    """Trace every engine created from now on (once per process).

    The instrumentor declares "sqlalchemy < 2.1" but hooks only the stable engine
    events (before/after_cursor_execute), which 2.1 keeps: skip its version gate.
    Per-engine instrumentation would trace only the first engine of a process (the
    instrumentor is a singleton), so it wraps engine creation instead.
    """
    from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor

    instrumentor = SQLAlchemyInstrumentor()
    if not instrumentor.is_instrumented_by_opentelemetry:
        instrumentor.instrument(skip_dep_check=True)
