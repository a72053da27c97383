"""The training service's app, built at start-up by ``create_app``."""

from __future__ import annotations

from fastapi import FastAPI

import shared.app
from services.training.api.openapi_text import OPERATION_DOCS, SCHEMA_EXAMPLES
from services.training.api.routes import public, router
from services.training.events.consume import TOPIC_HANDLERS
from shared.app import ServiceSpec
from shared.clock import Clock
from shared.events.retention import prune_job
from shared.settings import Settings

SPEC = ServiceSpec(
    name="training",
    title="Training: workshops, sessions, attendance, completion, technical assistance",
    routers=[router],
    public_routers=[public],
    topic_handlers=TOPIC_HANDLERS,
    background_jobs=[prune_job],
    tags=[
        {"name": "curriculum", "description": "The programme's eleven workshops, Talleres 0-10 (public)"},
        {
            "name": "cohorts",
            "description": "Per cohort: completion rule and the companies x workshops matrix",
        },
        {"name": "sessions", "description": "Workshop sessions delivered to a cohort, in person or virtual"},
        {"name": "attendance", "description": "Who attended, for how long: one by one or a meeting's report"},
        {
            "name": "participants",
            "description": "Admitted companies, their people, progress and certificates of attendance",
        },
        {"name": "technical assistance", "description": "The follow-up monitor's visits and calls"},
    ],
    operation_docs=OPERATION_DOCS,
    schema_examples=SCHEMA_EXAMPLES,
)


def create_app(settings: Settings | None = None, *, clock: Clock | None = None) -> FastAPI:
    """The app, built at start-up (``uvicorn --factory services.training.main:create_app``)."""
    return shared.app.create_app(SPEC, settings=settings, clock=clock)
