"""The audit service's ASGI app."""

from services.audit.api.routes import public, router
from services.audit.events.consume import TOPIC_HANDLERS
from shared.app import ServiceSpec, create_app

SPEC = ServiceSpec(
    name="audit",
    title="Audit: standard, self-assessment, pre-audit, certification audit, certificates",
    routers=[router],
    public_routers=[public],
    topic_handlers=TOPIC_HANDLERS,
)

app = create_app(SPEC)
