"""Technical assistance: the log, the per-company timeline, the event."""

from __future__ import annotations

import asyncio

from shared.auth import Role
from shared.events.contracts.training import AssistanceLogged
from tests.integration.training.conftest import API, MONITOR_SUBJECT
from tests.support.testing import TopicReader


async def test_visits_form_a_timeline_ordered_by_date_and_are_announced(
    client, as_role, make_cohort, training_settings
):
    kit = await make_cohort(1)
    company = kit.companies[0]
    monitor = as_role(Role.monitor, subject="monitor-luis")
    url = f"{API}/participants/{company.participant_id}/assistance"
    reader = await asyncio.to_thread(TopicReader, training_settings, AssistanceLogged.TOPIC)
    try:
        later = {
            "held_on": "2025-06-09",
            "mode": "visit",
            "duration_minutes": 120,
            "aspects": ["Energía", "a4", "gestion de residuos solidos"],
            "agreements": "Cambiar luminarias a LED",
            "next_steps": "Cotizar luminarias",
            "next_visit_on": "2025-07-07",
        }
        earlier = {"held_on": "2025-05-12", "mode": "call", "duration_minutes": 30, "aspects": ["Agua"]}
        assert (await client.post(url, json=later, headers=monitor)).status_code == 201
        created = await client.post(url, json=earlier, headers=monitor)
        assert created.status_code == 201 and created.json()["monitor_name"] == "monitor-luis"
        (event,) = await reader.wait_for(
            lambda e: e["payload"]["assistance_id"] == created.json()["assistance_id"]
        )
        assert event["key"] == company.ruc and event["payload"]["aspects"] == ["A3"]
        assert event["schema_version"] == 2 and "monitor_name" not in event["payload"]
    finally:
        reader.close()
    timeline = (await client.get(url, headers=as_role(Role.company, ruc=company.ruc))).json()["data"]
    assert [v["held_on"] for v in timeline] == ["2025-05-12", "2025-06-09"]
    assert timeline[1]["aspects"] == ["A4", "A5"]
    log = await client.get(f"{API}/assistance", params={"cohort_id": str(kit.cohort_id)}, headers=monitor)
    assert [v["held_on"] for v in log.json()["data"]] == ["2025-06-09", "2025-05-12"]


async def test_bad_visits_are_precise_problems(client, as_role, make_cohort, clock):
    kit = await make_cohort(1)
    monitor = as_role(Role.monitor, subject="monitor-luis")
    url = f"{API}/participants/{kit.participant_ids[0]}/assistance"
    tomorrow = clock.today().toordinal() + 1
    from datetime import date

    future = {"held_on": date.fromordinal(tomorrow).isoformat(), "mode": "visit", "duration_minutes": 60}
    response = await client.post(url, json=future, headers=monitor)
    assert response.status_code == 422 and response.json()["rule"] == "assistance_in_future"
    backwards = {
        "held_on": "2025-05-12",
        "mode": "visit",
        "duration_minutes": 60,
        "next_visit_on": "2025-05-01",
    }
    assert (await client.post(url, json=backwards, headers=monitor)).json()["rule"] == "next_visit_not_after"
    bad_mode = await client.post(
        url, json={"held_on": "2025-05-12", "mode": "telepathy", "duration_minutes": 60}, headers=monitor
    )
    assert bad_mode.status_code == 422 and bad_mode.json()["errors"][0]["field"] == "mode"


async def test_an_officer_logging_a_visit_is_not_recorded_as_the_monitor(client, as_role, make_cohort):
    kit = await make_cohort(1)
    officer = as_role(Role.promperu_officer, subject="officer-ana")
    url = f"{API}/participants/{kit.participant_ids[0]}/assistance"
    visit = {"held_on": "2025-05-12", "mode": "visit", "duration_minutes": 60, "aspects": ["A1"]}
    created = await client.post(url, json=visit, headers=officer)
    assert created.status_code == 201, created.text
    assert created.json()["monitor_name"] == "Luis Paredes"  # the assigned monitor, not the officer
    assert created.json()["logged_by_name"] == "officer-ana"
    by_officer = await client.get(
        f"{API}/assistance",
        params={"monitor": "officer-ana", "cohort_id": str(kit.cohort_id)},
        headers=officer,
    )
    assert by_officer.json()["data"] == []


async def test_visit_aspects_come_from_the_standards_list(client, as_role, make_cohort):
    kit = await make_cohort(1)
    url = f"{API}/participants/{kit.participant_ids[0]}/assistance"
    visit = {
        "held_on": "2025-05-12",
        "mode": "visit",
        "duration_minutes": 60,
        "aspects": ["A3", "Charla libre"],
    }
    # The participant's assigned monitor: any other monitor would get a 404 (shared/access.py).
    response = await client.post(url, json=visit, headers=as_role(Role.monitor, subject=MONITOR_SUBJECT))
    assert response.status_code == 422 and response.json()["rule"] == "aspect_not_in_standard"
    assert response.json()["errors"] == [
        {"field": "aspects[1]", "in": "body", "message": "not an aspect: 'Charla libre'"}
    ]
