"""The merged OpenAPI, kept by the gateway app: served at ``/openapi.json`` and read by ``/_auth``.

Every service's document is fetched at most every ``OPENAPI_TTL_SECONDS``; a service that does
not answer keeps the last document it gave (it may be restarting), and is *missing* until it
has given one. ``/_auth`` derives from the merged document which operations are public.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx
from fastapi import FastAPI

from services.gateway.domain.public_operations import PublicOperations
from services.gateway.openapi_merge import merge_openapi
from shared.settings import SERVICES, Settings

OPENAPI_TTL_SECONDS = 30.0
# A service builds its document on the first request (about a second, much more on a loaded
# machine); readiness checks keep the client's short timeout.
DOCUMENT_TIMEOUT_SECONDS = 15.0


class Documents:
    def __init__(self) -> None:
        self.fetched_at = float("-inf")
        self.by_service: dict[str, dict[str, Any]] = {}
        self.merged: dict[str, Any] | None = None
        self.public = PublicOperations()
        self._lock = asyncio.Lock()
        self._task: asyncio.Task | None = None

    def stale(self) -> bool:
        return self.merged is None or time.monotonic() - self.fetched_at >= OPENAPI_TTL_SECONDS

    def refresh_soon(self, app: FastAPI) -> None:
        """Refresh in the background when stale: ``/_auth`` never waits on the services (until
        the first document arrives, anonymous requests are left to the services to refuse)."""
        if self.stale() and (self._task is None or self._task.done()):
            self._task = asyncio.get_running_loop().create_task(self.refresh(app))

    async def _fetch(self, app: FastAPI, name: str) -> dict[str, Any] | None:
        settings: Settings = app.state.settings
        try:
            response = await app.state.http.get(
                settings.service_url(name) + "/openapi.json", timeout=DOCUMENT_TIMEOUT_SECONDS
            )
            return response.json() if response.status_code == 200 else None
        except (httpx.HTTPError, ValueError):
            return None

    async def refresh(self, app: FastAPI, *, force: bool = False) -> None:
        if not force and not self.stale():
            return
        async with self._lock:
            if not force and not self.stale():
                return
            results = await asyncio.gather(*(self._fetch(app, name) for name in SERVICES))
            for name, doc in zip(SERVICES, results, strict=True):
                if doc is not None:
                    self.by_service[name] = doc
            documents = {"gateway": app.openapi()} | {
                name: self.by_service[name] for name in SERVICES if name in self.by_service
            }
            merged = merge_openapi(documents, title="Ecoeficiencia Platform API", version="1")
            missing = [name for name in SERVICES if name not in self.by_service]
            if missing:
                merged["info"]["x-unavailable-services"] = missing
            self.merged = merged
            self.public = PublicOperations.from_openapi(merged, set(documents))
            # Retry soon while a service is missing; otherwise keep the document a while.
            self.fetched_at = time.monotonic() - (OPENAPI_TTL_SECONDS - 1.0 if missing else 0.0)
