"""``create_app``: the one bootstrap every service goes through.

It wires settings, logging, telemetry, the DB engine and unit-of-work factory, error
handlers, OpenAPI shaping, ``/health`` and ``/ready``, and starts the outbox relay and
the Kafka consumers (plus any periodic job the service declares) for the app's
lifetime. Routers are authenticated by default; public routers are listed apart.

Every background task is supervised (``supervise``): if it ends or raises while the service
runs, the failure is logged, counted (``eco_background_task_restarts``) and shown in
``/ready``, and the task is started again with backoff. ``/ready`` answers 503 ``degraded``
when the database or Kafka is unreachable, a background task is not running, the oldest
unpublished outbox row is older than ``ECO_OUTBOX_MAX_AGE_SECONDS``, or the consumer is
retrying a transient failure.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import gc
import itertools
import logging
import os
import socket
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from fastapi import APIRouter, Depends, FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse, Response
from opentelemetry import context as otel_context
from opentelemetry import propagate
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.auth import current_principal
from shared.clock import Clock, wait_unless_stopped
from shared.db import create_engine, create_sessionmaker, dispose_engine
from shared.errors import install_error_handlers
from shared.events.consumer import ConsumerRunner, Handler
from shared.events.relay import OutboxRelay
from shared.logging import configure_logging, request_id_var
from shared.metrics import HttpMetrics, install_metrics, render
from shared.openapi import install_openapi
from shared.routing import flatten, index
from shared.schemas import NulParameterGuard
from shared.settings import Settings, get_settings
from shared.telemetry import instrument_fastapi, recording_spans, setup_tracing
from shared.uow import UnitOfWorkFactory

log = logging.getLogger("eco.app")

BackgroundJob = Callable[[FastAPI, asyncio.Event], Awaitable[None]]
# Something the app holds for its lifetime (an HTTP client, a key set): entered at start-up, after
# the engine exists, and left at shutdown.
Resource = Callable[[FastAPI], contextlib.AbstractAsyncContextManager[None]]
SUPERVISOR_BACKOFF_MAX_SECONDS = 30.0


@dataclass
class TaskHealth:
    """What ``/ready`` and ``/metrics`` show of one supervised background task."""

    name: str
    running: bool = False
    restarts: int = 0
    last_error: str | None = None
    last_failure_at: float | None = None


async def supervise(
    health: TaskHealth,
    start: Callable[[], Awaitable[None]],
    stop: asyncio.Event,
    *,
    backoff: float = 1.0,
    max_backoff: float = SUPERVISOR_BACKOFF_MAX_SECONDS,
) -> None:
    """Run ``start()`` until ``stop`` is set, starting it again (with backoff) whenever it
    ends or raises before that. Never raises itself (except on cancellation)."""
    delay = backoff
    while not stop.is_set():
        started = time.monotonic()
        health.running = True
        try:
            await start()
            if stop.is_set():
                break
            health.last_error = "ended while the service was running"
            log.error("background task %s ended on its own; restarting in %.1f s", health.name, delay)
        except asyncio.CancelledError:
            health.running = False
            raise
        except Exception as exc:
            health.last_error = f"{type(exc).__name__}: {str(exc)[:300]}"
            log.exception("background task %s failed; restarting in %.1f s", health.name, delay)
        health.running = False
        health.restarts += 1
        health.last_failure_at = time.time()
        if time.monotonic() - started > 10 * max_backoff:
            delay = backoff  # it had run for a good while: not a crash loop
        await wait_unless_stopped(stop, delay)
        delay = min(delay * 2, max_backoff)
    health.running = False


@dataclass
class ServiceSpec:
    name: str
    title: str
    description: str = ""
    routers: list[APIRouter] = field(default_factory=list)
    public_routers: list[APIRouter] = field(default_factory=list)
    # Server-rendered public pages: mounted at the root (no API prefix), outside the OpenAPI.
    page_routers: list[APIRouter] = field(default_factory=list)
    # Public routers mounted at the root as they are (the gateway's /_auth, /health, /docs and
    # /.well-known/jwks.json): no API prefix, no authentication, in the OpenAPI unless they say not.
    root_routers: list[APIRouter] = field(default_factory=list)
    topic_handlers: Mapping[str, Handler] = field(default_factory=dict)
    background_jobs: list[BackgroundJob] = field(default_factory=list)
    resources: list[Resource] = field(default_factory=list)
    tags: list[dict[str, Any]] = field(default_factory=list)
    database: bool = True
    # The transactional outbox (relay) and the Kafka consumer; False for a schema without an
    # outbox (the gateway publishes and consumes nothing).
    messaging: bool = True
    # The kernel's /health, /ready and /metrics; False when the service answers them itself
    # (the gateway's /health aggregates every service's readiness).
    probes: bool = True
    # FastAPI's /docs and /openapi.json; False when the service serves documents of its own
    # (the gateway serves the merged OpenAPI and its docs page).
    docs: bool = True
    version: str = "1.0.0"
    # operationId -> description, schema name -> example: the service's words for its OpenAPI,
    # kept beside its routes (api/openapi_text.py) and attached by shared.openapi.
    operation_docs: Mapping[str, str] = field(default_factory=dict)
    schema_examples: Mapping[str, Any] = field(default_factory=dict)

    @property
    def prefix(self) -> str:
        return f"/api/v1/{self.name}"


def create_app(spec: ServiceSpec, *, settings: Settings | None = None, clock: Clock | None = None) -> FastAPI:
    settings = settings or get_settings()
    if settings.service != spec.name:
        settings = settings.for_service(spec.name)
    configure_logging(spec.name)
    setup_tracing(spec.name)

    tags = list(spec.tags)
    if spec.probes and not any(tag["name"] == "health" for tag in tags):
        tags.append({"name": "health", "description": "Liveness and readiness of the service (public)"})
    app = FastAPI(
        title=spec.title,
        description=spec.description,
        version=spec.version,
        lifespan=_lifespan(spec),
        openapi_tags=tags,
        generate_unique_id_function=lambda route: f"{spec.name}_{route.name}",
        docs_url="/docs" if spec.docs else None,
        openapi_url="/openapi.json" if spec.docs else None,
        redoc_url="/redoc" if spec.docs else None,
        # FastAPI's own telemetry asks on every request whether a tracer, meter or logger
        # provider is installed (three provider lookups, ~10 % of a cached company read's CPU,
        # issue 15); when this process records no spans none is, so it is off from the start.
        telemetry=None if recording_spans() else {"tracing": False, "metrics": False, "logs": False},
    )
    app.state.settings = settings
    app.state.spec = spec
    app.state.clock = clock or Clock()
    install_error_handlers(app)
    install_openapi(app, operation_docs=spec.operation_docs, schema_examples=spec.schema_examples)
    app.add_middleware(NulParameterGuard)  # a NUL in a query or path parameter: 422 (shared.schemas)
    http_metrics = install_metrics(app, spec.name, pipeline=spec.messaging, middleware=False)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["*"],
            allow_headers=["*"],
            expose_headers=["X-Request-ID", "Retry-After"],
        )

    for router in spec.routers:
        app.include_router(router, prefix=spec.prefix, dependencies=[Depends(current_principal)])
    for router in spec.public_routers:
        app.include_router(router, prefix=spec.prefix)
    for router in spec.page_routers:
        app.include_router(router, include_in_schema=False)
    for router in spec.root_routers:
        app.include_router(router)
    if spec.probes:
        _install_probes(app, spec)
    flatten(app)
    index(app)
    # Added last: the outermost of the app's own layers.
    app.add_middleware(KernelMiddleware, metrics=http_metrics, trace_context=not recording_spans())
    instrument_fastapi(app, trace_context=False)
    return app


class _RequestIds:
    """32 hex digits, unique: a random prefix per process and a counter. A request id needs to
    be unique, not unguessable; ``uuid4`` asked the kernel for randomness on every request."""

    def __init__(self) -> None:
        self._pid = -1
        self._prefix = ""
        self._counter = itertools.count()

    def __call__(self) -> str:
        if self._pid != os.getpid():  # a new process (uvicorn workers are forked or spawned)
            self._pid, self._prefix = os.getpid(), os.urandom(8).hex()
        return f"{self._prefix}{next(self._counter) & 0xFFFFFFFFFFFFFFFF:016x}"


new_request_id = _RequestIds()


class RequestIdMiddleware:
    """Pure ASGI: echo the caller's X-Request-ID (nginx sets one) or make one, and
    expose it to the JSON logs. No BaseHTTPMiddleware: it costs throughput on every call.
    Services get it inside :class:`KernelMiddleware`; the gateway app uses it alone."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rid = (
            next((v.decode() for k, v in scope["headers"] if k == b"x-request-id"), None) or new_request_id()
        )
        token = request_id_var.set(rid)

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"x-request-id"]
                message["headers"] = [*headers, (b"x-request-id", rid.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            request_id_var.reset(token)


_TRACE_HEADERS = (b"traceparent", b"tracestate")


class KernelMiddleware:
    """Pure ASGI, ONE layer for what every request of a service needs (issue 15: each ASGI
    layer is a coroutine call and a ``send`` wrapper per message, measured on the hot read):

    - the request id: the caller's ``X-Request-ID`` (nginx sets one) or a new one, echoed on
      the response and exposed to the JSON logs (``request_id_var``);
    - the caller's W3C trace context (``traceparent``/``tracestate``) as the request's
      context when spans are not recorded (``trace_context``; the OpenTelemetry ASGI
      instrumentation does it when they are), so outbox rows and Kafka headers continue it;
    - the HTTP metrics (``shared.metrics.HttpMetrics``): count and latency by route template.

    It sits outside the framework's error middleware, so a 500 carries the request id and is
    counted with its status.
    """

    def __init__(self, app: ASGIApp, *, metrics: HttpMetrics, trace_context: bool = True) -> None:
        self.app = app
        self.metrics = metrics
        self.trace_context = trace_context

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        rid: str | None = None
        carrier: dict[str, str] | None = None
        for k, v in scope["headers"]:
            if k == b"x-request-id":
                if rid is None:
                    rid = v.decode()
            elif self.trace_context and k in _TRACE_HEADERS:
                if carrier is None:
                    carrier = {}
                carrier[k.decode()] = v.decode()
        rid = rid or new_request_id()
        rid_header = (b"x-request-id", rid.encode())
        status = 500

        async def send_wrapper(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = message.get("headers", [])
                if any(k.lower() == b"x-request-id" for k, _ in headers):
                    headers = [(k, v) for k, v in headers if k.lower() != b"x-request-id"]
                message["headers"] = [*headers, rid_header]
            await send(message)

        token = request_id_var.set(rid)
        otel_token = otel_context.attach(propagate.extract(carrier)) if carrier else None
        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            if otel_token is not None:
                otel_context.detach(otel_token)
            request_id_var.reset(token)
            self.metrics.observe(scope, status, time.perf_counter() - started)


_FROZEN = False


def _freeze_startup_objects() -> None:
    """Once per process, after start-up: move what start-up built (modules, routes, models,
    SQLAlchemy metadata) out of the garbage collector's sight. A full collection otherwise
    walks all of it, and under load those pauses were the read's p99 (gc.freeze, Python docs)."""
    global _FROZEN
    if not _FROZEN:
        _FROZEN = True
        gc.collect()
        gc.freeze()


def _lifespan(spec: ServiceSpec) -> Callable[[FastAPI], contextlib.AbstractAsyncContextManager[None]]:
    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        settings: Settings = app.state.settings
        stop = asyncio.Event()
        tasks: list[asyncio.Task[None]] = []
        app.state.stop = stop
        app.state.relay = app.state.consumer = None
        app.state.task_health = {}

        def start_supervised(name: str, start: Callable[[], Awaitable[None]]) -> None:
            health = app.state.task_health[name] = TaskHealth(name)
            tasks.append(asyncio.create_task(supervise(health, start, stop), name=f"{spec.name}-{name}"))

        if spec.database:
            engine = create_engine(settings)
            app.state.engine = engine
        resources = contextlib.AsyncExitStack()
        for resource in spec.resources:
            await resources.enter_async_context(resource(app))
        if spec.database and spec.messaging:
            app.state.uow_factory = UnitOfWorkFactory(
                engine,
                create_sessionmaker(engine, fast=not recording_spans()),
                schema=settings.schema,
                producer=spec.name,
                clock=app.state.clock,
            )
            app.state.relay = OutboxRelay(engine, settings)
            app.state.consumer = ConsumerRunner(settings, app.state.uow_factory, spec.topic_handlers)
            if settings.run_background:
                relay, consumer = app.state.relay, app.state.consumer
                start_supervised("relay", lambda: relay.run(stop))
                if consumer.handlers:
                    start_supervised("consumer", lambda: consumer.run(stop))
        if settings.run_background:
            for job in spec.background_jobs:
                start_supervised(job.__name__, functools.partial(job, app, stop))
        _freeze_startup_objects()
        try:
            yield
        finally:
            stop.set()
            for task in tasks:
                try:
                    await asyncio.wait_for(task, timeout=15)
                except (TimeoutError, asyncio.CancelledError):
                    task.cancel()
                except Exception:
                    log.exception("background task %s ended with an error", task.get_name())
            if getattr(app.state, "dlq_monitor", None) is not None:
                await app.state.dlq_monitor.close()
            await resources.aclose()
            if spec.database:
                await dispose_engine(app.state.engine)

    return lifespan


_KAFKA_CHECK: dict[str, tuple[float, bool]] = {}


def kafka_reachable(bootstrap: str, ttl: float = 5.0) -> bool:
    """A TCP connect to the first bootstrap server, cached a few seconds."""
    cached = _KAFKA_CHECK.get(bootstrap)
    if cached and time.monotonic() - cached[0] < ttl:
        return cached[1]
    host, _, port = bootstrap.split(",")[0].rpartition(":")
    try:
        with socket.create_connection((host, int(port)), timeout=1):
            ok = True
    except OSError:
        ok = False
    _KAFKA_CHECK[bootstrap] = (time.monotonic(), ok)
    return ok


async def readiness(app: FastAPI) -> tuple[bool, dict[str, Any]]:
    settings: Settings = app.state.settings
    report: dict[str, Any] = {"service": app.state.spec.name}
    ok = True
    problems: list[str] = []
    if app.state.spec.database:
        try:
            async with app.state.engine.connect() as conn:
                await asyncio.wait_for(conn.execute(sa.text("SELECT 1")), timeout=2)
            report["database"] = "ok"
            if app.state.spec.messaging:
                state = await asyncio.wait_for(app.state.relay.state(), timeout=2)
                app.state.outbox_backlog = state.backlog
                app.state.outbox_oldest_age = state.oldest_age_seconds
                report["outbox_backlog"] = state.backlog
                report["outbox_oldest_age_seconds"] = round(state.oldest_age_seconds, 1)
                if state.oldest_age_seconds > settings.outbox_max_age_seconds:
                    problems.append(
                        f"outbox: an unpublished event is older than {settings.outbox_max_age_seconds:g} s"
                    )
        except Exception as exc:
            problems.append("database unavailable")
            report["database"] = f"unavailable: {type(exc).__name__}"
    kafka_ok = await asyncio.to_thread(kafka_reachable, settings.kafka_bootstrap)
    report["kafka"] = "ok" if kafka_ok else "unavailable"
    if not kafka_ok:
        problems.append("kafka unavailable")
    relay = getattr(app.state, "relay", None)
    task_health: dict[str, TaskHealth] = getattr(app.state, "task_health", {})
    if relay is not None and "relay" in task_health:
        report["relay"] = {
            "running": relay.running,
            "listening": relay.listening,
            "published": relay.published,
            "last_error": relay.last_error,
        }
    if task_health:
        report["tasks"] = {
            name: {"running": h.running, "restarts": h.restarts, "last_error": h.last_error}
            for name, h in task_health.items()
        }
        problems += [
            f"background task {name} not running" for name, h in task_health.items() if not h.running
        ]
    consumer = getattr(app.state, "consumer", None)
    if consumer is not None and consumer.handlers:
        s = consumer.stats
        report["consumer"] = {
            "group": consumer.group,
            "processed": s.processed,
            "duplicates": s.duplicates,
            "dead_lettered": s.dead_lettered,
            "transient_failures": s.transient_failures,
            "retrying_since": s.retrying_since,
            "lag": s.lag,
            "last_error": s.last_error,
        }
        if s.retrying_since is not None:
            problems.append("consumer retrying a transient failure")
            report["consumer"]["retrying_for_seconds"] = round(time.time() - s.retrying_since, 1)
    ok = not problems
    dead_letters = await _dead_letters(app, kafka_ok)
    if dead_letters is not None:
        report["dead_letters"] = dead_letters
    # Un-handled dead letters degrade the report, not readiness: the service still serves.
    report["status"] = "ok" if ok and not (dead_letters or {}).get("unhandled") else "degraded"
    if problems:
        report["problems"] = problems
    return ok, report


async def _dead_letters(app: FastAPI, kafka_ok: bool) -> dict[str, Any] | None:
    """The service's un-handled DLQ copies, read from Kafka (shared.events.dlq)."""
    from shared.events.dlq import dead_letter_report

    if not kafka_ok:
        monitor = getattr(app.state, "dlq_monitor", None)
        return monitor.report() if monitor is not None else None
    return await dead_letter_report(app)


def _install_probes(app: FastAPI, spec: ServiceSpec) -> None:
    probes = APIRouter(tags=["health"])

    @probes.get(
        "/health",
        openapi_extra={"x-public": True},
        summary="Liveness",
        description="200 while the process answers; says nothing about its database or Kafka (see ready).",
    )
    async def health() -> dict[str, str]:
        return {"status": "ok", "service": spec.name}

    @probes.get(
        "/ready",
        openapi_extra={"x-public": True},
        summary="Readiness: database and Kafka",
        description="200 when the service reaches its database and Kafka, its background tasks run, no "
        "outbox event waits longer than ECO_OUTBOX_MAX_AGE_SECONDS and its consumer is not retrying a "
        "transient failure; 503 `degraded` otherwise. The body lists the `problems`, the outbox backlog "
        "and the age of its oldest event, the relay's and tasks' state and the consumer's progress.",
        responses={503: {"description": "not ready: the report says what is missing"}},
    )
    async def ready() -> JSONResponse:
        ok, report = await readiness(app)
        return JSONResponse(report, status_code=200 if ok else 503)

    app.include_router(probes, include_in_schema=False)
    app.include_router(probes, prefix=spec.prefix)

    @app.get("/metrics", include_in_schema=False)
    async def metrics() -> Response:
        if spec.database and spec.messaging:
            try:
                state = await asyncio.wait_for(app.state.relay.state(), timeout=2)
                app.state.outbox_backlog = state.backlog
                app.state.outbox_oldest_age = state.oldest_age_seconds
            except Exception:
                log.warning("outbox backlog unavailable for metrics")
            await _dead_letters(
                app, await asyncio.to_thread(kafka_reachable, app.state.settings.kafka_bootstrap)
            )
        return Response(render(app.state.metrics_registry), media_type="text/plain; version=0.0.4")
