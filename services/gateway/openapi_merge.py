"""Merge the services' OpenAPI documents into one, for docs and client generators.

Paths never clash (each service owns its prefix). Schema components that two services
name alike but define differently are renamed ``<Service><Name>`` in the later one and
its ``$ref``s rewritten, so a generated client keeps both types.

Security: a bearer JWT (people) or an ``X-API-Key`` (partner systems), declared for the
document and repeated on every operation (generators read it there); public operations
(``x-roles: public``) declare none (``security: []``). A credential sent to a public
operation is still checked, so a bad one gets 401 there too (documented as such).

Tags: each service's areas become ``<service>: <area>``, each declared once with the
description the service gave it.
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
REQUIRED: list[dict[str, list[str]]] = [{"bearerAuth": []}, {"apiKeyAuth": []}]
DESCRIPTION = """One document for every service behind the gateway (nginx), for docs and client generators.

- **Credentials**: people send `Authorization: Bearer <JWT>`; partner systems send `X-API-Key`. Public
  operations (`x-roles: public`) need none, but a credential sent to them is still checked.
- **Roles**: `x-roles` lists who may call each operation (`admin` may call every one).
- **Errors** are RFC 9457 `application/problem+json` (schema `Problem`), in English or Spanish by
  `Accept-Language`; clients switch on `type` and, where present, `rule` or `reason`.
- **Retries**: operations that declare `Idempotency-Key` replay their first answer for the same key.
- Every answer carries `X-Request-ID` (quote it when reporting a problem); `429` and `503` carry
  `Retry-After`.
"""


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


def _canonical(schema: Any) -> str:
    return json.dumps(schema, sort_keys=True)


def _renames_for(
    service: str, own: dict[str, Any], merged: dict[str, Any]
) -> tuple[dict[str, str], dict[str, Any]]:
    """Which of a service's schemas must take another name, and its schemas with refs rewritten.

    A clash is judged on the schema as it will be stored, i.e. AFTER its ``$ref``s are rewritten:
    two services' ``ParticipantsPublic`` read alike (``items: ParticipantPublic``) but point at
    different participants once one ``ParticipantPublic`` is renamed. So renaming repeats until no
    new clash appears (each round can only add names; it ends within len(own) rounds).
    """
    renames: dict[str, str] = {}
    taken = set(merged) | set(own)
    while True:
        rewritten = _rewrite_refs(own, renames)
        clashes = sorted(
            name
            for name, schema in rewritten.items()
            if name not in renames and name in merged and _canonical(merged[name]) != _canonical(schema)
        )
        if not clashes:
            return renames, rewritten
        for name in clashes:
            candidate, n = service.capitalize() + name, 2
            while candidate in taken:
                candidate, n = f"{service.capitalize()}{name}{n}", n + 1
            taken.add(candidate)
            renames[name] = candidate


def merge_openapi(documents: dict[str, dict[str, Any]], *, title: str, version: str) -> dict[str, Any]:
    merged: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {
            "title": title,
            "version": version,
            "description": DESCRIPTION,
        },
        "paths": {},
        "components": {"schemas": {}, "securitySchemes": SECURITY_SCHEMES},
        "security": REQUIRED,
        "tags": [],
    }
    schemas: dict[str, Any] = merged["components"]["schemas"]
    declared: dict[str, str] = {}
    for service, doc in documents.items():
        doc = copy.deepcopy(doc)
        for kind in ("headers", "parameters"):  # the kernel's, alike in every service
            for name, component in doc.get("components", {}).get(kind, {}).items():
                merged["components"].setdefault(kind, {}).setdefault(name, component)
        renames, own = _renames_for(service, doc.get("components", {}).get("schemas", {}), schemas)
        doc = _rewrite_refs(doc, renames)
        for name, schema in own.items():
            if name in renames:
                # Generators name classes after `title`: two "CertificatePublic" titles
                # would collide in a generated client even under different keys.
                schema = {**schema, "title": renames[name]}
            schemas[renames.get(name, name)] = schema
        area_text = {t["name"]: t.get("description", "") for t in doc.get("tags", [])}
        for path, item in doc.get("paths", {}).items():
            if not path.startswith("/api/"):
                continue  # each service's own /health and /ready stay internal
            for op in item.values():
                if not isinstance(op, dict):
                    continue
                areas = op.get("tags") or [service]
                op["tags"] = [area if area == service else f"{service}: {area}" for area in areas]
                for area, tag in zip(areas, op["tags"], strict=True):
                    declared.setdefault(tag, area_text.get(area) or doc.get("info", {}).get("title", service))
                # Per operation, because generators read it there (openapi-python-client types
                # an operation with any `security` as needing an AuthenticatedClient): public
                # operations need no credential ([]), the others one of the two schemes.
                op["security"] = [] if op.get("x-roles") == ["public"] else REQUIRED
            merged["paths"][path] = item
        # OpenAPI 3.1 `webhooks`: what a service sends to partners (services/webhooks).
        for name, item in doc.get("webhooks", {}).items():
            merged.setdefault("webhooks", {})[name] = item
    merged["tags"] = [{"name": name, "description": text} for name, text in declared.items()]
    return merged
