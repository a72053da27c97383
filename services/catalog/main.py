"""The catalog service's app, built at start-up by ``create_app``."""

from __future__ import annotations

from fastapi import FastAPI

import shared.app
from services.catalog.api import pages
from services.catalog.api.openapi_text import OPERATION_DOCS, SCHEMA_EXAMPLES
from services.catalog.api.routes import public, router
from services.catalog.events.consume import TOPIC_HANDLERS
from shared.app import ServiceSpec
from shared.clock import Clock
from shared.events.retention import prune_job
from shared.settings import Settings

SPEC = ServiceSpec(
    name="catalog",
    title="Catalog: certified organisations, verification, knowledge hub, indicators",
    description=(
        "Public catalogue of organisations certified in Buenas Prácticas de Ecoeficiencia Perú, "
        "certificate verification for buyers, the 'Mi Empresa Circular' knowledge hub (resources, "
        "success stories, circularity calculator) and the programme's indicators, all built from events."
    ),
    routers=[router],
    public_routers=[public],
    page_routers=[pages.router],
    topic_handlers=TOPIC_HANDLERS,
    background_jobs=[prune_job],
    tags=[
        {"name": "catalogue", "description": "Certified organisations and certificate verification (public)"},
        {"name": "knowledge hub", "description": "Mi Empresa Circular: resources and success stories"},
        {"name": "circularity", "description": "Material Circularity Indicator calculator (public)"},
        {"name": "indicators", "description": "Programme indicators for PROMPERÚ, PRODUCE and GIZ"},
    ],
    operation_docs=OPERATION_DOCS,
    schema_examples=SCHEMA_EXAMPLES,
)


def create_app(settings: Settings | None = None, *, clock: Clock | None = None) -> FastAPI:
    """The app, built at start-up (``uvicorn --factory services.catalog.main:create_app``)."""
    return shared.app.create_app(SPEC, settings=settings, clock=clock)
