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

    trace_ids = ["4bf92f3577b34da6a3ce929d0e0e4736", "0af7651916cd43dd8448eb211c80319c"]
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
        for trace_id in trace_ids:
            headers = {"traceparent": f"00-{trace_id}-00f067aa0ba902b7-01"}
            carrier = (await client.get("/carrier", headers=headers)).json()
            assert carrier["traceparent"].split("-")[1] == trace_id
        # No context leaks from one request (or from an earlier test) into the next.
        assert "traceparent" not in (await client.get("/carrier")).json()
