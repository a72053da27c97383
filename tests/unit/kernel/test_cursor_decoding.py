"""A cursor never raises past the decoder: anything malformed is the one 400 invalid-cursor problem."""

from __future__ import annotations

import base64
import uuid
from datetime import UTC, date, datetime

import orjson
import pytest
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import UUID

from shared.errors import BadRequest
from shared.pagination import decode_cursor, encode_cursor, keyset_page, typed_cursor


def raw(values) -> str:
    return base64.urlsafe_b64encode(orjson.dumps(values)).decode().rstrip("=")


@pytest.mark.parametrize(
    "cursor",
    [
        raw([{"$dt": "x"}, "y"]),  # the reproduction
        raw([{"$dt": 1}, "y"]),
        raw([{"$dt": None}, "y"]),
        raw([{"$dt": "2025-13-45"}, "y"]),
        raw([{"$dt": "2025-01-01T25:00:00"}, "y"]),
        raw([{"$dt": "2025-01-01", "x": 1}, "y"]),
        raw([{"other": 1}, "y"]),
        raw([[1, 2], "y"]),
        raw({"a": 1}),
        raw([1]),
        base64.urlsafe_b64encode(b"\xff\xfe[").decode(),
        base64.urlsafe_b64encode(b"[" * 100_000).decode(),
        "%%%",
        "",
    ],
)
def test_malformed_cursors_are_the_invalid_cursor_problem(cursor):
    with pytest.raises(BadRequest) as error:
        decode_cursor(cursor, 2)
    assert error.value.status == 400
    assert error.value.extra["errors"][0]["field"] == "cursor"


table = sa.Table(
    "rows",
    sa.MetaData(),
    sa.Column("created_at", sa.DateTime(timezone=True)),
    sa.Column("day", sa.Date),
    sa.Column("n", sa.Integer),
    sa.Column("share", sa.Float),
    sa.Column("name", sa.Text),
    sa.Column("id", UUID(as_uuid=True)),
)


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("created_at", datetime(2026, 1, 1)),  # no offset for a timestamptz
        ("created_at", date(2026, 1, 1)),
        ("day", datetime(2026, 1, 1, tzinfo=UTC)),
        ("n", 2**31),
        ("n", True),
        ("n", "1"),
        ("share", float("nan")),
        ("name", "a\x00b"),
        ("name", 3),
        ("id", "not-a-uuid"),
    ],
)
def test_values_postgres_would_refuse_are_the_invalid_cursor_problem(column, value):
    with pytest.raises(BadRequest) as error:
        typed_cursor(encode_cursor([value]), [table.c[column]])
    assert error.value.extra["errors"][0]["field"] == "cursor"


def test_good_values_come_back_with_their_column_types():
    ident = uuid.uuid4()
    cursor = encode_cursor([datetime(2026, 1, 1, tzinfo=UTC), date(2026, 2, 1), 7, 2, "Peña", str(ident)])
    columns = [table.c[n] for n in ("created_at", "day", "n", "share", "name", "id")]
    assert typed_cursor(cursor, columns) == [
        datetime(2026, 1, 1, tzinfo=UTC),
        date(2026, 2, 1),
        7,
        2.0,
        "Peña",
        ident,
    ]
    keyset_page(sa.select(table), columns, cursor=cursor, limit=10)  # binds without raising
