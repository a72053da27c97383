"""The completion rule's edge cases, and training.program.completed exactly once on Kafka."""

from __future__ import annotations

import asyncio

from shared.events.contracts.training import ProgramCompleted, ProgramCompletionRevoked
from tests.integration.training.conftest import API, create_session, new_dni, outbox_events, report, upload
from tests.support.testing import TopicReader, eventually

COMPLETED, REVOKED = ProgramCompleted.TOPIC, ProgramCompletionRevoked.TOPIC


async def progress(client, officer, participant_id) -> dict:
    response = await client.get(f"{API}/participants/{participant_id}/progress", headers=officer)
    assert response.status_code == 200, response.text
    return response.json()


async def register(client, officer, participant_id, **extra) -> dict:
    body = {"dni": new_dni(), "full_name": "Persona de prueba", "gender": "female"} | extra
    response = await client.post(f"{API}/participants/{participant_id}/attendees", json=body, headers=officer)
    assert response.status_code == 201, response.text
    return response.json()


async def record(client, headers, session_id, attendee_id, **body):
    return await client.put(
        f"{API}/sessions/{session_id}/attendance/{attendee_id}", json=body, headers=headers
    )


async def test_exactly_the_minimum_share_attends_and_one_second_less_does_not(client, officer, make_cohort):
    kit = await make_cohort(2, mandatory=[1])
    session = await create_session(client, officer, kit.cohort_id, 1)  # 60 minutes, 09:00-10:00 Lima
    exact = await register(client, officer, kit.participant_ids[0])
    short = await register(client, officer, kit.participant_ids[1])
    ok = await record(
        client,
        officer,
        session["session_id"],
        exact["attendee_id"],
        check_in="2025-04-08T09:15:00",
        check_out="2025-04-08T10:00:00",
    )
    assert ok.status_code == 200, ok.text
    assert ok.json()["share"] == 0.75 and ok.json()["minutes_present"] == 45
    await record(
        client,
        officer,
        session["session_id"],
        short["attendee_id"],
        check_in="2025-04-08T09:15:01",
        check_out="2025-04-08T10:00:00",
    )
    first, second = [await progress(client, officer, p) for p in kit.participant_ids]
    assert first["workshops"][1]["attended"] is True and first["completion_state"] == "completed"
    assert second["workshops"][1]["attended"] is False and second["completion_state"] == "in_progress"


async def test_attendance_split_across_two_people_does_not_add_up(client, officer, make_cohort):
    kit = await make_cohort(1, mandatory=[1])
    session = await create_session(client, officer, kit.cohort_id, 1)
    ruc = kit.companies[0].ruc
    # Morning person 09:00-09:40, afternoon person 09:30-10:00: together the whole hour,
    # each below 75 %: the company did not attend (documented rule: one person must reach it).
    text = report(
        [
            ("Ana", "04/08/2025 09:00 AM", "04/08/2025 09:40 AM", None, new_dni(), ruc),
            ("Beto", "04/08/2025 09:30 AM", "04/08/2025 10:00 AM", None, new_dni(), ruc),
        ]
    )
    assert (await upload(client, officer, session["session_id"], text)).json()["people_recorded"] == 2
    cell = (await progress(client, officer, kit.participant_ids[0]))["workshops"][1]
    assert cell == cell | {"attended": False, "best_share": 0.6667, "attendees_present": 2}


async def test_a_withdrawn_company_is_refused_and_never_completes(
    client, officer, make_cohort, training_settings
):
    from datetime import UTC, datetime

    from shared.events.contracts.enrollment import ParticipantWithdrawn
    from tests.support.testing import publish_event

    kit = await make_cohort(1, mandatory=[1])
    company = kit.companies[0]
    attendee = await register(client, officer, company.participant_id)
    withdrawal = ParticipantWithdrawn(
        participant_id=company.participant_id,
        company_id=company.company_id,
        ruc=company.ruc,
        cohort_id=kit.cohort_id,
        withdrawn_at=datetime.now(UTC),
    )
    await asyncio.to_thread(publish_event, training_settings, withdrawal)

    async def withdrawn():
        return (await progress(client, officer, company.participant_id))["status"] == "withdrawn"

    await eventually(withdrawn, message="withdrawal applied")
    session = await create_session(client, officer, kit.cohort_id, 1)
    refused = await record(
        client, officer, session["session_id"], attendee["attendee_id"], minutes_present=60
    )
    assert refused.status_code == 422 and refused.json()["rule"] == "participant_withdrawn"
    bulk = await upload(
        client,
        officer,
        session["session_id"],
        report([("Ana", None, None, 60, attendee["dni"], company.ruc)]),
    )
    assert bulk.json()["people_recorded"] == 0 and "withdrawn" in bulk.json()["errors"][0]["message"]
    assert (await progress(client, officer, company.participant_id))["completion_state"] == "in_progress"


async def test_making_a_workshop_optional_completes_and_mandatory_again_revokes(
    client, officer, make_cohort, training_app
):
    kit = await make_cohort(1, mandatory=[1, 2])
    ruc, pid = kit.companies[0].ruc, kit.participant_ids[0]
    session = await create_session(client, officer, kit.cohort_id, 1)
    await upload(client, officer, session["session_id"], report([("Ana", None, None, 60, new_dni(), ruc)]))
    assert (await progress(client, officer, pid))["missing_workshops"] == [2]

    optional = await client.patch(
        f"{API}/cohorts/{kit.cohort_id}/settings", json={"mandatory_workshops": [1]}, headers=officer
    )
    assert optional.status_code == 200
    assert (await progress(client, officer, pid))["completion_state"] == "completed"
    mandatory = await client.patch(
        f"{API}/cohorts/{kit.cohort_id}/settings", json={"mandatory_workshops": [1, 2]}, headers=officer
    )
    assert mandatory.status_code == 200
    assert (await progress(client, officer, pid))["completion_state"] == "revoked"
    (completed,) = await outbox_events(training_app, COMPLETED, pid)
    (revoked,) = await outbox_events(training_app, REVOKED, pid)
    assert completed["payload"]["workshops_attended"] == [1]
    assert revoked["payload"] == revoked["payload"] | {"missing_workshops": [2], "reason": "settings_changed"}


async def test_completed_is_published_exactly_once_on_kafka_then_revoked_and_again(
    client, officer, make_cohort, training_app, training_settings
):
    kit = await make_cohort(1)  # default rule: Talleres 1-10 mandatory, 75 %
    ruc, pid = kit.companies[0].ruc, kit.participant_ids[0]
    dni = new_dni()
    reader = await asyncio.to_thread(TopicReader, training_settings, COMPLETED)
    try:
        sessions = {}
        for workshop in range(0, 11):
            sessions[workshop] = await create_session(
                client, officer, kit.cohort_id, workshop, day=1 + workshop
            )
        texts = {}
        for workshop, session in sessions.items():
            texts[workshop] = report([("Ana", None, None, 55, dni, ruc)])
            response = await upload(client, officer, session["session_id"], texts[workshop])
            assert response.status_code == 200 and response.json()["errors"] == []
        assert (await progress(client, officer, pid))["completion_state"] == "completed"

        # Everything that re-evaluates without changing the outcome publishes nothing more.
        await upload(client, officer, sessions[10]["session_id"], texts[10])
        await upload(client, officer, sessions[0]["session_id"], report([("Ana", None, None, 10, dni, ruc)]))
        await client.patch(
            f"{API}/cohorts/{kit.cohort_id}/settings",
            json={"mandatory_workshops": list(range(1, 11))},
            headers=officer,
        )
        await client.patch(
            f"{API}/cohorts/{kit.cohort_id}/settings", json={"min_attendance_share": 0.8}, headers=officer
        )

        async def all_published():
            events = await outbox_events(training_app, COMPLETED, pid)
            return events and all(e["published"] for e in events) and events

        assert len(await outbox_events(training_app, COMPLETED, pid)) == 1
        await eventually(all_published, message="the outbox relay published the completion")
        await asyncio.to_thread(reader.drain)
        on_kafka = [e for e in reader.envelopes() if e["payload"]["participant_id"] == str(pid)]
        assert len(on_kafka) == 1 and on_kafka[0]["payload"]["workshops_attended"] == list(range(0, 11))

        # A correction that undoes completion revokes it; completing again publishes again.
        attendee_id = (await client.get(f"{API}/participants/{pid}/attendees", headers=officer)).json()[
            "data"
        ][0]["attendee_id"]
        deleted = await client.delete(
            f"{API}/sessions/{sessions[7]['session_id']}/attendance/{attendee_id}", headers=officer
        )
        assert deleted.status_code == 204
        assert (await progress(client, officer, pid))["missing_workshops"] == [7]
        (revoked,) = await outbox_events(training_app, REVOKED, pid)
        assert (
            revoked["payload"]["missing_workshops"] == [7]
            and revoked["payload"]["reason"] == "attendance_corrected"
        )
        again = await record(client, officer, sessions[7]["session_id"], attendee_id, minutes_present=60)
        assert again.status_code == 200
        await reader.wait_for(lambda e: e["payload"]["participant_id"] == str(pid), count=2)
        assert len(await outbox_events(training_app, COMPLETED, pid)) == 2
    finally:
        reader.close()


async def test_concurrent_corrections_complete_once(client, officer, make_cohort, training_app):
    kit = await make_cohort(1, mandatory=[1])
    pid = kit.participant_ids[0]
    session = await create_session(client, officer, kit.cohort_id, 1)
    people = [await register(client, officer, pid) for _ in range(4)]
    responses = await asyncio.gather(
        *(
            record(client, officer, session["session_id"], p["attendee_id"], minutes_present=60)
            for p in people
        )
    )
    assert [r.status_code for r in responses] == [200] * 4
    assert len(await outbox_events(training_app, COMPLETED, pid)) == 1


async def test_a_longer_session_after_the_fact_revokes_completion(client, officer, make_cohort, training_app):
    kit = await make_cohort(1, mandatory=[1])
    pid = kit.participant_ids[0]
    session = await create_session(client, officer, kit.cohort_id, 1)  # 60 minutes
    await upload(
        client,
        officer,
        session["session_id"],
        report([("Ana", None, None, 45, new_dni(), kit.companies[0].ruc)]),
    )
    assert (await progress(client, officer, pid))["completion_state"] == "completed"
    longer = await client.post(
        f"{API}/sessions/{session['session_id']}/reschedule", json={"duration_minutes": 90}, headers=officer
    )
    assert longer.status_code == 200
    after = await progress(client, officer, pid)
    assert after["completion_state"] == "revoked" and after["workshops"][1]["best_share"] == 0.5
    (revoked,) = await outbox_events(training_app, REVOKED, pid)
    assert revoked["payload"]["reason"] == "session_rescheduled"


async def test_attendance_waits_for_the_session_to_begin(client, officer, make_cohort, clock):
    kit = await make_cohort(1)
    next_year = clock.today().year + 1
    session = await create_session(client, officer, kit.cohort_id, 1, starts_at=f"{next_year}-04-08T09:00:00")
    early = await upload(
        client,
        officer,
        session["session_id"],
        report([("Ana", None, None, 45, new_dni(), kit.companies[0].ruc)]),
    )
    assert early.status_code == 422 and early.json()["rule"] == "session_not_started"
