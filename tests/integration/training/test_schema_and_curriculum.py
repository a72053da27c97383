"""The migrations match the models, and the curriculum is the annex's."""

from __future__ import annotations

from shared.migrations import drift
from tests.integration.training.conftest import API


async def test_migrations_and_models_do_not_drift(training_settings):
    assert await drift(training_settings) == []


async def test_curriculum_is_public_and_matches_the_annex(client):
    response = await client.get(f"{API}/curriculum")
    assert response.status_code == 200
    body = response.json()
    durations = {w["number"]: w["duration_minutes"] for w in body["workshops"]}
    assert durations == {
        0: 60,
        1: 120,
        2: 120,
        3: 120,
        4: 120,
        5: None,
        6: None,
        7: 120,
        8: 150,
        9: 120,
        10: None,
    }
    assert body["default_mandatory_workshops"] == list(range(1, 11))
    assert body["default_min_attendance_share"] == 0.75
    assert body["workshops"][7]["title_es"].startswith("IPERC")
