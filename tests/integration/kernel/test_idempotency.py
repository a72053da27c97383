"""Idempotency-Key: a retried create returns the first response and creates nothing twice."""

from __future__ import annotations

import asyncio
import uuid

import sqlalchemy as sa
from fastapi import APIRouter, Request
from pydantic import BaseModel

from shared.app import ServiceSpec, create_app
from shared.deps import UowDep
from shared.idempotency import idempotent
from tests.integration.kernel.conftest import WIDGETS
from tests.support.testing import running_app

routes = APIRouter()


class WidgetCreate(BaseModel):
    name: str


@routes.post("/widgets", status_code=201, openapi_extra={"x-public": True})
async def create_widget(body: WidgetCreate, request: Request, uow: UowDep):
    async def action() -> dict:
        widget_id = f"{body.name}-{uuid.uuid4().hex}"
        async with uow:
            await uow.session.execute(sa.insert(WIDGETS).values(id=widget_id))
            await uow.commit()
        return {"id": widget_id}

    return await idempotent(request, uow, action)


async def test_retries_with_one_key_create_once_and_replay_the_response(kernel_settings, kernel_engine):
    app = create_app(
        ServiceSpec(name="kernel_test", title="idempotency", public_routers=[routes]),
        settings=kernel_settings.model_copy(update={"run_background": False}),
    )
    name = f"idem-{uuid.uuid4().hex[:8]}"
    key = {"Idempotency-Key": uuid.uuid4().hex}
    async with running_app(app) as client:
        responses = await asyncio.gather(
            *(client.post("/api/v1/kernel_test/widgets", json={"name": name}, headers=key) for _ in range(5))
        )
        assert {r.status_code for r in responses} == {201}
        assert len({r.json()["id"] for r in responses}) == 1, "every retry sees the first response"
        assert sum(r.headers.get("Idempotent-Replayed") == "true" for r in responses) == 4

        other = await client.post("/api/v1/kernel_test/widgets", json={"name": name + "x"}, headers=key)
        assert other.status_code == 422
        assert other.json()["type"].endswith("/idempotency-conflict")

        fresh = await client.post("/api/v1/kernel_test/widgets", json={"name": name})
        assert fresh.status_code == 201 and fresh.headers.get("Idempotent-Replayed") is None

    async with kernel_engine.connect() as conn:
        created = await conn.scalar(sa.select(sa.func.count()).where(WIDGETS.c.id.like(f"{name}-%")))
    assert created == 2, "one for the five retries, one without a key"
