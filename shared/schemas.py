"""What every request model stands on (docs/conventions.md §5): text the database can store.

Postgres text cannot hold a NUL character. The kernel refuses one wherever a request carries
it, as a 422 ``validation-error`` naming the field, before any handler or query runs:

- request bodies derive from :class:`Input` (every field, nested lists, dicts and models
  included; unknown fields are refused too: a typo is a 422, not silence);
- a ``str`` outside an ``Input`` (a form field, a model of query parameters) is
  :data:`StorableText`;
- query and path parameters are checked by :class:`NulParameterGuard`, which
  ``shared.app.create_app`` installs on every service's app.

What still reaches the database unstorable (a number out of range) is the kernel's 400 from
``shared.errors`` (SQLSTATE class 22), never a 500.
"""

from __future__ import annotations

from typing import Annotated, Any, TypeVar

from fastapi import Request
from fastapi.routing import iter_route_contexts
from pydantic import AfterValidator, BaseModel, ConfigDict, field_validator
from pydantic_core import PydanticCustomError
from starlette.types import ASGIApp, Receive, Scope, Send

from shared.errors import InvalidInput, problem_response

NUL = "\x00"
NUL_MESSAGE = "must not contain NUL characters"

T = TypeVar("T")


def has_nul(value: object) -> bool:
    """True when ``value`` (a string, or any list, tuple, set, dict or model of them) holds a NUL."""
    if isinstance(value, str):
        return NUL in value
    if isinstance(value, list | tuple | set | frozenset):
        return any(has_nul(item) for item in value)
    if isinstance(value, dict):
        return any(has_nul(key) or has_nul(item) for key, item in value.items())
    if isinstance(value, BaseModel):
        return any(has_nul(getattr(value, name)) for name in type(value).model_fields)
    return False


def refuse_nul(value: T) -> T:
    """A pydantic validator: the value unchanged, or the ``nul_character`` validation error."""
    if has_nul(value):
        raise PydanticCustomError("nul_character", NUL_MESSAGE)
    return value


StorableText = Annotated[str, AfterValidator(refuse_nul)]


class Input(BaseModel):
    """Base of every request body: no NUL in any field, no unknown field."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="after")
    @classmethod
    def _storable(cls, value: Any) -> Any:
        return refuse_nul(value)


class NulParameterGuard:
    """Pure ASGI, installed by ``create_app`` on every app: a NUL in a query or path parameter
    is a 422 naming the parameter, before routing reaches a handler.

    The usual request costs two substring checks (no dependency to solve on every route); only
    a request that carries a NUL is parsed, to name the parameters that hold one.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or (
            b"%00" not in scope.get("query_string", b"") and NUL not in scope.get("path", "")
        ):
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        errors = [
            {"field": name, "in": where, "message": NUL_MESSAGE}
            for where, params in (
                ("query", request.query_params.multi_items()),
                ("path", _path_params(scope)),
            )
            for name, value in params
            if has_nul(value)
        ]
        if not errors:  # a NUL in a path no route matches: the router's 404
            await self.app(scope, receive, send)
            return
        response = problem_response(
            request,
            InvalidInput.status,
            InvalidInput.slug,
            "Parameters must not contain NUL characters.",
            detail_es="Los parámetros no pueden contener caracteres NUL.",
            extra={"errors": errors},
        )
        await response(scope, receive, send)


def _path_params(scope: Scope) -> list[tuple[str, Any]]:
    """The path parameters of the first route whose path matches ``scope`` (none when none does)."""
    path = scope.get("path", "")
    for context in iter_route_contexts(getattr(scope.get("app"), "routes", [])):
        regex = getattr(context, "path_regex", None)
        matched = regex.match(path) if regex is not None else None
        if matched:
            return list(matched.groupdict().items())
    return []
