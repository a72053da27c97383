"""Who may do what: the role and company crossings."""

from __future__ import annotations

import uuid

from shared.auth import Role
from tests.integration.training.conftest import API, create_session, new_dni, report, upload


async def test_without_identity_is_401_and_a_forged_one_too(client):
    assert (await client.get(f"{API}/sessions")).status_code == 401
    forged = await client.get(f"{API}/sessions", headers={"X-Eco-Identity": "e30.bad"})
    assert forged.status_code == 401 and forged.json()["type"].endswith("unauthorized")


async def test_roles_that_may_not_manage_sessions_get_403(client, as_role, make_cohort):
    kit = await make_cohort(1)
    body = {"cohort_id": str(kit.cohort_id), "workshop_number": 1, "starts_at": "2025-04-08T09:00:00"}
    body |= {"mode": "virtual", "link": "https://meet.example/x"}
    for role in (Role.monitor, Role.company, Role.auditor, Role.certification_body):
        response = await client.post(
            f"{API}/sessions", json=body, headers=as_role(role, ruc=kit.companies[0].ruc)
        )
        assert response.status_code == 403, role
    assert (await client.post(f"{API}/sessions", json=body, headers=as_role(Role.admin))).status_code == 201


async def test_a_company_sees_only_itself(client, officer, as_role, make_cohort):
    kit = await make_cohort(2)
    mine, other = kit.companies
    me = as_role(Role.company, ruc=mine.ruc)
    assert (
        await client.get(f"{API}/participants/{mine.participant_id}/progress", headers=me)
    ).status_code == 200
    # Another company's records are not there for it: 404, as for records that do not exist.
    refused = await client.get(f"{API}/participants/{other.participant_id}/progress", headers=me)
    assert refused.status_code == 404 and refused.json()["type"].endswith("not-found")
    listed = await client.get(f"{API}/participants", params={"cohort_id": str(kit.cohort_id)}, headers=me)
    assert [p["ruc"] for p in listed.json()["data"]] == [mine.ruc]
    assert (await client.get(f"{API}/participants", params={"ruc": other.ruc}, headers=me)).status_code == 404
    assert (await client.get(f"{API}/cohorts/{kit.cohort_id}/progress", headers=me)).status_code == 403
    assert (
        await client.get(f"{API}/participants/{other.participant_id}/attendees", headers=me)
    ).status_code == 404

    session = await create_session(client, officer, kit.cohort_id, 1)
    text = report(
        [("Ana", None, None, 60, new_dni(), mine.ruc), ("Otro", None, None, 60, new_dni(), other.ruc)]
    )
    await upload(client, officer, session["session_id"], text)
    seen = await client.get(f"{API}/sessions/{session['session_id']}/attendance", headers=me)
    assert [r["ruc"] for r in seen.json()["data"]] == [mine.ruc]
    attendee = seen.json()["data"][0]["attendee_id"]
    assert (
        await client.put(
            f"{API}/sessions/{session['session_id']}/attendance/{attendee}",
            json={"minutes_present": 5},
            headers=me,
        )
    ).status_code == 403
    others = await client.get(
        f"{API}/sessions/{session['session_id']}/attendance", params={"ruc": other.ruc}, headers=me
    )
    assert others.status_code == 404


async def test_monitor_records_attendance_and_assistance_but_not_settings(client, as_role, make_cohort):
    kit = await make_cohort(1)
    monitor = as_role(Role.monitor, subject="monitor-luis")
    patch = await client.patch(
        f"{API}/cohorts/{kit.cohort_id}/settings", json={"min_attendance_share": 0.5}, headers=monitor
    )
    assert patch.status_code == 403
    assert (await client.get(f"{API}/cohorts/{kit.cohort_id}/progress", headers=monitor)).status_code == 200
    body = {"held_on": "2025-05-12", "mode": "call", "duration_minutes": 30}
    assert (
        await client.post(
            f"{API}/participants/{kit.participant_ids[0]}/assistance", json=body, headers=monitor
        )
    ).status_code == 201
    auditor = as_role(Role.auditor)
    assert (
        await client.post(
            f"{API}/participants/{kit.participant_ids[0]}/assistance", json=body, headers=auditor
        )
    ).status_code == 403


async def test_partner_needs_the_training_scopes(client, officer, as_role, make_cohort):
    kit = await make_cohort(1)
    session = await create_session(client, officer, kit.cohort_id, 1)
    matrix = f"{API}/cohorts/{kit.cohort_id}/progress"
    no_scope = await client.get(matrix, headers=as_role(Role.partner))
    assert no_scope.status_code == 403 and no_scope.json()["required_scope"] == "training:read"
    assert (
        await client.get(matrix, headers=as_role(Role.partner, scopes=["training:read"]))
    ).status_code == 200
    text = report([("Ana", None, None, 60, new_dni(), kit.companies[0].ruc)])
    read_only = as_role(Role.partner, scopes=["training:read"])
    assert (await upload(client, read_only, session["session_id"], text)).status_code == 403
    writer = as_role(Role.partner, scopes=["training:write"])
    assert (await upload(client, writer, session["session_id"], text)).status_code == 200
    assert (await client.get(f"{API}/participants/{uuid.uuid4()}", headers=officer)).status_code == 404


async def test_a_monitor_acts_only_for_the_companies_assigned_to_it(client, officer, as_role, make_cohort):
    """Attendance decides completion, and so certification eligibility: only the company's own
    monitor (or an officer) records, corrects or deletes it, registers its people, logs visits."""
    kit = await make_cohort(2)
    mine, other = kit.companies
    session = await create_session(client, officer, kit.cohort_id, 1)
    people = [("Ana", None, None, 60, new_dni(), mine.ruc), ("Otro", None, None, 60, new_dni(), other.ruc)]
    await upload(client, officer, session["session_id"], report(people))
    seen = (await client.get(f"{API}/sessions/{session['session_id']}/attendance", headers=officer)).json()
    attendee = next(r["attendee_id"] for r in seen["data"] if r["ruc"] == mine.ruc)
    mine_id = mine.participant_id
    visit = {"held_on": "2025-05-12", "mode": "call", "duration_minutes": 30}
    person = {"dni": new_dni(), "full_name": "Rosa Díaz", "gender": "female"}
    writes = [
        ("PUT", f"{API}/sessions/{session['session_id']}/attendance/{attendee}", {"minutes_present": 5}),
        ("PATCH", f"{API}/attendees/{attendee}", {"job_role": "Jefa"}),
        ("POST", f"{API}/participants/{mine_id}/attendees", person),
        ("POST", f"{API}/participants/{mine_id}/assistance", visit),
        ("DELETE", f"{API}/sessions/{session['session_id']}/attendance/{attendee}", None),
    ]
    stranger = as_role(Role.monitor, subject="monitor-of-nobody")
    for method, url, body in writes:
        refused = await client.request(method, url, json=body, headers=stranger)
        assert refused.status_code == 404, (method, url, refused.text)
    # The stranger's meeting report records nobody of a company it does not follow.
    text = report([("Ana", None, None, 90, people[0][4], mine.ruc)])
    imported = await upload(client, stranger, session["session_id"], text)
    assert imported.status_code == 200 and imported.json()["people_recorded"] == 0
    after = (await client.get(f"{API}/sessions/{session['session_id']}/attendance", headers=officer)).json()
    assert next(r for r in after["data"] if r["ruc"] == mine.ruc)["minutes_present"] == 60
    own = as_role(Role.monitor, subject="monitor-luis")
    for method, url, body in writes:
        done = await client.request(method, url, json=body, headers=own)
        assert done.status_code in (200, 201, 204), (method, url, done.text)
