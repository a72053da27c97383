"""``shared.routing.flatten``: the flat route table answers as the included routers did.

For every service: the OpenAPI document is the same dict, and the route table lists the same
routes (path, methods, name, endpoint, dependencies, schema visibility) in the same order,
with the inclusion's authentication dependency on every authenticated route.
"""

from __future__ import annotations

import importlib
from types import SimpleNamespace

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
        for method in ("GET", "HEAD", "POST", "PATCH", "PUT", "DELETE", "OPTIONS"):
            scope = _scope(path, method)
            picked = index.select(dict(scope))
            assert (picked[0] if picked else None) is _router_choice(app, dict(scope)), (method, path)


@pytest.mark.parametrize(
    ("service", "path", "method"),
    [
        ("enrollment", "/api/v1/enrollment/companies/20100070970", "GET"),
        ("catalog", "/api/v1/catalog/certificates/BPE-2026-000001-J/verification", "GET"),
        ("catalog", "/api/v1/catalog/organisations", "GET"),
    ],
)
def test_the_index_tries_one_route_for_a_hot_path(service, path, method):
    """Only routes that can match fully are candidates: same number of segments, same method."""
    app = _app(service)
    index = app.router.middleware_stack
    assert len(index.candidates(path, method)) == 1
    assert index.select(_scope(path, method)) is not None


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


QUERIES = (
    b"limit=abc&cursor=%00&status=nope&q=xxx",  # nothing validates
    b"",  # every parameter missing: defaults
    # values that validate on the list routes, a repeated list parameter, an empty value
    b"limit=5&q=cafe&certificate_status=valid&certificate_status=expired&women_led=true&region=&status=submitted",
    b"limit=1&limit=2&women_led=&certificate_status=",  # a repeated single value; empty ones
)


def _outcome(solver, app, route, headers: dict[str, str], query: bytes = QUERIES[0]) -> tuple:
    """What solving ``route``'s dependencies with ``solver`` gave: the values (the route's own
    parameters by value, what dependencies gave by type) and the errors, or the exception a
    dependency raised."""
    import asyncio
    from contextlib import AsyncExitStack

    from starlette.requests import Request

    scope = {
        "type": "http",
        "method": sorted(route.methods)[0],
        "path": route.path,
        "raw_path": route.path.encode(),
        "root_path": "",
        "query_string": query,
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()] + [(b"cookie", b"a=b")],
        "path_params": {name: "20100070970" for name in route.param_convertors},
        "app": app,
        "fastapi_inner_astack": AsyncExitStack(),
        "fastapi_function_astack": AsyncExitStack(),
    }

    async def run():
        return await solver(
            request=Request(scope),
            dependant=route.dependant,
            body={"unexpected": True} if route.dependant.body_params else None,
            dependency_overrides_provider=None,
            async_exit_stack=AsyncExitStack(),
            embed_body_fields=route._embed_body_fields,
        )

    try:
        solved = asyncio.run(run())
    except Exception as exc:
        return ("raised", type(exc).__name__, str(exc))
    dependant = route.dependant
    own = {
        f.name
        for f in (
            *dependant.path_params,
            *dependant.query_params,
            *dependant.header_params,
            *dependant.cookie_params,
        )
    }
    values = {k: repr(v) if k in own else type(v).__name__ for k, v in solved.values.items()}
    errors = [(e.get("type"), tuple(e.get("loc", ())), e.get("msg")) for e in solved.errors]
    return ("solved", sorted(values.items()), errors, solved.response.status_code)


@pytest.mark.parametrize("service", SERVICES)
@pytest.mark.parametrize("caller", ["anonymous", "officer", "company"])
def test_planned_dependencies_solve_every_route_as_fastapi_does(service, caller):
    """``shared.routing._planned_dependencies`` against FastAPI's own ``solve_dependencies``,
    on every route of every service: the same values, errors and raised exceptions, for callers
    without identity, with an officer's and with a company's, with query parameters that do not
    validate and a body that does not either."""
    from fastapi import routing as fastapi_routing

    from shared.auth import Role
    from tests.support.testing import identity_headers

    app = _app(service)
    planned = fastapi_routing.solve_dependencies
    assert getattr(planned, "planned", False)
    # What the lifespan wires; solving only asks for them (the read connection is the app's own
    # while its engine's pool is the same).
    pool = object()
    app.state.uow_factory = lambda: object()
    app.state.engine = SimpleNamespace(pool=pool)
    app.state.read_connection = SimpleNamespace(sync_engine=SimpleNamespace(pool=pool))
    headers = {}
    if caller != "anonymous":
        role = Role.promperu_officer if caller == "officer" else Role.company
        headers = identity_headers(app.state.settings, role, ruc="20100070970")
    routes = [r for r in app.router.routes if isinstance(r, APIRoute)]
    parsed = 0
    for route in routes:
        for query in QUERIES:
            expected = _outcome(planned.original, app, route, headers, query)
            assert _outcome(planned, app, route, headers, query) == expected, (route.path, query)
            parsed += expected[0] == "solved" and bool(route.dependant.query_params)
    # query parameters parsed, not only dependencies' errors (an anonymous caller is refused first)
    assert parsed or caller == "anonymous" or service == "gateway"
    simple = [r for r in routes if all(_is_simple(d) for d in r.dependant.dependencies)]
    assert len(simple) > len(routes) // 2  # most take the planned path: the comparison means something


def _is_simple(dependant) -> bool:
    from fastapi.dependencies import utils as du

    return (
        du._is_coroutine_callable(dependant.call)
        and not du._is_async_gen_callable(dependant.call)
        and not du._is_gen_callable(dependant.call)
        and not (dependant.query_params or dependant.header_params or dependant.path_params)
        and all(_is_simple(d) for d in dependant.dependencies)
    )
