"""One trace from the HTTP request to the consuming service's database work.

The request arrives with a W3C ``traceparent`` (as nginx forwards it); the producing
app's route writes a row and an outbox event; its relay publishes to Kafka with the
context in the message headers; the consuming app's runner continues the trace and
its handler's SQL joins it. Spans are caught with an in-memory exporter.
"""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa
from fastapi import APIRouter
from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.test.globals_test import reset_trace_globals
from opentelemetry.trace import SpanKind

from shared.app import ServiceSpec, create_app
from shared.deps import UowDep
from shared.telemetry import setup_tracing
from tests.integration.kernel.conftest import PROBE_TOPIC, WIDGETS, ProbeCreated
from tests.support.testing import eventually, running_app

producer_routes = APIRouter()


@producer_routes.post("/widgets/{widget_id}", status_code=201, openapi_extra={"x-public": True})
async def create_widget(widget_id: str, uow: UowDep) -> dict:
    async with uow:
        await uow.session.execute(sa.insert(WIDGETS).values(id=widget_id))
        uow.publish(ProbeCreated(widget_id=widget_id))
        await uow.commit()
    return {"id": widget_id}


async def count_widget(uow, event, envelope) -> None:
    async with uow:
        await uow.session.execute(
            sa.update(WIDGETS).where(WIDGETS.c.id == event["widget_id"]).values(effects=WIDGETS.c.effects + 1)
        )
        await uow.commit()


@pytest.fixture(scope="module")
def exporter():
    """A recording tracer provider for this module only.

    The provider and the SQLAlchemy instrumentation are process-wide: left in place they
    would make every later test record spans (and FastAPI's own telemetry open spans in
    any app), so a test's outcome would depend on whether it ran before or after this one.
    """
    exporter = InMemorySpanExporter()
    provider = setup_tracing("kernel_test", record=True)
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    yield exporter
    provider.shutdown()
    SQLAlchemyInstrumentor().uninstrument()
    reset_trace_globals()


async def test_request_outbox_kafka_and_consumer_form_one_trace(exporter, kernel_settings, kernel_engine):
    producer = create_app(
        ServiceSpec(name="kernel_test", title="producer", public_routers=[producer_routes]),
        settings=kernel_settings,
    )
    consumer = create_app(
        ServiceSpec(name="kernel_test", title="consumer", topic_handlers={PROBE_TOPIC: count_widget}),
        settings=kernel_settings,
    )
    trace_id = uuid.uuid4().hex
    widget_id = f"traced-{uuid.uuid4().hex}"
    async with running_app(consumer), running_app(producer) as client:
        response = await client.post(
            f"/api/v1/kernel_test/widgets/{widget_id}",
            headers={"traceparent": f"00-{trace_id}-{uuid.uuid4().hex[:16]}-01"},
        )
        assert response.status_code == 201

        async def handled() -> bool:
            async with kernel_engine.connect() as conn:
                effects = await conn.scalar(sa.select(WIDGETS.c.effects).where(WIDGETS.c.id == widget_id))
            return effects == 1

        await eventually(handled, timeout=60, message="the consuming app handled the event")

        def consumer_span_done():
            return [
                s
                for s in exporter.get_finished_spans()
                if s.kind == SpanKind.CONSUMER and format(s.context.trace_id, "032x") == trace_id
            ]

        [consume] = await eventually(consumer_span_done, message="consumer span exported")

    spans = [s for s in exporter.get_finished_spans() if format(s.context.trace_id, "032x") == trace_id]
    by_id = {s.context.span_id: s for s in spans}
    server = [s for s in spans if s.kind == SpanKind.SERVER]
    [publish] = [s for s in spans if s.kind == SpanKind.PRODUCER]
    assert server, "the HTTP request's span is in the trace"
    assert publish.name == f"publish {PROBE_TOPIC}"
    assert consume.parent.span_id == publish.context.span_id, "Kafka headers carried the context"
    assert publish.parent.span_id in by_id, "the relay continued the request's context from the outbox row"
    sql = [s.attributes.get("db.statement", "") for s in spans if s.attributes.get("db.system")]
    assert any(q.startswith("INSERT INTO kernel_test.widgets") for q in sql), "producer DB work in the trace"
    assert any(q.startswith("INSERT INTO kernel_test.outbox") for q in sql), "outbox write in the trace"
    assert any(q.startswith("UPDATE kernel_test.widgets") for q in sql), "consumer DB work in the trace"
