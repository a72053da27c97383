"""Cursor (keyset) pagination with stable sorting, the same in every service.

A cursor is the opaque base64url JSON of the last row's sort key; the next page is
the rows strictly after it in ``ORDER BY <sort columns>, <unique tiebreaker>``. Unlike
offsets it neither skips nor repeats rows when others are inserted meanwhile.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
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
    """The cursor's values; anything malformed (base64, JSON, shape, dates) is the one 400 answer.

    Nothing raised while decoding gets past this function: a tampered cursor is the
    client's mistake, never a server error.
    """
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(raw)
        if not isinstance(values, list) or len(values) != size:
            raise ValueError("wrong shape")
        return [_from_json(v) for v in values]
    except (ValueError, TypeError, KeyError, RecursionError, OverflowError) as exc:
        # binascii.Error and UnicodeDecodeError are ValueErrors; TypeError covers `{"$dt": 1}`.
        raise invalid_cursor() from exc


def _from_json(value: Any) -> Any:
    if isinstance(value, dict):
        if set(value) != {"$dt"} or not isinstance(value["$dt"], str):
            raise ValueError("not a cursor value")
        text = value["$dt"]
        return datetime.fromisoformat(text) if "T" in text else date.fromisoformat(text)
    if isinstance(value, list):
        raise ValueError("not a cursor value")
    return value


_PG_INT_BOUNDS = {sa.SmallInteger: 2**15, sa.Integer: 2**31, sa.BigInteger: 2**63}


def _typed(value: Any, column: sa.ColumnElement[Any]) -> Any:
    """The cursor value as its column's Python type; a tampered cursor is a 400, not a 500.

    Besides the type, the value must be one Postgres accepts for the column: no NUL in
    text, integers in the column's range, finite numbers, timestamps with an offset for
    ``timestamptz`` columns.
    """
    try:
        kind = column.type.python_type
    except NotImplementedError:
        kind = None
    if value is None:
        return value
    try:
        if kind is None:
            if isinstance(value, str) and "\x00" in value:
                raise ValueError("NUL in text")
            return value
        if kind is str and isinstance(value, str):
            if "\x00" in value:
                raise ValueError("NUL in text")
            return value
        if kind is int and isinstance(value, int) and not isinstance(value, bool):
            bound = next((b for t, b in _PG_INT_BOUNDS.items() if isinstance(column.type, t)), 2**63)
            if not -bound <= value < bound:
                raise ValueError("integer out of range")
            return value
        if kind is bool and isinstance(value, bool):
            return value
        if kind is datetime and isinstance(value, datetime):
            if getattr(column.type, "timezone", False) and value.tzinfo is None:
                raise ValueError("timestamp without offset")
            return value
        if kind is date and isinstance(value, date) and not isinstance(value, datetime):
            return value
        if kind is UUID:
            return UUID(str(value))
        if kind is Decimal and isinstance(value, int | float | str) and not isinstance(value, bool):
            number = Decimal(str(value))
            if not number.is_finite():
                raise ValueError("not a finite number")
            return number
        if kind is float and isinstance(value, int | float) and not isinstance(value, bool):
            real = float(value)
            if real != real or real in (float("inf"), float("-inf")):
                raise ValueError("not a finite number")
            return real
        if kind not in (str, int, bool, datetime, date, UUID, Decimal, float) and isinstance(value, kind):
            return value
    except (ValueError, TypeError, ArithmeticError) as exc:
        raise invalid_cursor() from exc
    raise invalid_cursor()


def typed_cursor(cursor: str, columns: list[sa.ColumnElement[Any]]) -> list[Any]:
    """A cursor's values checked against, and converted to, the sort columns' types."""
    values = decode_cursor(cursor, len(columns))
    return [_typed(v, c) for v, c in zip(values, columns, strict=True)]


def keyset_page(
    stmt: sa.Select[Any],
    order_by: Sequence[sa.ColumnElement[Any]],
    *,
    cursor: str | None,
    limit: int,
    descending: bool = False,
) -> sa.Select[Any]:
    """Apply order, cursor filter and ``limit + 1`` (the extra row tells if there is more).

    Cursor values are checked against, and bound with, their columns' types (a UUID
    tiebreaker bound as text would make Postgres refuse ``uuid > character varying``).
    """
    if cursor:
        values = typed_cursor(cursor, list(order_by))
        row_key = sa.tuple_(*order_by)
        after = sa.tuple_(*[sa.literal(v, type_=c.type) for v, c in zip(values, order_by, strict=True)])
        stmt = stmt.where(row_key < after if descending else row_key > after)
    ordering = [c.desc() if descending else c.asc() for c in order_by]
    return stmt.order_by(*ordering).limit(limit + 1)


def page_of(rows: list[Any], limit: int, key: Any) -> tuple[list[Any], str | None]:
    """Split the ``limit + 1`` rows into the page and the next cursor (``key(row)`` -> sort values)."""
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    return rows, encode_cursor(list(key(rows[-1])))
