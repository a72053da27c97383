"""The enrollment service's ASGI app."""

from services.enrollment.api.routes import public, router
from services.enrollment.events.consume import TOPIC_HANDLERS
from shared.app import ServiceSpec, create_app

SPEC = ServiceSpec(
    name="enrollment",
    title="Enrollment: companies, eligibility, admission, cohorts, monitors",
    routers=[router],
    public_routers=[public],
    topic_handlers=TOPIC_HANDLERS,
)

app = create_app(SPEC)
