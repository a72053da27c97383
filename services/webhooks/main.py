"""The webhooks service's app: subscriptions, signed deliveries, the certificate status feed."""

from __future__ import annotations

import asyncio

from fastapi import FastAPI

import shared.app
from services.webhooks.api.openapi_text import OPERATION_DOCS, SCHEMA_EXAMPLES, TAGS
from services.webhooks.api.routes import document_webhooks, public, router
from services.webhooks.events.consume import TOPIC_HANDLERS
from services.webhooks.worker import DeliveryWorker, WebhookCollector, delivery_job
from shared.app import ServiceSpec
from shared.clock import Clock
from shared.settings import Settings


async def _deliveries(app: FastAPI, stop: asyncio.Event) -> None:
    app.state.webhook_worker = DeliveryWorker(app)
    await delivery_job(app, stop)


SPEC = ServiceSpec(
    name="webhooks",
    title="Webhooks: partner notifications and the certificate status feed",
    description=(
        "Partner systems (ProInnovate, ITP, CITEs) and buyers are told, not asked: subscriptions to "
        "certificate, mark-licence and programme-milestone events, delivered as signed Standard Webhooks "
        "from the platform's Kafka events (at least once, in order per RUC, retried for 24 h), with a "
        "delivery log, redelivery and test pings; and a public feed of certificate status changes for "
        "those who cannot receive webhooks."
    ),
    routers=[router],
    public_routers=[public],
    topic_handlers=TOPIC_HANDLERS,
    background_jobs=[_deliveries],
    tags=TAGS,
    operation_docs=OPERATION_DOCS,
    schema_examples=SCHEMA_EXAMPLES,
)


def create_app(settings: Settings | None = None, *, clock: Clock | None = None) -> FastAPI:
    """The app, built at start-up (``uvicorn --factory services.webhooks.main:create_app``)."""
    app = shared.app.create_app(SPEC, settings=settings, clock=clock)
    document_webhooks(app)
    app.state.metrics_registry.register(WebhookCollector(app))
    return app
