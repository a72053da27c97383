"""``Idempotency-Key`` for uploads: the kernel's contract, fingerprinting the file, not the body.

``shared.idempotency.idempotent`` fingerprints the raw request body. A multipart upload
gets a new boundary on every retry, so a partner system retrying the same CSV would be
told it reused its key with a different request (422). This variant is the same
protocol on the same table (scope, stored response, ``Idempotent-Replayed``, 422 on a
different payload) with the fingerprint taken over ``payload``, the uploaded file.
A candidate for the kernel: an optional ``payload`` argument there would retire it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable
from typing import Any

import orjson
import sqlalchemy as sa
from fastapi import Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse

from shared.errors import IdempotencyConflict
from shared.idempotency import IDEMPOTENCY_HEADER
from shared.uow import UnitOfWork


async def idempotent_upload(
    request: Request,
    uow: UnitOfWork,
    action: Callable[[], Awaitable[Any]],
    *,
    payload: bytes,
    status_code: int = 201,
    subject: str = "",
) -> JSONResponse:
    """Run ``action`` (a handler using the same ``uow``) once per Idempotency-Key and payload."""
    key = request.headers.get(IDEMPOTENCY_HEADER)
    if not key:
        return JSONResponse(jsonable_encoder(await action()), status_code=status_code)
    scope = f"{subject}:{request.method}:{request.url.path}"
    fingerprint = hashlib.sha256(payload).hexdigest()
    table = uow.tables.idempotency
    async with uow:
        await uow.session.execute(
            sa.select(sa.func.pg_advisory_xact_lock(sa.func.hashtext(scope), sa.func.hashtext(key)))
        )
        saved = (
            await uow.session.execute(sa.select(table).where(table.c.scope == scope, table.c.key == key))
        ).first()
        if saved is not None:
            if saved.fingerprint != fingerprint:
                raise IdempotencyConflict(
                    f"Idempotency-Key '{key}' was already used with a different file.",
                    detail_es=f"La Idempotency-Key '{key}' ya se usó con otro archivo.",
                )
            return JSONResponse(
                saved.body, status_code=saved.status_code, headers={"Idempotent-Replayed": "true"}
            )
        body = jsonable_encoder(await action())
        await uow.session.execute(
            sa.insert(table).values(
                scope=scope,
                key=key,
                fingerprint=fingerprint,
                status_code=status_code,
                body=orjson.loads(orjson.dumps(body)),
            )
        )
        await uow.commit()
    return JSONResponse(body, status_code=status_code)
