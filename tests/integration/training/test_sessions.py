"""Scheduling in Lima time, rescheduling, cancelling, listing."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime

from shared.events.contracts.training import SessionCancelled, SessionScheduled
from tests.integration.training.conftest import API, create_session, new_dni, report, upload
from tests.support.testing import TopicReader


async def test_a_session_is_scheduled_in_lima_time_with_the_curriculum_duration(
    client, officer, make_cohort, training_settings
):
    kit = await make_cohort(1)
    reader = await asyncio.to_thread(TopicReader, training_settings, SessionScheduled.TOPIC)
    try:
        body = {
            "cohort_id": str(kit.cohort_id),
            "workshop_number": 3,
            "starts_at": "2025-04-08T09:00:00",
            "mode": "in_person",
            "venue": "PROMPERÚ, Calle Uno Oeste 50, San Isidro",
            "trainer": "Ing. Rosa Quispe",
            "capacity": 40,
        }
        response = await client.post(f"{API}/sessions", json=body, headers=officer)
        assert response.status_code == 201, response.text
        session = response.json()
        assert session["starts_at"] == "2025-04-08T09:00:00-05:00"
        assert session["ends_at"] == "2025-04-08T11:00:00-05:00"  # Taller 3: 2 h
        assert session["workshop_title"] == "Economía circular" and session["status"] == "scheduled"
        (event,) = await reader.wait_for(lambda e: e["payload"]["session_id"] == session["session_id"])
        assert event["key"] == str(kit.cohort_id)
        starts = datetime.fromisoformat(event["payload"]["starts_at"])
        assert starts == datetime(2025, 4, 8, 14, 0, tzinfo=UTC)  # 09:00 in Lima
        assert event["payload"]["rescheduled"] is False and event["payload"]["venue"].startswith("PROMPERÚ")
        assert event["schema_version"] == 2 and "trainer" not in event["payload"]  # a person's name (v2)
    finally:
        reader.close()


async def test_a_workshop_without_duration_takes_the_cohorts(client, officer, make_cohort):
    kit = await make_cohort(1)
    body = {"cohort_id": str(kit.cohort_id), "workshop_number": 5, "starts_at": "2025-05-06T15:00:00-05:00"}
    body |= {"mode": "virtual", "link": "https://meet.example/t5"}
    refused = await client.post(f"{API}/sessions", json=body, headers=officer)
    assert refused.status_code == 422
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["rule"] == "duration_required"
    patched = await client.patch(
        f"{API}/cohorts/{kit.cohort_id}/settings", json={"workshop_durations": {"5": 180}}, headers=officer
    )
    assert patched.json()["workshop_durations"] == {"5": 180}
    created = await client.post(f"{API}/sessions", json=body, headers=officer)
    assert created.status_code == 201 and created.json()["duration_minutes"] == 180


async def test_bad_session_input_is_a_precise_problem(client, officer, make_cohort):
    kit = await make_cohort(1)
    base = {"cohort_id": str(kit.cohort_id), "workshop_number": 1, "starts_at": "2025-04-08T09:00:00"}
    no_venue = await client.post(f"{API}/sessions", json=base | {"mode": "in_person"}, headers=officer)
    assert no_venue.status_code == 422 and no_venue.json()["rule"] == "venue_required"
    bad_workshop = await client.post(
        f"{API}/sessions",
        json=base | {"workshop_number": 11, "mode": "virtual", "link": "x"},
        headers=officer,
    )
    assert bad_workshop.status_code == 422
    assert bad_workshop.json()["errors"][0]["field"] == "workshop_number"
    backwards = base | {"mode": "virtual", "link": "x", "ends_at": "2025-04-08T08:00:00"}
    assert (await client.post(f"{API}/sessions", json=backwards, headers=officer)).json()[
        "rule"
    ] == "ends_before_start"
    unknown = base | {"cohort_id": str(uuid.uuid4()), "mode": "virtual", "link": "x"}
    assert (await client.post(f"{API}/sessions", json=unknown, headers=officer)).status_code == 404


async def test_creating_with_the_same_idempotency_key_creates_one_session(client, officer, make_cohort):
    kit = await make_cohort(1)
    body = {"cohort_id": str(kit.cohort_id), "workshop_number": 2, "starts_at": "2025-04-09T09:00:00"}
    body |= {"mode": "virtual", "link": "https://meet.example/t2"}
    headers = officer | {"Idempotency-Key": uuid.uuid4().hex}
    first = await client.post(f"{API}/sessions", json=body, headers=headers)
    again = await client.post(f"{API}/sessions", json=body, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.headers["idempotent-replayed"] == "true"
    assert first.json()["session_id"] == again.json()["session_id"]
    listed = await client.get(f"{API}/sessions", params={"cohort_id": str(kit.cohort_id)}, headers=officer)
    assert len(listed.json()["data"]) == 1


async def test_listing_filters_and_pages_by_start_time(client, officer, as_role, make_cohort):
    kit = await make_cohort(1)
    for day, workshop in ((10, 2), (8, 1), (9, 1)):
        await create_session(client, officer, kit.cohort_id, workshop, day=day)
    seen, cursor = [], None
    while True:
        params = {"cohort_id": str(kit.cohort_id), "limit": 2} | ({"cursor": cursor} if cursor else {})
        page = (await client.get(f"{API}/sessions", params=params, headers=officer)).json()
        seen += [s["starts_at"][:10] for s in page["data"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == ["2025-04-08", "2025-04-09", "2025-04-10"]
    only_one = await client.get(
        f"{API}/sessions",
        params={
            "cohort_id": str(kit.cohort_id),
            "workshop_number": 1,
            "date_from": "2025-04-09",
            "date_to": "2025-04-09",
        },
        headers=as_role("company", ruc=kit.companies[0].ruc),
    )
    assert [s["starts_at"][:10] for s in only_one.json()["data"]] == ["2025-04-09"]
    bad_cursor = await client.get(f"{API}/sessions", params={"cursor": "%%%"}, headers=officer)
    assert bad_cursor.status_code == 400


async def test_reschedule_announces_the_session_again(client, officer, make_cohort, training_settings):
    kit = await make_cohort(1)
    session = await create_session(client, officer, kit.cohort_id, 4)
    reader = await asyncio.to_thread(TopicReader, training_settings, SessionScheduled.TOPIC)
    try:
        moved = await client.post(
            f"{API}/sessions/{session['session_id']}/reschedule",
            json={"starts_at": "2025-04-15T10:30:00", "duration_minutes": 90},
            headers=officer,
        )
        assert moved.status_code == 200, moved.text
        assert moved.json()["ends_at"] == "2025-04-15T12:00:00-05:00"
        # The reader may also see the creation's announcement when the relay published it late
        # (a loaded machine): the reschedule is the one announcement marked as such.
        (event,) = await reader.wait_for(
            lambda e: e["payload"]["session_id"] == session["session_id"] and e["payload"]["rescheduled"]
        )
        assert event["payload"]["rescheduled"] is True
    finally:
        reader.close()


async def test_cancel_is_refused_with_attendance_and_final_without(
    client, officer, make_cohort, training_settings
):
    kit = await make_cohort(1)
    attended = await create_session(client, officer, kit.cohort_id, 1)
    ruc = kit.companies[0].ruc
    await upload(client, officer, attended["session_id"], report([("Ana", None, None, 50, new_dni(), ruc)]))
    refused = await client.post(f"{API}/sessions/{attended['session_id']}/cancel", json={}, headers=officer)
    assert refused.status_code == 409
    assert refused.json()["attendance_count"] == 1 and "attendance" in refused.json()["detail"]

    empty = await create_session(client, officer, kit.cohort_id, 2)
    reader = await asyncio.to_thread(TopicReader, training_settings, SessionCancelled.TOPIC)
    try:
        cancelled = await client.post(
            f"{API}/sessions/{empty['session_id']}/cancel", json={"reason": "Feriado"}, headers=officer
        )
        assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
        await reader.wait_for(lambda e: e["payload"]["session_id"] == empty["session_id"])
    finally:
        reader.close()
    again = await client.post(f"{API}/sessions/{empty['session_id']}/reschedule", json={}, headers=officer)
    assert again.status_code == 409
    assert again.json()["type"].endswith("invalid-transition") and again.json()["allowed_transitions"] == []
    late = await upload(
        client, officer, empty["session_id"], report([("Ana", None, None, 50, new_dni(), ruc)])
    )
    assert late.status_code == 409
