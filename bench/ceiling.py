"""The ceiling: a bare FastAPI + asyncpg app doing the same SQL as the services' hot paths.

Run beside the real service by the benches (``uvicorn bench.ceiling:create_app --factory``,
same venv, one worker, uvloop + httptools as the services run). No middleware, no auth, no
SQLAlchemy: what this stack can do on this machine for the same rows. Environment:

- ``CEILING_DSN``: the database (as the service's own role).
- ``CEILING_SQL``: optional JSON ``{name: [sql, [params...]]}``: statements captured from the
  real service (``bench/catalog_search.py``), served at ``GET /sql/{name}``.
"""

from __future__ import annotations

import contextlib
import json
import os
import uuid
from datetime import UTC, date, datetime
from typing import Any

import asyncpg
from fastapi import FastAPI, HTTPException, Request

COMPANY_BY_RUC = "SELECT * FROM enrollment.companies WHERE ruc = $1"
VERIFICATION = (
    "SELECT status, holder_name, issued_on, expires_on, suspended_at, withdrawn_at, expired_on, body_name,"
    " standard_version, mark_status, mark_valid_until FROM catalog.certificates"
    " WHERE certificate_number = $1 AND status IS NOT NULL"
)


def _value(param: Any) -> Any:
    """Parameters travel as JSON; dates as ``{"date": "2026-11-29"}``."""
    if isinstance(param, dict) and "date" in param:
        return date.fromisoformat(param["date"])
    return param


def create_app() -> FastAPI:
    dsn = os.environ["CEILING_DSN"]
    statements: dict[str, tuple[str, list[Any]]] = {
        name: (sql, [_value(p) for p in params])
        for name, (sql, params) in json.loads(os.environ.get("CEILING_SQL") or "{}").items()
    }
    state: dict[str, Any] = {}

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI):
        state["pool"] = await asyncpg.create_pool(dsn, min_size=2, max_size=10)
        yield
        await state["pool"].close()

    app = FastAPI(lifespan=lifespan)

    @app.get("/health")
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/const")
    async def const() -> dict[str, str]:
        return {"status": "ok", "service": "ceiling"}

    @app.get("/enrollment/companies/{ruc}")
    async def company(ruc: str) -> dict[str, Any]:
        row = await state["pool"].fetchrow(COMPANY_BY_RUC, ruc)
        if row is None:
            raise HTTPException(404)
        return dict(row)

    @app.post("/enrollment/companies", status_code=201)
    async def register(request: Request) -> dict[str, Any]:
        """The same INSERTs as registering a company: the row and its outbox event, one transaction."""
        body = await request.json()
        template = state.get("template")
        async with state["pool"].acquire() as conn:
            if template is None:
                found = await conn.fetchrow("SELECT * FROM enrollment.companies LIMIT 1")
                template = state["template"] = dict(found)
            values = template | {
                "id": uuid.uuid4(),
                "ruc": body["ruc"],
                "legal_name": body["legal_name"],
                "created_at": datetime.now(UTC),
                "updated_at": datetime.now(UTC),
            }
            columns = list(values)
            insert = (
                f"INSERT INTO enrollment.companies ({', '.join(columns)})"
                f" VALUES ({', '.join(f'${i}' for i in range(1, len(columns) + 1))}) RETURNING *"
            )
            event_id = uuid.uuid4()
            async with conn.transaction():
                row = await conn.fetchrow(insert, *values.values())
                out = dict(row)
                envelope = {"event_id": str(event_id), "type": "enrollment.company.registered", "data": body}
                await conn.execute(
                    # published_at set: the running relay leaves the ceiling's rows alone.
                    "INSERT INTO enrollment.outbox (event_id, topic, key, envelope, published_at)"
                    " VALUES ($1, $2, $3, $4, now())",
                    event_id,
                    "bench.ceiling",
                    body["ruc"],
                    json.dumps(envelope),
                )
        return out

    @app.get("/catalog/certificates/{number}/verification")
    async def verification(number: str) -> dict[str, Any]:
        row = await state["pool"].fetchrow(VERIFICATION, number)
        if row is None:
            raise HTTPException(404)
        return dict(row)

    @app.get("/sql/{name}")
    async def captured(name: str) -> list[dict[str, Any]]:
        sql, params = statements[name]
        return [dict(r) for r in await state["pool"].fetch(sql, *params)]

    return app
