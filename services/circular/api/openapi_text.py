"""The circular service's words for its OpenAPI: what each operation does beyond its summary,
request-body examples and its areas (tags). Attached by ``shared.openapi`` (``ServiceSpec``)."""

from __future__ import annotations

from typing import Any

TAGS: list[dict[str, str]] = [
    {
        "name": "activities",
        "description": "Sensitisation activities held by a node or a partner, and who attended (sheets)",
    },
    {
        "name": "people trained",
        "description": "Specialists and public officials trained in a methodology; certificates of attendance",
    },
    {
        "name": "indicators",
        "description": "The report's figures as of any date, each with its definition; export",
    },
    {"name": "hub", "description": "'Mi Empresa Circular': anonymous figures for the public hub (public)"},
    {"name": "reference", "description": "Nodes, methodologies and kinds of activity (public)"},
]

OPERATION_DOCS: dict[str, str] = {
    "circular_read_reference": "The Commission's three regional nodes (Arequipa, La Libertad, Lima), the "
    "four training methodologies on the document's two axes (public or private entity; awareness or "
    "accompaniment) and the kinds of sensitisation activity. Codes are what the other operations take.",
}

SCHEMA_EXAMPLES: dict[str, Any] = {}
