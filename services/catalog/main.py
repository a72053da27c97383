"""The catalog service's ASGI app."""

from services.catalog.api.routes import public, router
from services.catalog.events.consume import TOPIC_HANDLERS
from shared.app import ServiceSpec, create_app

SPEC = ServiceSpec(
    name="catalog",
    title="Catalog: certified organisations, verification, knowledge hub, indicators",
    routers=[router],
    public_routers=[public],
    topic_handlers=TOPIC_HANDLERS,
)

app = create_app(SPEC)
