"""One flat route table per app: what ``include_router`` built before FastAPI 0.16x.

FastAPI now keeps every included router as a live branch (``_IncludedRouter``) and resolves it
on each request: the branch's route version is summed over the whole tree, every candidate is
matched once to find the branch and again to pick the route, and the scope is rewritten per
candidate. Measured in-process on enrollment (two levels of inclusion, ~50 routes): an unknown
path cost 239 µs of CPU and a company read 504 µs, of which the routing was the largest single
share (issue 15). Routes never change after start-up here, so ``flatten`` replaces each branch
by plain routes carrying the inclusion's effective settings (path with its prefix, the
inclusion's dependencies, tags, responses, response class, operation id, body limit), built
from FastAPI's own resolved contexts. The OpenAPI document and every route's behaviour are the
same; ``tests/unit/test_routing.py`` compares both for every service.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from fastapi import FastAPI
from fastapi import routing as fastapi_routing
from fastapi.routing import APIRoute
from starlette.routing import BaseRoute, Host, Match, Mount, Route, get_route_path
from starlette.types import Receive, Scope, Send

try:  # what FastAPI's own router does around a selected route (see RouteIndex.__call__)
    from fastapi.routing import _apply_router_form_limits, _update_scope
    from fastapi.telemetry._api import _route_selected

    _INDEX_READY = True
except ImportError:  # another FastAPI: the router dispatches as it always does
    _INDEX_READY = False


_CACHE_KEYS_MAX = 20_000


def _remembered_cache_keys() -> None:
    """FastAPI computes each sub-dependency's cache key on every request (its OAuth scopes,
    whether any dependency below it uses scopes, its scope), walking the dependency tree with a
    fresh memo each time: ~8 % of a company registration's CPU (issue 15). The key is a function
    of the dependant alone, which never changes once the route is built: remembered per
    dependant (by identity, bounded)."""
    from fastapi.dependencies import utils as dependency_utils

    original = getattr(dependency_utils, "_get_cache_key", None)
    if original is None or getattr(original, "remembered", False):
        return
    memo: dict[int, tuple[Any, Any]] = {}

    def _get_cache_key(*, dependant: Any, uses_scopes_cache: Any = None) -> Any:
        found = memo.get(id(dependant))
        if found is not None and found[0] is dependant:
            return found[1]
        key = original(dependant=dependant, uses_scopes_cache=uses_scopes_cache)
        if len(memo) >= _CACHE_KEYS_MAX:  # per-request dependants (overrides in tests)
            memo.clear()
        memo[id(dependant)] = (dependant, key)
        return key

    _get_cache_key.remembered = True  # type: ignore[attr-defined]
    dependency_utils._get_cache_key = _get_cache_key


def _plain_route(context: Any) -> BaseRoute:
    original = context.original_route
    if not isinstance(original, APIRoute):
        route: BaseRoute = context.starlette_route or original
        return route
    return type(original)(
        context.path,
        original.endpoint,
        response_model=context.response_model,
        status_code=context.status_code,
        tags=list(context.tags),
        dependencies=list(context.dependencies),
        summary=context.summary,
        description=context.description,
        response_description=context.response_description,
        responses=dict(context.responses),
        deprecated=context.deprecated,
        name=context.name,
        methods=set(context.methods),
        operation_id=context.operation_id,
        response_model_include=context.response_model_include,
        response_model_exclude=context.response_model_exclude,
        response_model_by_alias=context.response_model_by_alias,
        response_model_exclude_unset=context.response_model_exclude_unset,
        response_model_exclude_defaults=context.response_model_exclude_defaults,
        response_model_exclude_none=context.response_model_exclude_none,
        include_in_schema=context.include_in_schema,
        response_class=context.response_class,
        dependency_overrides_provider=context.dependency_overrides_provider,
        callbacks=context.callbacks,
        openapi_extra=context.openapi_extra,
        generate_unique_id_function=context.generate_unique_id_function,
        strict_content_type=context.strict_content_type,
        max_body_size=context.max_body_size,
    )


def flatten(app: FastAPI) -> None:
    """Replace the app's included-router branches by the plain routes they resolve to, in order."""
    branch_type = getattr(fastapi_routing, "_IncludedRouter", None)
    if branch_type is None:  # a FastAPI that copies routes on inclusion: already flat
        return
    router = app.router
    if getattr(router, "_low_priority_routes", None):
        return  # frontend/low-priority routes resolve through the branches: keep them live
    branches = [route for route in router.routes if isinstance(route, branch_type)]
    if any(branch.effective_low_priority_routes() for branch in branches):
        return
    flat: list[BaseRoute] = []
    for route in router.routes:
        if isinstance(route, branch_type):
            flat.extend(_plain_route(context) for context in route.effective_route_contexts())
        else:
            flat.append(route)
    router.routes[:] = flat
    router._mark_routes_changed()


_INDEX_CACHE_SIZE = 1024


class RouteIndex:
    """The router's dispatch, trying only the routes that can match a path.

    The router tries its routes in order, a regular expression each, until one matches fully:
    a route listed late (catalog's certificate verification is the 18th of 34) paid for every
    route before it (~2 µs each, issue 15). A route can match a path only if the path starts
    with the route's static prefix (its path up to the first ``{``); the index keeps, per
    path head (its first four segments), the routes whose static prefix agrees with it, in
    the router's order, so the first full match among them is the router's first full match.
    Anything else (no full match: 404, 405, a slash redirect; another scope type) goes to the
    router's own dispatch.
    """

    def __init__(self, router: Any) -> None:
        self.router = router
        self.dispatch = router.app
        self._heads: OrderedDict[str, list[BaseRoute]] = OrderedDict()
        self._reindex()

    def _reindex(self) -> None:
        self._listed = list(self.router.routes)
        self.routes = [(self._static_prefix(route), route) for route in self._listed]
        self._heads.clear()

    @staticmethod
    def _static_prefix(route: BaseRoute) -> str:
        path = getattr(route, "path", None)
        if not isinstance(path, str) or isinstance(route, Host):
            return ""
        return path.split("{", 1)[0]

    def candidates(self, path: str) -> list[BaseRoute]:
        listed = self.router.routes
        if len(listed) != len(self._listed) or (listed and listed[-1] is not self._listed[-1]):
            self._reindex()  # a route added after start-up (tests do): index the table again
        head = "/".join(path.split("/", 5)[:5])
        found = self._heads.get(head)
        if found is None:
            found = [
                route for prefix, route in self.routes if head.startswith(prefix) or prefix.startswith(head)
            ]
            self._heads[head] = found
            if len(self._heads) > _INDEX_CACHE_SIZE:
                self._heads.popitem(last=False)
        return found

    def select(self, scope: Scope) -> tuple[BaseRoute, Scope] | None:
        """The first route that fully matches, with its child scope (None: the router decides)."""
        for route in self.candidates(get_route_path(scope)):
            match, child_scope = route.matches(scope)
            if match == Match.FULL:
                return route, child_scope
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.dispatch(scope, receive, send)
            return
        _apply_router_form_limits(scope, self.router.form_limits)
        if "router" not in scope:
            scope["router"] = self.router
        selected = self.select(scope)
        if selected is None:
            await self.dispatch(scope, receive, send)
            return
        route, child_scope = selected
        _update_scope(scope, child_scope)
        _route_selected(scope=scope, path=getattr(route, "path_format", None), mount=isinstance(route, Mount))
        await route.handle(scope, receive, send)


def index(app: FastAPI) -> None:
    """Dispatch the app's (flat) routes through a ``RouteIndex``; nothing changes when the
    router has middleware of its own or FastAPI lacks what the index relies on."""
    _remembered_cache_keys()
    router = app.router
    if not _INDEX_READY or router.middleware_stack != router.app:
        return
    if not all(type(route) in (APIRoute, Route) for route in router.routes):
        return  # mounts, hosts, branches: they dispatch on rules of their own, the router decides
    router.middleware_stack = RouteIndex(router)
