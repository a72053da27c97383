"""The audit service's ASGI app."""

from services.audit.api.routes import public, router
from services.audit.events.consume import TOPIC_HANDLERS
from services.audit.jobs import certificate_expiry_job
from shared.app import ServiceSpec, create_app

SPEC = ServiceSpec(
    name="audit",
    title="Audit: standard, self-assessment, pre-audit, certification audit, certificates",
    description="PROMPERÚ's Buenas Prácticas de Ecoeficiencia: the standard (8 aspects, 112 requirements), "
    "self-assessment, pre-audit with remediation, certification audits by authorised bodies, certificates.",
    routers=[router],
    public_routers=[public],
    topic_handlers=TOPIC_HANDLERS,
    background_jobs=[certificate_expiry_job],
)

app = create_app(SPEC)
