"""Input the database cannot store is the caller's error (400 problem+json), never a 500.

A NUL character never gets this far (shared.schemas refuses it as a 422 naming the field:
tests/unit/kernel/test_input_guards.py); what the kernel cannot see in advance, such as a
number out of its column's range, comes back from Postgres as SQLSTATE class 22 and is a 400
that names no SQL.
"""

from __future__ import annotations

import sqlalchemy as sa
from fastapi import APIRouter

from shared.app import ServiceSpec, create_app
from shared.deps import ReadConnDep
from tests.support.testing import running_app

routes = APIRouter()


@routes.get("/echo", openapi_extra={"x-public": True})
async def echo(number: str, conn: ReadConnDep) -> dict:
    return {"number": await conn.scalar(sa.select(sa.cast(sa.literal(number), sa.Integer)))}


async def test_a_value_the_database_cannot_store_is_a_400_problem_without_sql(kernel_settings):
    app = create_app(
        ServiceSpec(name="kernel_test", title="echo", public_routers=[routes]),
        settings=kernel_settings.model_copy(update={"run_background": False}),
    )
    async with running_app(app) as client:
        assert (await client.get("/api/v1/kernel_test/echo", params={"number": "42"})).json() == {
            "number": 42
        }
        response = await client.get("/api/v1/kernel_test/echo", params={"number": "99999999999"})
        nul = await client.get("/api/v1/kernel_test/echo", params={"number": "4\x002"})
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["sqlstate"].startswith("22")
    assert "SELECT" not in response.text and "CAST" not in response.text
    assert nul.status_code == 422 and nul.json()["errors"][0]["field"] == "number"
