"""The training service's ASGI app."""

from services.training.api.routes import public, router
from services.training.events.consume import TOPIC_HANDLERS
from shared.app import ServiceSpec, create_app

SPEC = ServiceSpec(
    name="training",
    title="Training: workshops, sessions, attendance, completion, technical assistance",
    routers=[router],
    public_routers=[public],
    topic_handlers=TOPIC_HANDLERS,
)

app = create_app(SPEC)
