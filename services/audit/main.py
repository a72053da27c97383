"""The audit service's app, built at start-up by ``create_app``."""

from __future__ import annotations

from fastapi import FastAPI

import shared.app
from services.audit.api.openapi_text import OPERATION_DOCS, SCHEMA_EXAMPLES
from services.audit.api.routes import public, router
from services.audit.events.consume import TOPIC_HANDLERS
from services.audit.jobs import certificate_expiry_job
from shared.app import ServiceSpec
from shared.clock import Clock
from shared.events.retention import prune_job
from shared.settings import Settings

SPEC = ServiceSpec(
    name="audit",
    title="Audit: standard, self-assessment, pre-audit, certification audit, certificates",
    description="PROMPERÚ's Buenas Prácticas de Ecoeficiencia: the standard (8 aspects, 112 requirements), "
    "self-assessment, pre-audit with remediation, certification audits by authorised bodies, certificates.",
    routers=[router],
    public_routers=[public],
    topic_handlers=TOPIC_HANDLERS,
    background_jobs=[certificate_expiry_job, prune_job],
    tags=[
        {"name": "standard", "description": "The standard's versions: 8 aspects, 112 requirements"},
        {
            "name": "participants",
            "description": "Participants as audit knows them, and their implementation level",
        },
        {"name": "self-assessment", "description": "The company's self-assessment and its evidence files"},
        {"name": "pre-audit", "description": "PROMPERÚ's pre-audit: passed only with zero non-conformities"},
        {
            "name": "non-conformities",
            "description": "Findings to fix, corrective actions and their verification",
        },
        {"name": "certification bodies", "description": "Third-party bodies authorised by PROMPERÚ"},
        {
            "name": "certification audit",
            "description": "The body's audit, requested and paid by the organisation",
        },
        {"name": "certificates", "description": "Certificates: two years, suspension, withdrawal, expiry"},
    ],
    operation_docs=OPERATION_DOCS,
    schema_examples=SCHEMA_EXAMPLES,
)


def create_app(settings: Settings | None = None, *, clock: Clock | None = None) -> FastAPI:
    """The app, built at start-up (``uvicorn --factory services.audit.main:create_app``)."""
    return shared.app.create_app(SPEC, settings=settings, clock=clock)
