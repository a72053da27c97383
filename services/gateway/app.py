"""``create_gateway_app``: the FastAPI app nginx consults and routes to.

It checks credentials for nginx (``/_auth``), manages partner API keys, issues dev
tokens (dev/test only), and serves the merged OpenAPI, the docs page and the aggregated
health. Its own admin routes sit behind nginx's ``auth_request`` like every service's,
and verify the signed identity the same way.
"""

from __future__ import annotations

import contextlib

import httpx
from fastapi import FastAPI

from services.gateway.api import api_keys, auth, dev_tokens, documents, events, platform
from services.gateway.api.openapi_text import OPERATION_DOCS, SCHEMA_EXAMPLES, TAGS
from services.gateway.documents import Documents
from services.gateway.domain.throttle import FailureThrottle
from services.gateway.metrics import install_gateway_metrics
from services.gateway.signing_keys import token_verifier
from shared.app import RequestIdMiddleware
from shared.clock import Clock
from shared.db import create_engine
from shared.errors import install_error_handlers
from shared.logging import configure_logging
from shared.openapi import install_openapi
from shared.settings import Settings, get_settings
from shared.telemetry import instrument_fastapi, setup_tracing

NAME = "gateway"
PREFIX = "/api/v1/gateway"


@contextlib.asynccontextmanager
async def _lifespan(app: FastAPI):
    settings: Settings = app.state.settings
    app.state.verifier = token_verifier(settings)
    app.state.engine = create_engine(settings)
    try:
        async with httpx.AsyncClient(timeout=httpx.Timeout(3.0, connect=1.0)) as client:
            app.state.http = client
            app.state.documents.refresh_soon(app)  # which operations are public, for /_auth
            yield
    finally:
        await app.state.engine.dispose()


def create_gateway_app(settings: Settings | None = None, *, clock: Clock | None = None) -> FastAPI:
    settings = settings or get_settings()
    if settings.service != NAME:
        settings = settings.for_service(NAME)
    configure_logging(NAME)
    setup_tracing(NAME)

    app = FastAPI(
        title="Gateway: partner API keys and dev tokens",
        version="1.0.0",
        lifespan=_lifespan,
        docs_url=None,
        openapi_url=None,
        redoc_url=None,
        openapi_tags=TAGS,
        generate_unique_id_function=lambda route: f"{NAME}_{route.name}",
    )
    app.state.settings = settings
    app.state.clock = clock or Clock()
    app.state.documents = Documents()
    app.state.failures = FailureThrottle(
        per_minute=settings.auth_failures_per_minute, burst=settings.auth_failures_burst
    )
    install_error_handlers(app)
    auth.install_rejection_handler(app)
    install_openapi(app, operation_docs=OPERATION_DOCS, schema_examples=SCHEMA_EXAMPLES)
    app.add_middleware(RequestIdMiddleware)
    install_gateway_metrics(app)

    app.include_router(auth.router)
    app.include_router(api_keys.router, prefix=PREFIX)
    app.include_router(events.router, prefix=PREFIX)
    if settings.is_dev and settings.jwt_hs256_secret:
        app.include_router(dev_tokens.router, prefix=PREFIX)
    app.include_router(platform.router)
    app.include_router(documents.router)
    instrument_fastapi(app)
    return app
