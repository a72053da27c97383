"""Per-route request metrics, on an app without a database."""

from __future__ import annotations

import httpx
from fastapi import APIRouter

from shared.app import ServiceSpec, create_app
from shared.errors import NotFound
from shared.settings import Settings


async def test_requests_are_counted_by_route_template_and_status():
    public = APIRouter()

    @public.get("/things/{thing_id}", openapi_extra={"x-public": True})
    async def get_thing(thing_id: str) -> dict:
        if thing_id == "missing":
            raise NotFound("Thing", thing_id)
        return {"id": thing_id}

    spec = ServiceSpec(name="catalog", title="t", public_routers=[public], database=False)
    app = create_app(spec, settings=Settings(env="test", service="catalog", run_background=False))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
        assert (await client.get("/api/v1/catalog/things/a")).status_code == 200
        assert (await client.get("/api/v1/catalog/things/b")).status_code == 200
        assert (await client.get("/api/v1/catalog/things/missing")).status_code == 404
        text = (await client.get("/metrics")).text
    route = 'route="/api/v1/catalog/things/{thing_id}"'
    assert f'eco_http_requests_total{{method="GET",{route},service="catalog",status="200"}} 2.0' in text
    assert f'eco_http_requests_total{{method="GET",{route},service="catalog",status="404"}} 1.0' in text
    assert f'eco_http_request_duration_seconds_count{{method="GET",{route},service="catalog"}} 3.0' in text
