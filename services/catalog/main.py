"""The catalog service's ASGI app."""

from services.catalog.api import pages
from services.catalog.api.openapi_text import OPERATION_DOCS, SCHEMA_EXAMPLES
from services.catalog.api.routes import public, router
from services.catalog.events.consume import TOPIC_HANDLERS
from shared.app import ServiceSpec, create_app
from shared.events.retention import prune_job

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

app = create_app(SPEC)
