"""What nginx cannot do alone: one merged OpenAPI and its docs page, an aggregated health.

``/metrics`` answers on the app's own port only: nginx has no route to it.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import re
import time
from typing import Any

import httpx
from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse, Response

from services.gateway.openapi_merge import merge_openapi
from shared.metrics import render
from shared.settings import SERVICES, Settings

OPENAPI_TTL_SECONDS = 30.0
DOCS_PAGE = get_swagger_ui_html(openapi_url="/openapi.json", title="Ecoeficiencia Platform API")


def _docs_policy(page: bytes) -> str:
    """A CSP admitting exactly the Swagger UI page we serve: its CDN, and its one inline
    script by hash (no 'unsafe-inline' for scripts). nginx leaves /docs' CSP to us."""
    inline = re.findall(rb"<script>(.*?)</script>", page, re.DOTALL)
    hashes = " ".join(f"'sha256-{base64.b64encode(hashlib.sha256(s).digest()).decode()}'" for s in inline)
    return (
        f"default-src 'none'; script-src https://cdn.jsdelivr.net {hashes}; "
        "style-src https://cdn.jsdelivr.net 'unsafe-inline'; img-src 'self' data: https://fastapi.tiangolo.com; "
        "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
    )


DOCS_POLICY = _docs_policy(DOCS_PAGE.body)

router = APIRouter(include_in_schema=False)


async def _fetch(request: Request, name: str, path: str) -> tuple[int, Any]:
    settings: Settings = request.app.state.settings
    try:
        response = await request.app.state.http.get(settings.service_url(name) + path)
        return response.status_code, response.json()
    except (httpx.HTTPError, ValueError) as exc:
        return 503, {"status": "unavailable", "error": type(exc).__name__}


@router.get("/openapi.json")
async def openapi(request: Request) -> JSONResponse:
    app = request.app
    cached_at, cached = app.state.openapi_cache
    if cached is not None and time.monotonic() - cached_at < OPENAPI_TTL_SECONDS:
        return JSONResponse(cached)
    results = await asyncio.gather(*(_fetch(request, name, "/openapi.json") for name in SERVICES))
    documents = {"gateway": app.openapi()} | {
        name: doc for name, (status, doc) in zip(SERVICES, results, strict=True) if status == 200
    }
    merged = merge_openapi(documents, title="Ecoeficiencia Platform API", version="1")
    missing = [name for name in SERVICES if name not in documents]
    if missing:
        merged["info"]["x-unavailable-services"] = missing
    else:
        app.state.openapi_cache = (time.monotonic(), merged)
    return JSONResponse(merged)


@router.get("/docs")
async def docs() -> HTMLResponse:
    return HTMLResponse(DOCS_PAGE.body, headers={"Content-Security-Policy": DOCS_POLICY})


@router.get("/health")
async def health(request: Request) -> JSONResponse:
    results = await asyncio.gather(*(_fetch(request, name, "/ready") for name in SERVICES))
    services = {name: body for name, (_status, body) in zip(SERVICES, results, strict=True)}
    healthy = all(status == 200 for status, _ in results)
    body = {"status": "ok" if healthy else "degraded", "gateway": "ok", "services": services}
    return JSONResponse(body, status_code=200 if healthy else 503)


@router.get("/metrics")
async def metrics(request: Request) -> Response:
    return Response(render(request.app.state.metrics_registry), media_type="text/plain; version=0.0.4")
