"""Cursor (keyset) pagination with stable sorting, the same in every service.

A cursor is the opaque base64url JSON of the last row's sort key; the next page is
the rows strictly after it in ``ORDER BY <sort columns>, <unique tiebreaker>``. Unlike
offsets it neither skips nor repeats rows when others are inserted meanwhile.
"""

from __future__ import annotations

import base64
import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Generic, TypeVar
from uuid import UUID

import sqlalchemy as sa
from pydantic import BaseModel, Field

from shared.errors import BadRequest

T = TypeVar("T")

DEFAULT_LIMIT = 50
MAX_LIMIT = 500


class Page(BaseModel, Generic[T]):
    data: list[T]
    next_cursor: str | None = Field(None, description="pass as ?cursor= for the next page; null at the end")


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return {"$dt": value.isoformat()}
    if isinstance(value, UUID):
        return str(value)
    return value


def encode_cursor(values: list[Any]) -> str:
    raw = json.dumps([_jsonable(v) for v in values], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def invalid_cursor() -> BadRequest:
    """The one answer to a cursor that is not this listing's (tampered, stale, foreign)."""
    return BadRequest(
        "The cursor is not valid for this listing; start again without it.",
        detail_es="El cursor no es válido para este listado; vuelva a empezar sin él.",
        extra={"errors": [{"field": "cursor", "in": "query", "message": "invalid cursor"}]},
    )


def decode_cursor(cursor: str, size: int) -> list[Any]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(raw)
        if not isinstance(values, list) or len(values) != size:
            raise ValueError("wrong shape")
    except ValueError as exc:
        raise invalid_cursor() from exc
    out = []
    for v in values:
        if isinstance(v, dict) and "$dt" in v:
            text = v["$dt"]
            out.append(datetime.fromisoformat(text) if "T" in text else date.fromisoformat(text))
        else:
            out.append(v)
    return out


def _typed(value: Any, column: sa.ColumnElement) -> Any:
    """The cursor value as its column's Python type; a tampered cursor is a 400, not a 500."""
    try:
        kind = column.type.python_type
    except NotImplementedError:
        return value
    try:
        if value is None or (isinstance(value, kind) and not (isinstance(value, bool) and kind is not bool)):
            return value
        if kind is UUID:
            return UUID(str(value))
        if kind is Decimal and isinstance(value, int | float | str):
            return Decimal(str(value))
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            return float(value)
    except ValueError:
        pass
    raise invalid_cursor()


def keyset_page(
    stmt: sa.Select,
    order_by: list[sa.ColumnElement],
    *,
    cursor: str | None,
    limit: int,
    descending: bool = False,
) -> sa.Select:
    """Apply order, cursor filter and ``limit + 1`` (the extra row tells if there is more).

    Cursor values are checked against, and bound with, their columns' types (a UUID
    tiebreaker bound as text would make Postgres refuse ``uuid > character varying``).
    """
    if cursor:
        values = decode_cursor(cursor, len(order_by))
        row_key = sa.tuple_(*order_by)
        after = sa.tuple_(
            *[sa.literal(_typed(v, c), type_=c.type) for v, c in zip(values, order_by, strict=True)]
        )
        stmt = stmt.where(row_key < after if descending else row_key > after)
    ordering = [c.desc() if descending else c.asc() for c in order_by]
    return stmt.order_by(*ordering).limit(limit + 1)


def page_of(rows: list[Any], limit: int, key: Any) -> tuple[list[Any], str | None]:
    """Split the ``limit + 1`` rows into the page and the next cursor (``key(row)`` -> sort values)."""
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    return rows, encode_cursor(list(key(rows[-1])))
