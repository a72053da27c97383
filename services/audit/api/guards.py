"""Input Postgres cannot store, refused at the edge as a 422 instead of failing in the driver.

Postgres text cannot hold a NUL character; without this a ``?ruc=%00`` would reach the
database and come back as a 500.
"""

from __future__ import annotations

from fastapi import Request

from services.audit.domain.errors import InvalidInput

NUL = "\x00"
NUL_MESSAGE = "must not contain NUL characters"


def has_nul(value: object) -> bool:
    return isinstance(value, str) and NUL in value


async def reject_nul_bytes(request: Request) -> None:
    """Router dependency: query and path parameters."""
    errors = [
        {"field": name, "in": where, "message": NUL_MESSAGE}
        for where, params in (
            ("query", request.query_params.multi_items()),
            ("path", request.path_params.items()),
        )
        for name, value in params
        if has_nul(value)
    ]
    if errors:
        raise InvalidInput("Parameters must not contain NUL characters.", errors)
