"""Merge the services' OpenAPI documents into one, for docs and client generators.

Paths never clash (each service owns its prefix). Schema components that two services
name alike but define differently are renamed ``<Service><Name>`` in the later one and
its ``$ref``s rewritten, so a generated client keeps both types.

Security is declared once for the document: a bearer JWT (people) or an ``X-API-Key``
(partner systems) on every operation, optional on the public ones (``x-roles: public``),
where a signed-in caller may still be recognised.
"""

from __future__ import annotations

import copy
import json
from typing import Any

REF_PREFIX = "#/components/schemas/"

SECURITY_SCHEMES: dict[str, Any] = {
    "bearerAuth": {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
        "description": "People (front ends): a JWT with sub, role and, per role, ruc or body_id.",
    },
    "apiKeyAuth": {
        "type": "apiKey",
        "in": "header",
        "name": "X-API-Key",
        "description": "Partner systems: eco_<id>_<secret>, with scopes <service>:read|write.",
    },
}
REQUIRED = [{"bearerAuth": []}, {"apiKeyAuth": []}]
OPTIONAL = [{}, *REQUIRED]


def _rewrite_refs(node: Any, renames: dict[str, str]) -> Any:
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str) and value.startswith(REF_PREFIX):
                name = value[len(REF_PREFIX) :]
                out[key] = REF_PREFIX + renames.get(name, name)
            else:
                out[key] = _rewrite_refs(value, renames)
        return out
    if isinstance(node, list):
        return [_rewrite_refs(v, renames) for v in node]
    return node


def merge_openapi(documents: dict[str, dict[str, Any]], *, title: str, version: str) -> dict[str, Any]:
    merged: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {
            "title": title,
            "version": version,
            "description": "One document for every service behind the gateway. "
            "Errors are RFC 9457 application/problem+json; `x-roles` lists who may call each operation.",
        },
        "paths": {},
        "components": {"schemas": {}, "securitySchemes": SECURITY_SCHEMES},
        "security": REQUIRED,
        "tags": [],
    }
    schemas: dict[str, Any] = merged["components"]["schemas"]
    seen_tags: set[str] = set()
    for service, doc in documents.items():
        doc = copy.deepcopy(doc)
        renames: dict[str, str] = {}
        for name, schema in doc.get("components", {}).get("schemas", {}).items():
            if name in schemas and json.dumps(schemas[name], sort_keys=True) != json.dumps(
                schema, sort_keys=True
            ):
                renames[name] = service.capitalize() + name
        doc = _rewrite_refs(doc, renames)
        for name, schema in doc.get("components", {}).get("schemas", {}).items():
            if name in renames:
                # Generators name classes after `title`: two "CertificatePublic" titles
                # would collide in a generated client even under different keys.
                schema = {**schema, "title": renames[name]}
            schemas[renames.get(name, name)] = schema
        for path, item in doc.get("paths", {}).items():
            if not path.startswith("/api/"):
                continue  # each service's own /health and /ready stay internal
            for op in item.values():
                if isinstance(op, dict):
                    op["tags"] = [service] if not op.get("tags") else [f"{service}: {t}" for t in op["tags"]]
                    if op.get("x-roles") == ["public"]:
                        op["security"] = OPTIONAL
            merged["paths"][path] = item
        if service not in seen_tags:
            seen_tags.add(service)
            merged["tags"].append({"name": service, "description": doc.get("info", {}).get("title", service)})
    return merged
