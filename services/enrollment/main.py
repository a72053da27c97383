"""The enrollment service's app, built at start-up by ``create_app``."""

from __future__ import annotations

from fastapi import FastAPI

import shared.app
from services.enrollment.api.openapi_text import OPERATION_DOCS, SCHEMA_EXAMPLES
from services.enrollment.api.routes import public, router
from services.enrollment.events.consume import TOPIC_HANDLERS
from shared.app import ServiceSpec
from shared.clock import Clock
from shared.events.retention import prune_job
from shared.settings import Settings

SPEC = ServiceSpec(
    name="enrollment",
    title="Enrollment: companies, eligibility, admission, cohorts, monitors",
    routers=[router],
    public_routers=[public],
    topic_handlers=TOPIC_HANDLERS,
    background_jobs=[prune_job],
    tags=[
        {
            "name": "companies",
            "description": "Companies (by RUC) and their sites, with licences and certificates",
        },
        {"name": "cohorts", "description": "Programme editions: application window, dates, seats"},
        {"name": "monitors", "description": "PROMPERÚ's follow-up monitors and their load"},
        {
            "name": "applications",
            "description": "Applications checked against section V, admission with a monitor, the "
            "commitment letter, and participants' certification progress",
        },
        {"name": "reports", "description": "Figures per region for PROMPERÚ and partners"},
    ],
    operation_docs=OPERATION_DOCS,
    schema_examples=SCHEMA_EXAMPLES,
)


def create_app(settings: Settings | None = None, *, clock: Clock | None = None) -> FastAPI:
    """The app, built at start-up (``uvicorn --factory services.enrollment.main:create_app``)."""
    return shared.app.create_app(SPEC, settings=settings, clock=clock)
