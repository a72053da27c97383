"""The gateway app behind nginx: merged OpenAPI + docs page, and aggregated health."""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import Any

import httpx
from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse

from services.gateway.openapi_merge import merge_openapi
from shared.errors import install_error_handlers
from shared.logging import configure_logging
from shared.settings import SERVICES, Settings, get_settings
from shared.telemetry import instrument_fastapi, setup_tracing

OPENAPI_TTL_SECONDS = 30.0


def create_gateway_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    configure_logging("gateway")
    setup_tracing("gateway")

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI):
        async with httpx.AsyncClient(timeout=httpx.Timeout(3.0, connect=1.0)) as client:
            app.state.http = client
            yield

    app = FastAPI(
        title="Ecoeficiencia Platform gateway",
        lifespan=lifespan,
        docs_url=None,
        openapi_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.openapi_cache = (0.0, None)
    install_error_handlers(app)

    async def fetch(name: str, path: str) -> tuple[int, Any]:
        try:
            response = await app.state.http.get(settings.service_url(name) + path)
            return response.status_code, response.json()
        except (httpx.HTTPError, ValueError) as exc:
            return 503, {"status": "unavailable", "error": type(exc).__name__}

    @app.get("/openapi.json", include_in_schema=False)
    async def openapi() -> JSONResponse:
        cached_at, cached = app.state.openapi_cache
        if cached is not None and time.monotonic() - cached_at < OPENAPI_TTL_SECONDS:
            return JSONResponse(cached)
        results = await asyncio.gather(*(fetch(name, "/openapi.json") for name in SERVICES))
        documents = {
            name: doc for name, (status, doc) in zip(SERVICES, results, strict=True) if status == 200
        }
        merged = merge_openapi(documents, title="Ecoeficiencia Platform API", version="1")
        missing = [name for name in SERVICES if name not in documents]
        if missing:
            merged["info"]["x-unavailable-services"] = missing
        else:
            app.state.openapi_cache = (time.monotonic(), merged)
        return JSONResponse(merged)

    @app.get("/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        return get_swagger_ui_html(openapi_url="/openapi.json", title="Ecoeficiencia Platform API")

    @app.get("/health", include_in_schema=False)
    async def health(request: Request) -> JSONResponse:
        results = await asyncio.gather(*(fetch(name, "/ready") for name in SERVICES))
        services = {name: body for name, (_status, body) in zip(SERVICES, results, strict=True)}
        healthy = all(status == 200 for status, _ in results)
        body = {"status": "ok" if healthy else "degraded", "gateway": "ok", "services": services}
        return JSONResponse(body, status_code=200 if healthy else 503)

    instrument_fastapi(app)
    return app


app = create_gateway_app()
