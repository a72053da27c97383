"""OpenAPI shaped for client generators: problem+json errors, roles, stable operation ids."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute, iter_route_contexts

from shared.errors import PROBLEM_BASE, PROBLEM_MEDIA_TYPE

PROBLEM_COMPONENT: dict[str, Any] = {
    "title": "Problem",
    "type": "object",
    "description": "RFC 9457 problem details. Validation errors add `errors`, one per bad field.",
    "required": ["type", "title", "status"],
    "properties": {
        "type": {"type": "string", "format": "uri", "example": PROBLEM_BASE + "validation-error"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "request_id": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "field": {"type": "string"},
                    "in": {"type": "string"},
                    "message": {"type": "string"},
                    "code": {"type": "string"},
                },
            },
        },
    },
    "additionalProperties": True,
}

_ERROR_TEXT = {
    "400": "Malformed request",
    "401": "No valid credential",
    "403": "The credential's role or scope does not allow this",
    "404": "Not found",
    "409": "Conflicts with the current state",
    "422": "Invalid fields or a programme rule not met",
}


def _problem(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }


def _roles_of(route: APIRoute) -> list[str] | None:
    stack = list(route.dependant.dependencies)
    while stack:
        dep = stack.pop()
        roles = getattr(dep.call, "roles", None)
        if roles is not None:
            return roles
        stack.extend(dep.dependencies)
    return None


def install_openapi(app: FastAPI) -> None:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = get_openapi(
            title=app.title,
            version=app.version,
            description=app.description,
            routes=app.routes,
            tags=app.openapi_tags,
        )
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components.pop("HTTPValidationError", None)
        components.pop("ValidationError", None)
        components["Problem"] = PROBLEM_COMPONENT
        routes = {
            (ctx.path, method.lower()): ctx.original_route
            for ctx in iter_route_contexts(app.routes)
            if isinstance(ctx.original_route, APIRoute)
            for method in ctx.original_route.methods
        }
        for path, item in schema.get("paths", {}).items():
            for method, op in item.items():
                route = routes.get((path, method))
                responses = op.setdefault("responses", {})
                codes = ["400", "404", "409", "422"]
                public = route is not None and (route.openapi_extra or {}).get("x-public")
                if not public:
                    codes += ["401", "403"]
                for code in codes:
                    responses[code] = _problem(_ERROR_TEXT[code])
                roles = _roles_of(route) if route else None
                if public:
                    op["x-roles"] = ["public"]
                elif roles is not None:
                    op["x-roles"] = roles
                if op.get("x-roles"):
                    op["description"] = (
                        (op.get("description") or "") + "\n\nRoles: " + ", ".join(op["x-roles"])
                    )
        app.openapi_schema = schema
        return schema

    app.openapi = openapi
