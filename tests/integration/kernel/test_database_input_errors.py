"""Input the database cannot store is the caller's error (400 problem+json), never a 500."""

from __future__ import annotations

import sqlalchemy as sa
from fastapi import APIRouter

from shared.app import ServiceSpec, create_app
from shared.deps import ReadConnDep
from shared.testing import running_app

routes = APIRouter()


@routes.get("/echo", openapi_extra={"x-public": True})
async def echo(text: str, conn: ReadConnDep) -> dict:
    return {"text": await conn.scalar(sa.select(sa.cast(sa.literal(text), sa.Text)))}


async def test_nul_character_is_a_400_problem_without_sql(kernel_settings):
    app = create_app(
        ServiceSpec(name="kernel_test", title="echo", public_routers=[routes]),
        settings=kernel_settings.model_copy(update={"run_background": False}),
    )
    async with running_app(app) as client:
        assert (await client.get("/api/v1/kernel_test/echo", params={"text": "café"})).json() == {
            "text": "café"
        }
        response = await client.get("/api/v1/kernel_test/echo", params={"text": "a\x00b"})
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["sqlstate"].startswith("22")
    assert "SELECT" not in response.text and "CAST" not in response.text
