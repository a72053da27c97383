"""The circular-economy service's ASGI app: ``uvicorn --factory services.circular.main:create_app``.

Nothing is built at import (docs/conventions.md §6).
"""

from __future__ import annotations

from fastapi import FastAPI

from services.circular.api.openapi_text import OPERATION_DOCS, SCHEMA_EXAMPLES, TAGS
from services.circular.api.routes import public, router
from services.circular.events.consume import TOPIC_HANDLERS
from shared.app import ServiceSpec
from shared.app import create_app as build_service_app
from shared.clock import Clock
from shared.events.retention import prune_job
from shared.settings import Settings

SPEC = ServiceSpec(
    name="circular",
    title="Circular economy: sensitisation by node, people trained, indicators (PRODUCE/GIZ)",
    description=(
        "The circular-economy programme for manufacturing mipymes (PRODUCE with GIZ): sensitisation "
        "activities held by the Commission's regional nodes (Arequipa, La Libertad, Lima) and their partners, "
        "with the companies and people who attended; specialists and public officials trained in the "
        "programme's four methodologies, with certificates of attendance; the indicators of the programme's "
        "report, each with its definition, as of any date; and the anonymous figures of the "
        "'Mi Empresa Circular' hub."
    ),
    routers=[router],
    public_routers=[public],
    topic_handlers=TOPIC_HANDLERS,
    background_jobs=[prune_job],
    tags=TAGS,
    operation_docs=OPERATION_DOCS,
    schema_examples=SCHEMA_EXAMPLES,
)


def create_app(settings: Settings | None = None, *, clock: Clock | None = None) -> FastAPI:
    return build_service_app(SPEC, settings=settings, clock=clock)
