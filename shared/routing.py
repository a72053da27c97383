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

from typing import Any

from fastapi import FastAPI
from fastapi import routing as fastapi_routing
from fastapi.routing import APIRoute
from starlette.routing import BaseRoute


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
