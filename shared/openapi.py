"""OpenAPI shaped for client generators: problem+json errors, roles, stable operation ids.

Every service's document goes through :func:`install_openapi`, so every operation says the same
things the same way:

- ``x-roles`` (who may call it; ``admin`` wherever :func:`shared.auth.require_roles` admits it, which
  is everywhere it is used) and ``Roles: ...`` at the end of its description;
- its problem+json answers (schema ``Problem``) with the headers they carry: ``X-Request-ID`` on
  every answer, ``Retry-After`` on 429 and 503; 413 on operations with a body; 401/403 on public
  operations too (a credential sent there is still checked);
- header parameters the kernel honours: ``Accept-Language`` everywhere (problem texts),
  ``Idempotency-Key`` on operations whose endpoint answers through :func:`shared.idempotency.idempotent`;
- an optional body as an optional body (FastAPI writes ``anyOf[X, null]``; generators then demand
  ``body=None``);
- the formats of the programme's identifiers (RUC, DNI, certificate numbers) as ``pattern``s;
- descriptions and examples the service keeps apart from its routes
  (``ServiceSpec.operation_docs`` / ``schema_examples``).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute, iter_route_contexts

from shared.errors import PROBLEM_BASE, PROBLEM_MEDIA_TYPE
from shared.ruc import VALID_PREFIXES

REF = "#/components/schemas/"
# SUNAT's RUC: 11 digits starting with a taxpayer type (the check digit is the server's to judge).
RUC_PATTERN = r"^(?:" + "|".join(VALID_PREFIXES) + r")\d{9}$"
DNI_PATTERN = r"^\d{8}$"
# services/audit/domain/certificate_number.py PATTERN (a test keeps the two equal).
CERTIFICATE_NUMBER_PATTERN = r"^BPE-(\d{4})-(\d{6,})-([A-Z])$"

PROBLEM_EXAMPLE = {
    "type": PROBLEM_BASE + "rule-violation",
    "title": "A business rule was not met",
    "status": 422,
    "detail": "The cohort has no free seat (30 of 30 taken).",
    "instance": "/api/v1/enrollment/applications/6f1c.../admit",
    "request_id": "7d1f2a9c4b6e4f0a9d3c2b1a0e9f8d7c",
    "rule": "cohort.capacity",
}

PROBLEM_COMPONENT: dict[str, Any] = {
    "title": "Problem",
    "type": "object",
    "description": "RFC 9457 problem details, in English or Spanish by `Accept-Language`. Clients switch "
    "on `type` and, where present, on `rule` (a programme rule) or `reason` (a refused credential); "
    "`detail` is for people. Validation errors add `errors`, one per bad field. Operations may add "
    "further members (for example `capacity`, `failed_rules`).",
    "required": ["type", "title", "status"],
    "properties": {
        "type": {"type": "string", "format": "uri", "examples": [PROBLEM_BASE + "validation-error"]},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string", "description": "the request's path"},
        "request_id": {"type": "string", "description": "the X-Request-ID of the request"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "field": {"type": "string"},
                    "in": {"type": "string", "description": "body, query, path or header"},
                    "message": {"type": "string"},
                    "code": {"type": "string"},
                    "rule": {"type": "string"},
                },
            },
        },
        "rule": {
            "type": "string",
            "description": "rule-violation: the stable id of the programme rule not met",
            "examples": ["ruc.check_digit"],
        },
        "reason": {
            "type": "string",
            "description": "401/403 from the gateway: why the credential was refused",
            "examples": ["token-expired"],
        },
        "allowed_roles": {
            "type": "array",
            "items": {"type": "string"},
            "description": "403: the roles that may do this",
        },
        "required_scope": {
            "type": "string",
            "description": "403: the API-key scope this needs",
            "examples": ["enrollment:write"],
        },
        "resource": {"type": "string", "description": "404: what was looked up"},
        "current_state": {"type": "string", "description": "invalid-transition: the state it is in"},
        "attempted": {"type": "string", "description": "invalid-transition: the state asked for"},
        "allowed_transitions": {
            "type": "array",
            "items": {"type": "string"},
            "description": "invalid-transition: the moves the current state allows",
        },
        "sqlstate": {"type": "string", "description": "400: the database's data-exception code"},
    },
    "additionalProperties": True,
    "examples": [PROBLEM_EXAMPLE],
}

_ERROR_TEXT = {
    "400": "Malformed request (a bad cursor, a value that cannot be stored, an unreadable file)",
    "401": "No valid credential",
    "403": "The credential's role or scope does not allow this",
    "404": "Not found",
    "409": "Conflicts with the current state",
    "413": "The request body is larger than this operation accepts",
    "422": "Invalid fields or a programme rule not met",
    "429": "The API key's rate limit is spent: retry after Retry-After seconds",
    "503": "A service or what it depends on (database, Kafka) is unavailable: retry after Retry-After seconds",
}
_PUBLIC_401 = "A credential was sent and refused (public operations need none; send none or a valid one)"
_PUBLIC_403 = "A credential was sent that may not be used this way (a partner must use its API key)"

HEADERS: dict[str, Any] = {
    "X-Request-ID": {
        "description": "The request's id (the caller's X-Request-ID when it sent a usable one): quote it "
        "when reporting a problem.",
        "schema": {"type": "string"},
    },
    "Retry-After": {"description": "Seconds to wait before retrying.", "schema": {"type": "integer"}},
    "Location": {"description": "The URL of the resource created.", "schema": {"type": "string"}},
}
PARAMETERS: dict[str, Any] = {
    "Accept-Language": {
        "name": "Accept-Language",
        "in": "header",
        "required": False,
        "description": "`es` for Spanish problem texts (titles and details); English otherwise.",
        "schema": {"type": "string", "examples": ["es-PE, es;q=0.9, en;q=0.5"]},
    },
    "Idempotency-Key": {
        "name": "Idempotency-Key",
        "in": "header",
        "required": False,
        "description": "Any unique string (a UUID): a retry with the same key and body gets the first "
        "answer back (with `Idempotent-Replayed: true`) and creates nothing twice; the same key with "
        "another body is refused (422 idempotency-conflict).",
        "schema": {"type": "string", "maxLength": 255, "examples": ["5f0c7a8e-4b1d-4d36-9a63-0b8e2f6c1d27"]},
    },
}


def csv_request_body(example: str, *, form_field: str | None = "file", **extra: Any) -> dict[str, Any]:
    """The request body of a CSV upload, in media types every generator handles.

    The file's bytes as ``application/octet-stream`` (the server reads ``text/csv`` and
    ``application/csv`` alike: curl users send those) and, with ``form_field``, a form upload.
    ``extra`` adds media types (a JSON alternative).
    """
    content: dict[str, Any] = {
        "application/octet-stream": {
            "schema": {
                "type": "string",
                "format": "binary",
                "description": "The CSV file's bytes, UTF-8; `text/csv` is accepted as the media type too.",
            },
            "example": example,
        },
    }
    if form_field:
        content["multipart/form-data"] = {
            "schema": {
                "type": "object",
                "required": [form_field],
                "properties": {
                    form_field: {"type": "string", "format": "binary", "description": "the CSV file"}
                },
            }
        }
    return {"required": True, "content": {**extra, **content}}


def _header_ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/headers/{name}"}


def _problem(description: str, *, retry: bool = False) -> dict[str, Any]:
    headers = {"X-Request-ID": _header_ref("X-Request-ID")}
    if retry:
        headers["Retry-After"] = _header_ref("Retry-After")
    return {
        "description": description,
        "headers": headers,
        "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": REF + "Problem"}}},
    }


def _roles_of(route: APIRoute) -> list[str] | None:
    stack = list(route.dependant.dependencies)
    while stack:
        dep = stack.pop()
        roles: list[str] | None = getattr(dep.call, "roles", None)
        if roles is not None:
            return roles
        stack.extend(dep.dependencies)
    return None


def _honours_idempotency_key(route: APIRoute) -> bool:
    """The endpoint answers through ``shared.idempotency.idempotent`` (it names that function)."""
    code = getattr(route.endpoint, "__code__", None)
    return code is not None and "idempotent" in code.co_names


def _unwrap_optional_body(op: dict[str, Any]) -> None:
    """``anyOf[X, null]`` as a request body means "X, or no body": say that instead."""
    body = op.get("requestBody")
    if not body:
        return
    for media in body.get("content", {}).values():
        schema = media.get("schema", {})
        options = schema.get("anyOf")
        if options and len(options) == 2 and {"type": "null"} in options:
            [kept] = [option for option in options if option != {"type": "null"}]
            media["schema"] = kept
            body["required"] = False


def _identifier_pattern(name: str, *, owner: str = "", path: str = "") -> str | None:
    if name == "ruc" or name.endswith("_ruc"):
        return RUC_PATTERN
    if name == "dni" or name.endswith("_dni"):
        return DNI_PATTERN
    if name == "certificate_number" or (
        name == "number" and ("Certificate" in owner or "/certificates/{number}" in path)
    ):
        return CERTIFICATE_NUMBER_PATTERN
    return None


def _with_pattern(schema: dict[str, Any], pattern: str) -> None:
    """Set ``pattern`` on a string schema, or on the string branch of ``anyOf[string, null]``."""
    if schema.get("type") == "string":
        schema["pattern"] = pattern
    for option in schema.get("anyOf", []):
        if option.get("type") == "string":
            option["pattern"] = pattern


def _apply_identifier_patterns(schema: dict[str, Any]) -> None:
    for owner, component in schema.get("components", {}).get("schemas", {}).items():
        for name, prop in component.get("properties", {}).items():
            pattern = _identifier_pattern(name, owner=owner)
            if pattern:
                _with_pattern(prop, pattern)
    for path, item in schema.get("paths", {}).items():
        for op in item.values():
            for param in op.get("parameters", []):
                pattern = _identifier_pattern(param.get("name", ""), path=path)
                if pattern and "schema" in param:
                    _with_pattern(param["schema"], pattern)


class Examples(list[Any]):
    """Several examples of one schema in ``schema_examples`` (a plain value is one example)."""


def _apply_examples(schema: dict[str, Any], examples: Mapping[str, Any]) -> None:
    components = schema.get("components", {}).get("schemas", {})
    for component in components.values():  # OpenAPI 3.1: `example` is deprecated for `examples`
        if "example" in component:
            component.setdefault("examples", [component.pop("example")])
    for name, example in examples.items():
        if name not in components:  # a route absent here (the dev issuer outside dev and test)
            continue
        given = list(example) if isinstance(example, Examples) else [example]
        components[name]["examples"] = copy.deepcopy(given)


def shape_operation(
    op: dict[str, Any],
    *,
    route: APIRoute | None,
    description: str | None = None,
) -> None:
    """Everything :func:`install_openapi` says about one operation (see the module docstring)."""
    public = route is not None and bool((route.openapi_extra or {}).get("x-public"))
    if description and not op.get("description"):
        op["description"] = description
    _unwrap_optional_body(op)

    responses = op.setdefault("responses", {})
    for response in responses.values():  # every answer carries it, a route's own error codes too (415)
        response.setdefault("headers", {}).setdefault("X-Request-ID", _header_ref("X-Request-ID"))
    codes = ["400", "404", "409", "422", "429", "503"]
    if op.get("requestBody"):
        codes.append("413")
    texts = {code: _ERROR_TEXT[code] for code in codes}
    texts |= {"401": _PUBLIC_401 if public else _ERROR_TEXT["401"]}
    texts |= {"403": _PUBLIC_403 if public else _ERROR_TEXT["403"]}
    declared = {str(code) for code in (route.responses if route else {})}
    for code, text in texts.items():
        if code in declared:  # the route documents this answer itself (/ready's 503 is a report)
            responses[code].setdefault("headers", {}).setdefault("X-Request-ID", _header_ref("X-Request-ID"))
            if code in ("429", "503"):
                responses[code]["headers"].setdefault("Retry-After", _header_ref("Retry-After"))
            continue
        responses[code] = _problem(text, retry=code in ("429", "503"))
    op["responses"] = dict(sorted(responses.items()))

    params = op.setdefault("parameters", [])
    names = {(p.get("in"), p.get("name", "").lower()) for p in params if "name" in p}
    wanted = ["Accept-Language"]
    if route is not None and _honours_idempotency_key(route):
        wanted.append("Idempotency-Key")
    for name in wanted:
        if ("header", name.lower()) not in names:
            params.append({"$ref": f"#/components/parameters/{name}"})

    roles = _roles_of(route) if route else None
    if public:
        op["x-roles"] = ["public"]
    elif roles is not None:
        # require_roles admits admin whatever the list says.
        op["x-roles"] = [*roles, "admin"] if "admin" not in roles else list(roles)
    if op.get("x-roles"):
        op["description"] = (op.get("description") or "") + "\n\nRoles: " + ", ".join(op["x-roles"])


def install_openapi(
    app: FastAPI,
    *,
    operation_docs: Mapping[str, str] | None = None,
    schema_examples: Mapping[str, Any] | None = None,
) -> None:
    operation_docs = operation_docs or {}
    schema_examples = schema_examples or {}

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = get_openapi(
            title=app.title,
            version=app.version,
            description=app.description,
            routes=app.routes,
            webhooks=app.webhooks.routes,
            tags=app.openapi_tags,
        )
        components = schema.setdefault("components", {})
        schemas = components.setdefault("schemas", {})
        schemas.pop("HTTPValidationError", None)
        schemas.pop("ValidationError", None)
        schemas["Problem"] = PROBLEM_COMPONENT
        components["headers"] = copy.deepcopy(HEADERS)
        components["parameters"] = copy.deepcopy(PARAMETERS)
        routes = {
            (ctx.path, method.lower()): ctx.original_route
            for ctx in iter_route_contexts(app.routes)
            if isinstance(ctx.original_route, APIRoute)
            for method in ctx.original_route.methods or ()
        }
        for path, item in schema.get("paths", {}).items():
            for method, op in item.items():
                shape_operation(
                    op,
                    route=routes.get((path, method)),
                    description=operation_docs.get(op.get("operationId", "")),
                )
        _apply_identifier_patterns(schema)
        _apply_examples(schema, schema_examples)
        app.openapi_schema = schema
        return schema

    # FastAPI's documented way to shape the schema is to replace the method.
    app.openapi = openapi  # type: ignore[method-assign]
