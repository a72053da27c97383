"""The certificate status feed: every status change, in the order recorded, resumable by cursor."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from services.webhooks.db.tables import feed
from shared.pagination import decode_cursor, encode_cursor, invalid_cursor
from shared.uow import UnitOfWork

COLUMNS = [
    feed.c.seq,
    feed.c.certificate_id,
    feed.c.certificate_number,
    feed.c.ruc,
    feed.c.status,
    feed.c.event_type,
    feed.c.changed_at,
    feed.c.details,
]


def _seq(cursor: str | None) -> int:
    if not cursor:
        return 0
    (value,) = decode_cursor(cursor, 1)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise invalid_cursor()
    return value


async def changes_since(
    uow: UnitOfWork, *, since: str | None, limit: int, ruc: str | None = None
) -> tuple[list[dict[str, Any]], str, bool]:
    """Changes after the cursor, oldest first; the cursor to resume from; whether more are waiting."""
    after = _seq(since)
    stmt = sa.select(*COLUMNS).where(feed.c.seq > after).order_by(feed.c.seq).limit(limit + 1)
    if ruc:
        stmt = stmt.where(feed.c.ruc == ruc)
    async with uow:
        rows = [dict(r._mapping) for r in await uow.session.execute(stmt)]
    has_more = len(rows) > limit
    rows = rows[:limit]
    last = rows[-1]["seq"] if rows else after
    return rows, encode_cursor([last]), has_more


async def latest(uow: UnitOfWork, *, limit: int) -> list[dict[str, Any]]:
    """The newest changes, newest first (the JSON Feed rendition)."""
    async with uow:
        return [
            dict(r._mapping)
            for r in await uow.session.execute(sa.select(*COLUMNS).order_by(feed.c.seq.desc()).limit(limit))
        ]
