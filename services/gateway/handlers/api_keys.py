"""API keys of partner systems: writes open the transaction, reads take the read connection.

The gateway has no outbox (it publishes nothing), so a write's transaction is the engine's
``begin()`` rather than a unit of work.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from services.gateway.db.repositories import ApiKeyRepository
from services.gateway.domain import api_keys
from shared.auth import Principal
from shared.clock import Clock
from shared.deps import ReadDb


async def create(
    engine: AsyncEngine, clock: Clock, admin: Principal, data: dict[str, Any]
) -> tuple[sa.Row[Any], str]:
    """The stored key and its plaintext, which exists only in this return value."""
    new = api_keys.generate()
    async with engine.begin() as conn:
        row = await ApiKeyRepository(conn).create(
            values={
                "id": new.id,
                "secret_hash": new.secret_hash,
                "name": data["name"],
                "organisation": data["organisation"],
                "scopes": api_keys.normalise_scopes(data["scopes"]),
                "rate_limit_per_minute": data["rate_limit_per_minute"],
                "created_at": clock.now(),
                "created_by": admin.subject,
            }
        )
    return row, new.plaintext


async def page(
    db: ReadDb, *, active: bool | None, cursor: str | None, limit: int
) -> tuple[list[sa.Row[Any]], str | None]:
    return await ApiKeyRepository(db).page(active=active, cursor=cursor, limit=limit)


async def read(db: ReadDb, *, key_id: str) -> sa.Row[Any]:
    return await ApiKeyRepository(db).get_or_raise(key_id=key_id)


async def revoke(engine: AsyncEngine, clock: Clock, admin: Principal, *, key_id: str) -> sa.Row[Any]:
    """Idempotent: revoking a revoked key keeps its first revocation.

    nginx may still answer from a decision it cached before the revocation, for at most
    ``ECO_AUTH_CACHE_SECONDS``.
    """
    async with engine.begin() as conn:
        repo = ApiKeyRepository(conn)
        key = await repo.get_or_raise(key_id=key_id, for_update=True)
        if key.revoked_at is not None:
            return key
        return await repo.update(
            key_id=key_id, values={"revoked_at": clock.now(), "revoked_by": admin.subject}
        )
