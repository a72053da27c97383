"""What nginx cannot do alone: one merged OpenAPI and its docs page, an aggregated health.

``/metrics`` answers on the app's own port only: nginx has no route to it.
"""

from __future__ import annotations

import asyncio
import importlib.util
from pathlib import Path
from typing import Any

import httpx
from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response

from shared.errors import NotFound
from shared.metrics import render
from shared.settings import SERVICES, Settings

# Swagger UI 5 (OpenAPI 3.1) as the swagger-ui-py package ships it: served from here, so the docs
# render on a machine without internet, and the page's policy admits nothing but this origin.
_SWAGGER_UI = importlib.util.find_spec("swagger_ui")
if _SWAGGER_UI is None or not _SWAGGER_UI.submodule_search_locations:
    raise ImportError("swagger-ui-py is not installed: the docs page has nothing to serve")
SWAGGER_UI_DIR = Path(_SWAGGER_UI.submodule_search_locations[0]) / "static"
DOCS_ASSETS = "/docs/assets"
DOCS_PAGE = f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Ecoeficiencia Platform API</title>
<link rel="stylesheet" href="{DOCS_ASSETS}/swagger-ui.css">
<link rel="icon" type="image/png" href="{DOCS_ASSETS}/favicon-32x32.png">
</head>
<body>
<div id="swagger-ui"></div>
<script src="{DOCS_ASSETS}/swagger-ui-bundle.js"></script>
<script src="/docs/init.js"></script>
</body>
</html>
"""
# No inline script: the initialiser is a file of its own, so script-src is 'self' and nothing else.
DOCS_INIT = """window.ui = SwaggerUIBundle({
  url: "/openapi.json",
  dom_id: "#swagger-ui",
  deepLinking: true,
  displayOperationId: true,
  filter: true,
  showExtensions: true,
  tryItOutEnabled: false,
  presets: [SwaggerUIBundle.presets.apis],
  layout: "BaseLayout",
});
"""
# Swagger UI's icons are data: URIs in its stylesheet; React sets styles through the DOM, which a
# policy does not restrict. Nothing may load from another origin.
DOCS_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)
_DOCS_ASSET_TYPES = {".js": "text/javascript", ".css": "text/css", ".png": "image/png"}
DOCS_ASSET_FILES = {path.name: path for path in SWAGGER_UI_DIR.iterdir() if path.suffix in _DOCS_ASSET_TYPES}

router = APIRouter(include_in_schema=False)


async def _fetch(request: Request, name: str, path: str, *, timeout: float | None = None) -> tuple[int, Any]:
    settings: Settings = request.app.state.settings
    try:
        extra = {"timeout": timeout} if timeout is not None else {}
        response = await request.app.state.http.get(settings.service_url(name) + path, **extra)
        return response.status_code, response.json()
    except (httpx.HTTPError, ValueError) as exc:
        return 503, {"status": "unavailable", "error": type(exc).__name__}


@router.get("/openapi.json")
async def openapi(request: Request) -> JSONResponse:
    documents = request.app.state.documents
    await documents.refresh(request.app)
    return JSONResponse(documents.merged)


@router.get("/docs")
async def docs() -> HTMLResponse:
    return HTMLResponse(DOCS_PAGE, headers={"Content-Security-Policy": DOCS_POLICY})


@router.get("/docs/init.js")
async def docs_init() -> Response:
    return Response(
        DOCS_INIT,
        media_type="text/javascript",
        headers={"Content-Security-Policy": DOCS_POLICY, "Cache-Control": "no-cache"},
    )


@router.get(DOCS_ASSETS + "/{name}")
async def docs_asset(name: str) -> FileResponse:
    path = DOCS_ASSET_FILES.get(name)
    if path is None:
        raise NotFound("docs asset", name)
    return FileResponse(
        path,
        media_type=_DOCS_ASSET_TYPES[path.suffix],
        headers={"Content-Security-Policy": DOCS_POLICY, "Cache-Control": "public, max-age=86400"},
    )


@router.get("/health")
async def health(request: Request) -> JSONResponse:
    results = await asyncio.gather(*(_fetch(request, name, "/ready") for name in SERVICES))
    status_code, body = aggregate_health(dict(zip(SERVICES, results, strict=True)))
    return JSONResponse(body, status_code=status_code)


def aggregate_health(results: dict[str, tuple[int, Any]]) -> tuple[int, dict[str, Any]]:
    """503 when a service is not ready; "degraded" also when a ready service reports a
    degradation of its own (e.g. un-handled dead letters), which is no reason for a 503."""
    services = {name: body for name, (_status, body) in results.items()}
    healthy = all(status == 200 for status, _ in results.values())
    clean = healthy and all(isinstance(b, dict) and b.get("status", "ok") == "ok" for b in services.values())
    body = {"status": "ok" if clean else "degraded", "gateway": "ok", "services": services}
    return (200 if healthy else 503), body


@router.get("/metrics")
async def metrics(request: Request) -> Response:
    return Response(render(request.app.state.metrics_registry), media_type="text/plain; version=0.0.4")
