"""Per-company progress, the cohort matrix and the attendance certificate."""

from __future__ import annotations

from services.training.api.schemas import MatrixPublic
from shared.auth import Role
from tests.integration.training.conftest import API, create_session, new_dni, report, upload


async def test_matrix_shows_companies_by_workshops_and_pages(client, officer, make_cohort):
    kit = await make_cohort(3, mandatory=[1, 2])
    first, second, third = sorted(kit.companies, key=lambda c: c.ruc)
    s1 = await create_session(client, officer, kit.cohort_id, 1)
    s2 = await create_session(client, officer, kit.cohort_id, 2, day=9)
    await upload(
        client,
        officer,
        s1["session_id"],
        report([("A", None, None, 60, new_dni(), first.ruc), ("B", None, None, 30, new_dni(), second.ruc)]),
    )
    await upload(client, officer, s2["session_id"], report([("A", None, None, 45, new_dni(), first.ruc)]))

    response = await client.get(f"{API}/cohorts/{kit.cohort_id}/progress", headers=officer)
    assert response.status_code == 200
    matrix = response.json()
    MatrixPublic.model_validate(matrix)  # the documented schema, though built without pydantic
    assert matrix["workshops"] == list(range(11)) and matrix["mandatory_workshops"] == [1, 2]
    rows = {r["ruc"]: r for r in matrix["data"]}
    assert [r["ruc"] for r in matrix["data"]] == [first.ruc, second.ruc, third.ruc]
    assert (
        rows[first.ruc]["attended"][1:3] == [True, True]
        and rows[first.ruc]["completion_state"] == "completed"
    )
    assert rows[first.ruc]["minutes"][2] == 45 and rows[first.ruc]["best_share"][0] is None
    assert rows[second.ruc]["attended"][1] is False and rows[second.ruc]["best_share"][1] == 0.5
    assert rows[third.ruc]["attended"] == [False] * 11

    page = (
        await client.get(f"{API}/cohorts/{kit.cohort_id}/progress", params={"limit": 2}, headers=officer)
    ).json()
    rest = (
        await client.get(
            f"{API}/cohorts/{kit.cohort_id}/progress",
            params={"limit": 2, "cursor": page["next_cursor"]},
            headers=officer,
        )
    ).json()
    assert [r["ruc"] for r in page["data"] + rest["data"]] == [first.ruc, second.ruc, third.ruc]
    assert rest["next_cursor"] is None
    bad = await client.get(
        f"{API}/cohorts/{kit.cohort_id}/progress", params={"cursor": "WyJhIiwiYiJd"}, headers=officer
    )
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "cursor"
    completed = await client.get(
        f"{API}/cohorts/{kit.cohort_id}/progress", params={"completion_state": "completed"}, headers=officer
    )
    assert [r["ruc"] for r in completed.json()["data"]] == [first.ruc]


async def test_company_progress_lists_every_workshop(client, officer, as_role, make_cohort):
    kit = await make_cohort(1)
    company = kit.companies[0]
    session = await create_session(client, officer, kit.cohort_id, 8, duration_minutes=150)
    await upload(
        client, officer, session["session_id"], report([("A", None, None, 120, new_dni(), company.ruc)])
    )
    me = as_role(Role.company, ruc=company.ruc)
    body = (await client.get(f"{API}/participants/{company.participant_id}/progress", headers=me)).json()
    assert len(body["workshops"]) == 11 and body["workshops"][0]["mandatory"] is False
    eight = body["workshops"][8]
    assert eight == eight | {
        "attended": True,
        "minutes": 120,
        "best_share": 0.8,
        "attendees_present": 1,
        "mandatory": True,
    }
    assert body["attended_workshops"] == [8] and body["missing_workshops"] == [1, 2, 3, 4, 5, 6, 7, 9, 10]


async def test_certificate_lists_the_workshops_the_person_attended(client, officer, as_role, make_cohort):
    kit = await make_cohort(2)
    company = kit.companies[0]
    person = {
        "dni": new_dni(),
        "full_name": "María Huamán <Rojas>",
        "job_role": "Jefa de planta",
        "gender": "female",
    }
    attendee = (
        await client.post(
            f"{API}/participants/{company.participant_id}/attendees", json=person, headers=officer
        )
    ).json()
    certificate = f"{API}/attendees/{attendee['attendee_id']}/certificate"
    nothing = await client.get(certificate, headers=officer)
    assert nothing.status_code == 422 and nothing.json()["rule"] == "nothing_to_certify"

    held = await create_session(client, officer, kit.cohort_id, 4)
    skipped = await create_session(client, officer, kit.cohort_id, 3, day=9)
    await upload(
        client, officer, held["session_id"], report([("M", None, None, 55, person["dni"], company.ruc)])
    )
    await upload(
        client, officer, skipped["session_id"], report([("M", None, None, 20, person["dni"], company.ruc)])
    )
    page = await client.get(certificate, headers=as_role(Role.company, ruc=company.ruc))
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "María Huamán &lt;Rojas&gt;" in page.text and person["dni"] in page.text
    assert "Eficiencia energética" in page.text and "Economía circular" not in page.text
    assert "08/04/2025" in page.text
    other = as_role(Role.company, ruc=kit.companies[1].ruc)
    assert (await client.get(certificate, headers=other)).status_code == 404


async def test_attendees_are_registered_once_per_company_and_can_be_corrected(client, officer, make_cohort):
    kit = await make_cohort(1)
    url = f"{API}/participants/{kit.participant_ids[0]}/attendees"
    person = {"dni": new_dni(), "full_name": "Rosa Díaz", "gender": "female"}
    created = await client.post(url, json=person, headers=officer)
    assert created.status_code == 201
    again = await client.post(url, json=person, headers=officer)
    assert again.status_code == 409 and again.json()["attendee_id"] == created.json()["attendee_id"]
    bad = await client.post(url, json=person | {"dni": "1234"}, headers=officer)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "dni"
    fixed = await client.patch(
        f"{API}/attendees/{created.json()['attendee_id']}",
        json={"job_role": "Gerente general"},
        headers=officer,
    )
    assert fixed.json()["job_role"] == "Gerente general" and fixed.json()["full_name"] == "Rosa Díaz"


async def test_the_stored_matrix_agrees_with_live_progress_on_edge_cases(client, officer, make_cohort):
    """The matrix reads the cells stored at each re-evaluation; progress computes live: same answers."""
    kit = await make_cohort(4)
    exact, split, two_sessions, below = kit.companies
    s1 = await create_session(client, officer, kit.cohort_id, 1)  # 60 min
    s2a = await create_session(client, officer, kit.cohort_id, 2, day=9)  # 60 min
    s2b = await create_session(client, officer, kit.cohort_id, 2, day=10, duration_minutes=90)
    await client.patch(
        f"{API}/cohorts/{kit.cohort_id}/settings", json={"min_attendance_share": 0.667}, headers=officer
    )
    await upload(
        client,
        officer,
        s1["session_id"],
        report(
            [
                # 0.667 of an hour is 2401.2 s: 2402 s reaches it, 2401 s does not.
                ("Justo", "04/08/2025 09:00:00 AM", "04/08/2025 09:40:02 AM", None, new_dni(), exact.ruc),
                ("Mitad 1", None, None, 30, new_dni(), split.ruc),
                ("Mitad 2", None, None, 30, new_dni(), split.ruc),
                ("Casi", "04/08/2025 09:00:00 AM", "04/08/2025 09:40:01 AM", None, new_dni(), below.ruc),
            ]
        ),
    )
    await upload(
        client, officer, s2a["session_id"], report([("Dos", None, None, 50, new_dni(), two_sessions.ruc)])
    )
    await upload(
        client, officer, s2b["session_id"], report([("Dos", None, None, 61, new_dni(), two_sessions.ruc)])
    )

    matrix = (await client.get(f"{API}/cohorts/{kit.cohort_id}/progress", headers=officer)).json()
    for row in matrix["data"]:
        progress = (
            await client.get(f"{API}/participants/{row['participant_id']}/progress", headers=officer)
        ).json()
        assert row["attended"] == [w["attended"] for w in progress["workshops"]], row["ruc"]
        assert row["best_share"] == [w["best_share"] for w in progress["workshops"]], row["ruc"]
        assert row["minutes"] == [w["minutes"] for w in progress["workshops"]], row["ruc"]
    by_ruc = {r["ruc"]: r for r in matrix["data"]}
    assert by_ruc[exact.ruc]["attended"][1] is True and by_ruc[below.ruc]["attended"][1] is False
    assert by_ruc[split.ruc]["attended"][1] is False
    # Taller 2 twice: the best share (50 of 60) and the most minutes (61 of 90) come from different sessions.
    assert (
        by_ruc[two_sessions.ruc]["best_share"][2] == 0.8333 and by_ruc[two_sessions.ruc]["minutes"][2] == 61
    )
