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
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from fastapi import routing as fastapi_routing
from fastapi.routing import APIRoute
from starlette.convertors import FloatConvertor, IntegerConvertor, StringConvertor, UUIDConvertor
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


def _planned_dependencies() -> None:
    """FastAPI solves a route's dependencies by recursing into each one as into a route: four
    parameter extractions, two scope lookups and asserts, and three callable classifications per
    dependency per request, even for ``async def dep(request)`` (measured in-process, issue 15:
    a third of a company read's CPU, ~15 % of a registration's). Here a route whose every
    dependency (all the way down) is such a one (a coroutine function, no parameters but the
    request, no generator, no scopes, no limiter) is solved in one pass with the same order,
    caching and results: dependencies first, then the route's own path, query, header, cookie
    and body parameters by FastAPI's own functions, then the special parameters. Anything else
    (overrides, websockets, generator or sync dependencies, parameters on a dependency) goes to
    FastAPI's ``solve_dependencies`` as before. ``tests/unit/test_routing.py`` compares both on
    every route of every service."""
    from fastapi import routing as routing_module
    from fastapi.dependencies import utils as du

    original = getattr(routing_module, "solve_dependencies", None)
    needed = (
        "_get_cache_key",
        "_is_coroutine_callable",
        "_is_gen_callable",
        "_is_async_gen_callable",
        "request_params_to_args",
        "request_body_to_args",
        "SolvedDependency",
        "_get_oauth_scopes",
    )
    params_to_args = _planned_params_to_args(du)
    if original is None or getattr(original, "planned", False) or not all(hasattr(du, n) for n in needed):
        return
    from fastapi import BackgroundTasks, Request, Response
    from fastapi.security import SecurityScopes

    simple_memo: dict[int, tuple[Any, bool]] = {}

    def simple(dependant: Any) -> bool:
        found = simple_memo.get(id(dependant))
        if found is not None and found[0] is dependant:
            return found[1]
        call = dependant.call
        ok = (
            call is not None
            and du._is_coroutine_callable(call)
            and not du._is_gen_callable(call)
            and not du._is_async_gen_callable(call)
            and not (dependant.path_params or dependant.query_params or dependant.header_params)
            and not (dependant.cookie_params or dependant.body_params)
            and not (dependant.http_connection_param_name or dependant.websocket_param_name)
            and not (dependant.background_tasks_param_name or dependant.response_param_name)
            and not dependant.security_scopes_param_name
            and getattr(dependant, "concurrency", None) is None
            and all(simple(sub) for sub in dependant.dependencies)
        )
        if len(simple_memo) >= _CACHE_KEYS_MAX:
            simple_memo.clear()
        simple_memo[id(dependant)] = (dependant, ok)
        return ok

    plan_memo: dict[int, tuple[Any, Any]] = {}

    def plan_of(dependant: Any) -> tuple[Any, ...] | None:
        """``dependant``'s dependencies as steps worked out once (None: not all simple). A step:
        the dependency's own steps, its request parameter, cache key, use of the cache, callable
        and name."""
        found = plan_memo.get(id(dependant))
        if found is not None and found[0] is dependant:
            return found[1]  # type: ignore[no-any-return]
        steps = None
        if all(simple(sub) for sub in dependant.dependencies):
            steps = tuple(
                (
                    plan_of(sub),
                    sub.request_param_name,
                    du._get_cache_key(dependant=sub, uses_scopes_cache={}),
                    sub.use_cache,
                    sub.call,
                    sub.name,
                )
                for sub in dependant.dependencies
            )
        if len(plan_memo) >= _CACHE_KEYS_MAX:
            plan_memo.clear()
        plan_memo[id(dependant)] = (dependant, steps)
        return steps

    async def solve_steps(request: Any, steps: Any, cache: dict[Any, Any], values: dict[str, Any]) -> None:
        """The (simple) dependencies into ``values``, as FastAPI's loop does: each one's own
        dependencies first, then its cached value or a call."""
        for sub_steps, request_name, key, use_cache, call, name in steps:
            sub_values: dict[str, Any] = {}
            if sub_steps:
                await solve_steps(request, sub_steps, cache, sub_values)
            if request_name:
                sub_values[request_name] = request
            if use_cache and key in cache:
                solved = cache[key]
            else:
                solved = await call(**sub_values)
            if name is not None:
                values[name] = solved
            if key not in cache:
                cache[key] = solved

    async def solve_dependencies(
        *,
        request: Any,
        dependant: Any,
        body: Any = du.Undefined,
        background_tasks: Any = None,
        response: Any = None,
        dependency_overrides_provider: Any = None,
        dependency_cache: Any = None,
        async_exit_stack: Any,
        embed_body_fields: bool,
        _uses_scopes_cache: Any = None,
    ) -> Any:
        overridden = dependency_overrides_provider is not None and getattr(
            dependency_overrides_provider, "dependency_overrides", None
        )
        steps = None if overridden or not isinstance(request, Request) else plan_of(dependant)
        if steps is None:
            return await original(
                request=request,
                dependant=dependant,
                body=body,
                background_tasks=background_tasks,
                response=response,
                dependency_overrides_provider=dependency_overrides_provider,
                dependency_cache=dependency_cache,
                async_exit_stack=async_exit_stack,
                embed_body_fields=embed_body_fields,
                _uses_scopes_cache=_uses_scopes_cache,
            )
        if response is None:
            response = Response()
            del response.headers["content-length"]
            response.status_code = None
        if dependency_cache is None:
            dependency_cache = {}
        values: dict[str, Any] = {}
        errors: list[Any] = []
        await solve_steps(request, steps, dependency_cache, values)
        for fields, source in (
            (dependant.path_params, "path_params"),
            (dependant.query_params, "query_params"),
            (dependant.header_params, "headers"),
            (dependant.cookie_params, "cookies"),
        ):
            if fields:
                found, problems = params_to_args(fields, getattr(request, source))
                values.update(found)
                errors += problems
        if dependant.body_params:
            found, problems = await du.request_body_to_args(
                body_fields=dependant.body_params, received_body=body, embed_body_fields=embed_body_fields
            )
            values.update(found)
            errors.extend(problems)
        if dependant.http_connection_param_name:
            values[dependant.http_connection_param_name] = request
        if dependant.request_param_name:
            values[dependant.request_param_name] = request
        if dependant.background_tasks_param_name:
            if background_tasks is None:
                background_tasks = BackgroundTasks()
            values[dependant.background_tasks_param_name] = background_tasks
        if dependant.response_param_name:
            values[dependant.response_param_name] = response
        if dependant.security_scopes_param_name:
            values[dependant.security_scopes_param_name] = SecurityScopes(
                scopes=du._get_oauth_scopes(dependant=dependant)
            )
        return du.SolvedDependency(
            values=values,
            errors=errors,
            background_tasks=background_tasks,
            response=response,
            dependency_cache=dependency_cache,
        )

    solve_dependencies.planned = True  # type: ignore[attr-defined]
    solve_dependencies.original = original  # type: ignore[attr-defined]
    routing_module.solve_dependencies = solve_dependencies


def _planned_params_to_args(du: Any) -> Callable[[Any, Any], tuple[dict[str, Any], list[Any]]]:
    """FastAPI's ``request_params_to_args`` with what it works out from each field on every
    request worked out once per field list: whether the field is a parameter model, its
    aliases, whether it reads a list (``field_annotation_is_sequence`` walks the annotation
    twice per field per request: a third of a catalogue search's CPU with its eight query
    parameters, issue 15). The value, defaults and validation go through FastAPI's own
    ``_validate_value_with_model_field``; a list with a parameter model, a field that is not a
    ``Param``, or form data goes to FastAPI's function. ``tests/unit/test_routing.py`` compares
    both on every route of every service."""
    from fastapi import params
    from starlette.datastructures import FormData, Headers, ImmutableMultiDict

    original: Callable[[Any, Any], tuple[dict[str, Any], list[Any]]] = du.request_params_to_args
    needed = ("_get_param_model", "_get_param_aliases", "_is_json_field", "_validate_value_with_model_field")
    sequence = getattr(du, "field_annotation_is_sequence", None)
    if sequence is None or not all(hasattr(du, n) for n in needed):
        return original
    validate = du._validate_value_with_model_field
    undefined = du.Undefined
    plans: dict[int, tuple[Any, Any]] = {}

    def plan(fields: Any) -> Any:
        """Per field: (field, request keys in preference order, reads a list, location)."""
        steps = []
        for field in fields:
            info = field.field_info
            if du._get_param_model(field) is not None or not isinstance(info, params.Param):
                return None
            keys = tuple(key for _, key in du._get_param_aliases(field))
            is_sequence = bool(sequence(info.annotation))
            steps.append(
                (field, keys, is_sequence and not du._is_json_field(field), is_sequence, info.in_.value)
            )
        return tuple(steps)

    def params_to_args(fields: Any, received: Any) -> tuple[dict[str, Any], list[Any]]:
        found = plans.get(id(fields))
        if found is None or found[0] is not fields:
            if len(plans) >= _CACHE_KEYS_MAX:
                plans.clear()
            found = plans[id(fields)] = (fields, plan(fields))
        steps = found[1]
        if steps is None or isinstance(received, FormData):
            return original(fields, received)
        values: dict[str, Any] = {}
        errors: list[Any] = []
        multi = isinstance(received, (ImmutableMultiDict, Headers))
        for field, keys, reads_list, is_sequence, where in steps:
            key = keys[0]
            if len(keys) > 1:
                key = next((k for k in keys if k in received), key)
            value = received.getlist(key) if reads_list and multi else received.get(key, None)
            if value is None or (is_sequence and len(value) == 0):
                value = undefined
            v_, errors_ = validate(field=field, value=value, values=values, loc=(where, key))
            if errors_:
                errors.extend(errors_)
            else:
                values[field.name] = v_
        return values, errors

    params_to_args.planned = True  # type: ignore[attr-defined]
    return params_to_args


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
# Path parameter convertors whose value never holds a "/" (Starlette's str, int, float, uuid).
_ONE_SEGMENT = (StringConvertor, IntegerConvertor, FloatConvertor, UUIDConvertor)


class RouteIndex:
    """The router's dispatch, trying only the routes that can match a path.

    The router tries its routes in order, a regular expression each, until one matches fully:
    a route listed late (catalog's certificate verification is the 18th of 34) paid for every
    route before it (~2 µs each, issue 15). A route can match a path only if the path starts
    with the route's static prefix (its path up to the first ``{``); the index keeps, per
    path head (its first four segments), the routes whose static prefix agrees with it, in
    the router's order, so the first full match among them is the router's first full match.
    Only routes that can match fully are kept: with the path's number of segments (unless a
    ``{name:path}`` parameter spans several) and accepting the request's method; a company
    read then tries one route, not four.
    Anything else (no full match: 404, 405, a slash redirect; another scope type) goes to the
    router's own dispatch.
    """

    def __init__(self, router: Any) -> None:
        self.router = router
        self.dispatch = router.app
        self._heads: OrderedDict[tuple[str, int, str], list[BaseRoute]] = OrderedDict()
        self._reindex()

    def _reindex(self) -> None:
        self._listed = list(self.router.routes)
        self.routes = [
            (self._static_prefix(route), self._segments(route), getattr(route, "methods", None), route)
            for route in self._listed
        ]
        self._heads.clear()

    @staticmethod
    def _segments(route: BaseRoute) -> int | None:
        """How many segments a path this route matches has (None: any number)."""
        path = getattr(route, "path", None)
        convertors = getattr(route, "param_convertors", None)
        if not isinstance(path, str) or convertors is None:
            return None
        if any(not isinstance(c, _ONE_SEGMENT) for c in convertors.values()):
            return None
        return path.count("/")

    @staticmethod
    def _static_prefix(route: BaseRoute) -> str:
        path = getattr(route, "path", None)
        if not isinstance(path, str) or isinstance(route, Host):
            return ""
        return path.split("{", 1)[0]

    def candidates(self, path: str, method: str) -> list[BaseRoute]:
        listed = self.router.routes
        if len(listed) != len(self._listed) or (listed and listed[-1] is not self._listed[-1]):
            self._reindex()  # a route added after start-up (tests do): index the table again
        head = "/".join(path.split("/", 5)[:5])
        segments = path.count("/")
        key = (head, segments, method)
        found = self._heads.get(key)
        if found is None:
            found = [
                route
                for prefix, count, methods, route in self.routes
                if (head.startswith(prefix) or prefix.startswith(head))
                and (count is None or count == segments)
                and (methods is None or method in methods)
            ]
            self._heads[key] = found
            if len(self._heads) > _INDEX_CACHE_SIZE:
                self._heads.popitem(last=False)
        return found

    def select(self, scope: Scope) -> tuple[BaseRoute, Scope] | None:
        """The first route that fully matches, with its child scope (None: the router decides)."""
        for route in self.candidates(get_route_path(scope), scope["method"]):
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
    _planned_dependencies()
    router = app.router
    if not _INDEX_READY or router.middleware_stack != router.app:
        return
    if not all(type(route) in (APIRoute, Route) for route in router.routes):
        return  # mounts, hosts, branches: they dispatch on rules of their own, the router decides
    router.middleware_stack = RouteIndex(router)
