"""The gateway app: what nginx consults (``/_auth``) and routes to, built by ``create_app``.

It checks credentials for nginx, manages partner API keys, issues dev tokens (dev/test only),
and serves the merged OpenAPI, the docs page and the aggregated health. Its own admin routes sit
behind nginx's ``auth_request`` like every service's, and verify the signed identity the same way.
uvicorn runs it with ``--factory``: ``uvicorn --factory services.gateway.main:create_app``.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import AsyncIterator

import httpx
from fastapi import FastAPI

import shared.app
from services.gateway.api import api_keys, auth, dev_tokens, documents, events, platform
from services.gateway.api.openapi_text import OPERATION_DOCS, SCHEMA_EXAMPLES, TAGS
from services.gateway.documents import Documents
from services.gateway.domain.throttle import FailureThrottle
from services.gateway.metrics import AuthMetrics
from services.gateway.signing_keys import token_verifier
from shared.app import ServiceSpec
from shared.clock import Clock
from shared.settings import Settings, get_settings


@contextlib.asynccontextmanager
async def _clients(app: FastAPI) -> AsyncIterator[None]:
    """The token verifier and the HTTP client that reads every service's OpenAPI and /ready."""
    app.state.verifier = token_verifier(app.state.settings)
    async with httpx.AsyncClient(timeout=httpx.Timeout(3.0, connect=1.0)) as client:
        app.state.http = client
        app.state.documents.refresh_soon(app)  # which operations are public, for /_auth
        yield


SPEC = ServiceSpec(
    name="gateway",
    title="Gateway: partner API keys and dev tokens",
    routers=[api_keys.router],
    public_routers=[events.router],
    root_routers=[auth.router, platform.router, documents.router],
    resources=[_clients],
    tags=TAGS,
    # An engine for the API keys; no outbox: the gateway publishes and consumes nothing.
    messaging=False,
    # Its /health aggregates every service's /ready; its /openapi.json and /docs are the merged ones.
    probes=False,
    docs=False,
    operation_docs=OPERATION_DOCS,
    schema_examples=SCHEMA_EXAMPLES,
)


def create_app(settings: Settings | None = None, *, clock: Clock | None = None) -> FastAPI:
    settings = settings or get_settings()
    if settings.service != SPEC.name:
        settings = settings.for_service(SPEC.name)
    spec = SPEC
    if settings.is_dev and settings.jwt_hs256_secret:  # the local token issuer: dev/test only
        spec = dataclasses.replace(SPEC, public_routers=[*SPEC.public_routers, dev_tokens.router])
    app = shared.app.create_app(spec, settings=settings, clock=clock)
    app.state.documents = Documents()
    app.state.failures = FailureThrottle(
        per_minute=settings.auth_failures_per_minute, burst=settings.auth_failures_burst
    )
    app.state.auth_metrics = AuthMetrics(app.state.metrics_registry)
    auth.install_rejection_handler(app)
    return app
