"""The circular schema: migrations match the tables, the vocabulary is public."""

from __future__ import annotations

from shared.migrations import drift
from tests.integration.circular.conftest import API


async def test_models_and_migrations_do_not_drift(circular_settings):
    assert await drift(circular_settings) == []


async def test_the_vocabulary_is_public_and_names_the_documents_methodology(client):
    response = await client.get(f"{API}/reference")
    assert response.status_code == 200, response.text
    body = response.json()
    assert [n["name"] for n in body["nodes"]] == ["Arequipa", "La Libertad", "Lima"]
    assert len(body["methodologies"]) == 4
    named = [m["code"] for m in body["methodologies"] if m["named_in_source"]]
    assert named == ["ecocanvas"]
    assert {(m["entity_type"], m["depth"]) for m in body["methodologies"]} == {
        ("public", "awareness"),
        ("public", "accompaniment"),
        ("private", "awareness"),
        ("private", "accompaniment"),
    }
