"""Keyset pages whose cursor is checked, and typed, before it reaches SQL.

Two gaps of ``shared.pagination.keyset_page`` are closed here. It checks a cursor's
shape, not the types of its values, so a tampered cursor holding text where a timestamp
belongs reached Postgres as a 500; each sort here declares the kinds of its key, and a
cursor that does not match them is a 400 like any other bad cursor. And it binds the
cursor values untyped, so a UUID tiebreaker arrives as VARCHAR and Postgres refuses
``uuid > character varying``; here each value is bound with its column's type.
"""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa

from shared.errors import BadRequest
from shared.pagination import decode_cursor, keyset_page


def _bad_cursor() -> BadRequest:
    return BadRequest(
        "The cursor is not valid for this listing and sort; start again without it.",
        detail_es="El cursor no es válido para este listado y orden; vuelva a empezar sin él.",
        extra={"errors": [{"field": "cursor", "in": "query", "message": "invalid cursor"}]},
    )


def _matches(value: object, kind: type) -> bool:
    if kind is uuid.UUID:
        try:
            uuid.UUID(str(value))
        except ValueError:
            return False
        return isinstance(value, str)
    if kind is datetime:
        return isinstance(value, datetime)
    return isinstance(value, kind) and not isinstance(value, bool)


def checked_keyset(
    stmt: sa.Select,
    order_by: list[sa.ColumnElement],
    kinds: list[type],
    *,
    cursor: str | None,
    limit: int,
    descending: bool = False,
) -> sa.Select:
    if cursor:
        values = decode_cursor(cursor, len(order_by))
        if not all(_matches(v, k) for v, k in zip(values, kinds, strict=True)):
            raise _bad_cursor()
        row_key = sa.tuple_(*order_by)
        after = sa.tuple_(*[sa.literal(v, type_=c.type) for v, c in zip(values, order_by, strict=True)])
        stmt = stmt.where(row_key < after if descending else row_key > after)
    return keyset_page(stmt, order_by, cursor=None, limit=limit, descending=descending)
