"""``shared.routing.flatten``: the flat route table answers as the included routers did.

For every service: the OpenAPI document is the same dict, and the route table lists the same
routes (path, methods, name, endpoint, dependencies, schema visibility) in the same order,
with the inclusion's authentication dependency on every authenticated route.
"""

from __future__ import annotations

import importlib

import pytest
from fastapi.routing import APIRoute, iter_route_contexts

import shared.app
from shared.auth import current_principal
from shared.settings import SERVICES as ALL_SERVICES

SERVICES = (*ALL_SERVICES, "gateway")


def _build(service: str):
    return importlib.import_module(f"services.{service}.main").create_app()


def _table(app) -> list[tuple]:
    rows = []
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        if isinstance(route, APIRoute):
            rows.append(
                (
                    context.path_format,
                    tuple(sorted(getattr(context, "methods", None) or ())),
                    context.name,
                    f"{route.endpoint.__module__}.{route.endpoint.__qualname__}",
                    tuple(
                        getattr(d.dependency, "__qualname__", repr(d.dependency))
                        for d in getattr(context, "dependencies", ())
                    ),
                    getattr(context, "include_in_schema", None),
                    getattr(context, "status_code", None),
                )
            )
        else:
            rows.append((getattr(route, "path", None), type(route).__name__))
    return rows


@pytest.mark.parametrize("service", SERVICES)
def test_flat_routes_document_and_route_as_the_included_routers(service, monkeypatch):
    flat = _build(service)
    assert not any(type(r).__name__ == "_IncludedRouter" for r in flat.router.routes)
    monkeypatch.setattr(shared.app, "flatten", lambda app: None)
    included = _build(service)
    assert any(type(r).__name__ == "_IncludedRouter" for r in included.router.routes)

    assert flat.openapi() == included.openapi()
    assert _table(flat) == _table(included)


def test_authenticated_routes_keep_the_identity_dependency():
    app = _build("enrollment")
    route = next(
        r
        for r in app.router.routes
        if isinstance(r, APIRoute) and r.path == "/api/v1/enrollment/companies/{ruc}"
    )
    assert route.dependencies[0].dependency is current_principal
    public = next(r for r in app.router.routes if isinstance(r, APIRoute) and r.path == "/health")
    assert all(d.dependency is not current_principal for d in public.dependencies)
