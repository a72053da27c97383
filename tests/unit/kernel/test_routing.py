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


# --- RouteIndex: the same route as the router's own first full match ------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from starlette.routing import Match  # noqa: E402

from shared.routing import RouteIndex  # noqa: E402

_APPS: dict[str, object] = {}


def _app(service: str):
    if service not in _APPS:
        _APPS[service] = _build(service)
    return _APPS[service]


def _router_choice(app, scope) -> object | None:
    """What the router's own loop picks: the first route that fully matches."""
    for route in app.router.routes:
        match, _ = route.matches(scope)
        if match == Match.FULL:
            return route
    return None


def _scope(path: str, method: str) -> dict:
    return {"type": "http", "path": path, "root_path": "", "method": method, "headers": []}


def _paths(app) -> list[str]:
    """Every route's template with sample values, and near misses of each."""
    paths = []
    for route in app.router.routes:
        template = getattr(route, "path", "")
        for value in ("20100070970", "x", "BPE-2026-000001-J", "1"):
            concrete = template
            while "{" in concrete:
                start, end = concrete.index("{"), concrete.index("}")
                concrete = concrete[:start] + value + concrete[end + 1 :]
            paths += [concrete, concrete + "/", concrete + "/extra", concrete.rstrip("/") + "x"]
    return paths


@pytest.mark.parametrize("service", SERVICES)
def test_the_index_picks_the_routers_route_for_every_path_and_method(service):
    app = _app(service)
    index = app.router.middleware_stack
    assert isinstance(index, RouteIndex)
    for path in _paths(app):
        for method in ("GET", "POST", "PATCH", "PUT", "DELETE"):
            scope = _scope(path, method)
            picked = index.select(dict(scope))
            assert (picked[0] if picked else None) is _router_choice(app, dict(scope)), (method, path)


@settings(max_examples=300, deadline=None)
@given(
    service=st.sampled_from(SERVICES),
    segments=st.lists(
        st.sampled_from(
            ["api", "v1", "catalog", "enrollment", "companies", "certificates", "x", "", "20100070970"]
        )
        | st.text(alphabet="abc-_{}%/.", max_size=6),
        max_size=7,
    ),
    method=st.sampled_from(["GET", "POST", "DELETE"]),
)
def test_the_index_agrees_with_the_router_on_any_path(service, segments, method):
    app = _app(service)
    path = "/" + "/".join(segments)
    picked = app.router.middleware_stack.select(_scope(path, method))
    assert (picked[0] if picked else None) is _router_choice(app, _scope(path, method))


def _dependants(dependant):
    yield dependant
    for sub in dependant.dependencies:
        yield from _dependants(sub)


@pytest.mark.parametrize("service", SERVICES)
def test_remembered_dependency_cache_keys_are_fastapis_own(service):
    """The remembered keys (shared.routing) equal what FastAPI computes, for every dependency of
    every route, asked twice (the second answer comes from the memo)."""
    from fastapi.dependencies import models
    from fastapi.dependencies import utils as dependency_utils

    app = _build(service)
    assert getattr(dependency_utils._get_cache_key, "remembered", False)
    checked = 0
    for route in app.router.routes:
        if isinstance(route, APIRoute):
            for dependant in _dependants(route.dependant):
                expected = models._get_cache_key(dependant=dependant)
                assert dependency_utils._get_cache_key(dependant=dependant) == expected
                assert dependency_utils._get_cache_key(dependant=dependant) == expected
                checked += 1
    assert checked > len(app.router.routes)
