"""Without span recording, the caller's trace context still reaches what the request writes."""

from __future__ import annotations

import httpx
from fastapi import FastAPI

from shared.telemetry import TraceContextMiddleware, current_trace_carrier


async def test_callers_traceparent_becomes_the_context_the_outbox_would_store():
    app = FastAPI()
    app.add_middleware(TraceContextMiddleware)

    @app.get("/carrier")
    async def carrier() -> dict:
        return current_trace_carrier()

    trace_id, span_id = "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7"
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
        traced = (await client.get("/carrier", headers={"traceparent": f"00-{trace_id}-{span_id}-01"})).json()
        untraced = (await client.get("/carrier")).json()
    assert traced["traceparent"].split("-")[1] == trace_id
    assert "traceparent" not in untraced
