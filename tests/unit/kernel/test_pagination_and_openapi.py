"""Cursor encoding and the gateway's OpenAPI merge: pure functions."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import pytest

from services.gateway.openapi_merge import merge_openapi
from shared.errors import BadRequest
from shared.pagination import decode_cursor, encode_cursor, page_of


def test_cursor_round_trips_dates_uuids_and_text():
    values = [datetime(2026, 1, 31, 12, tzinfo=UTC), date(2024, 2, 29), str(uuid.uuid4()), "Café", 7]
    assert decode_cursor(encode_cursor(values), len(values)) == values


@pytest.mark.parametrize("garbage", ["%%%", "bm90IGpzb24", encode_cursor([1, 2])])
def test_bad_cursor_is_a_400_problem(garbage):
    with pytest.raises(BadRequest):
        decode_cursor(garbage, 3)


def test_page_of_returns_cursor_only_when_more_rows_exist():
    rows = [(i, f"n{i}") for i in range(4)]
    page, cursor = page_of(rows, 3, key=lambda r: [r[0]])
    assert page == rows[:3] and decode_cursor(cursor, 1) == [2]
    assert page_of(rows[:3], 3, key=lambda r: [r[0]]) == (rows[:3], None)


def test_merge_keeps_paths_and_renames_clashing_schemas():
    def doc(prop: str) -> dict:
        return {
            "openapi": "3.1.0",
            "info": {"title": "x", "version": "1"},
            "paths": {
                f"/api/v1/{prop}/things": {
                    "get": {
                        "operationId": f"{prop}_list",
                        "responses": {
                            "200": {
                                "content": {
                                    "application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}
                                }
                            }
                        },
                    }
                },
                "/health": {"get": {"operationId": f"{prop}_health"}},
            },
            "components": {
                "schemas": {"Thing": {"type": "object", "properties": {prop: {"type": "string"}}}}
            },
        }

    merged = merge_openapi(
        {"enrollment": doc("enrollment"), "catalog": doc("catalog")}, title="t", version="1"
    )
    assert set(merged["paths"]) == {"/api/v1/enrollment/things", "/api/v1/catalog/things"}
    assert set(merged["components"]["schemas"]) == {"Thing", "CatalogThing"}
    assert merged["components"]["schemas"]["CatalogThing"]["title"] == "CatalogThing", "generators use titles"
    ref = merged["paths"]["/api/v1/catalog/things"]["get"]["responses"]["200"]["content"]["application/json"]
    assert ref["schema"]["$ref"] == "#/components/schemas/CatalogThing"


def test_keyset_binds_cursor_values_with_their_column_types():
    import sqlalchemy as sa

    from shared.pagination import keyset_page

    table = sa.Table(
        "t", sa.MetaData(), sa.Column("created_at", sa.DateTime(timezone=True)), sa.Column("id", sa.Uuid)
    )
    ident = uuid.uuid4()
    cursor = encode_cursor([datetime(2026, 1, 1, tzinfo=UTC), str(ident)])
    stmt = keyset_page(sa.select(table), [table.c.created_at, table.c.id], cursor=cursor, limit=10)
    params = stmt.compile().params
    assert ident in params.values(), "the UUID tiebreaker is bound as a UUID, not text"
    with pytest.raises(BadRequest):
        keyset_page(
            sa.select(table), [table.c.created_at, table.c.id], cursor=encode_cursor(["x", "y"]), limit=10
        )
