"""Sensitisation activities and their attendance sheets (CSV and XLSX), against the real schema."""

from __future__ import annotations

import uuid

import sqlalchemy as sa

from shared.auth import Role
from shared.events.contracts.circular import ActivityRecorded, CompanySensitised
from tests.integration.circular.conftest import API, new_ruc, xlsx


async def _events_about(app, activity_id: str) -> int:
    """Outbox rows of ``circular.activity.recorded`` for one activity (keyed by its id)."""
    async with app.state.engine.connect() as conn:
        result = await conn.execute(
            sa.text("SELECT count(*) FROM circular.outbox WHERE topic = :t AND key = :k"),
            {"t": ActivityRecorded.TOPIC, "k": activity_id},
        )
        return int(result.scalar_one())


async def test_a_csv_sheet_with_a_title_block_and_spanish_headers_is_recorded_once(
    client, officer, make_activity, circular_app
):
    activity = await make_activity()
    a, b = new_ruc(), new_ruc()
    sheet = (
        "LISTA DE ASISTENCIA;;;;;;;\n"
        "Charla Arequipa 05/03/2024;;;;;;;\n"
        "N° RUC;RAZÓN SOCIAL;Tamaño;¿Manufactura?;Dirigida por mujer;Nombres y Apellidos;SEXO;Cargo;Correo\n"
        f"{a};Textiles Misti SAC;Pequeña;Sí;Sí;Rosa Quispe;F;Gerente;rosa@misti.pe\n"
        f"{a};Textiles Misti SAC;;;;Juan Huamán;masculino;Jefe de planta;\n"
        f"{b};Curtiembre Sur EIRL;micro;si;no;;;;\n"
        ";;;;;Lucía Flores;Mujer;Estudiante;\n"
    ).encode("cp1252")
    url = f"{API}/activities/{activity['id']}/attendance/import"
    first = await client.post(url, content=sheet, headers=officer | {"content-type": "text/csv"})
    assert first.status_code == 200, first.text
    body = first.json()
    assert (body["rows_read"], body["companies_added"], body["people_added"]) == (4, 2, 3)
    assert (body["companies"], body["people"], body["women"]) == (2, 3, 2)
    assert body["columns"]["women_led"] == "Dirigida por mujer"
    assert body["ignored_columns"] == ["Correo"]  # e-mails are not stored

    events_before = await _events_about(circular_app, activity["id"])
    again = await client.post(url, content=sheet, headers=officer | {"content-type": "text/csv"})
    assert again.status_code == 200
    assert (again.json()["companies_added"], again.json()["people_added"], again.json()["companies"]) == (
        0,
        0,
        2,
    )
    assert await _events_about(circular_app, activity["id"]) == events_before  # nothing new to tell

    attendance = (await client.get(f"{API}/activities/{activity['id']}/attendance", headers=officer)).json()
    by_ruc = {c["ruc"]: c for c in attendance["companies"]}
    assert by_ruc[a]["women_led"] is True and by_ruc[a]["size"] == "small" and by_ruc[b]["women_led"] is False
    assert sorted(p["full_name"] for p in attendance["people"]) == [
        "Juan Huamán",
        "Lucía Flores",
        "Rosa Quispe",
    ]


async def test_bad_rows_are_refused_by_line_with_their_reason_and_nothing_is_recorded(
    client, officer, make_activity
):
    activity = await make_activity()
    good, bad_digit = new_ruc(), new_ruc()
    bad_digit = bad_digit[:10] + str((int(bad_digit[10]) + 1) % 10)
    sheet = (
        "RUC,Razón social,Liderada por mujer,Nombre,Género\n"  # line 1
        f"{good},Buena SAC,sí,Ana Díaz,F\n"  # 2: fine
        f"{bad_digit},Mala SAC,no,Luis Paz,M\n"  # 3: check digit
        f"{good},Buena SAC,no,Eva Ruiz,F\n"  # 4: contradicts line 2
        ",,,,\n"  # blank: skipped
        "123,,tal vez,Pedro,Z\n"  # 6: length, yes/no, gender
        ",Sin RUC SAC,,,\n"  # 7: company without RUC, nobody
    )
    response = await client.post(
        f"{API}/activities/{activity['id']}/attendance/import",
        content=sheet.encode(),
        headers=officer | {"content-type": "text/csv", "accept-language": "es"},
    )
    assert response.status_code == 422, response.text
    problem = response.json()
    assert response.headers["content-type"].startswith("application/problem+json")
    assert problem["rule"] == "circular.sheet"
    lines = {(e["line"], e["field"]) for e in problem["errors"]}
    assert lines == {
        (3, "RUC"),
        (4, "Liderada por mujer"),
        (6, "RUC"),
        (6, "Liderada por mujer"),
        (6, "Género"),
        (7, "RUC"),
    }
    check = next(e for e in problem["errors"] if e["line"] == 3)
    assert "ruc.check_digit" in check["message"]
    assert "línea 2" in next(e for e in problem["errors"] if e["line"] == 4)["message_es"]
    assert "3, 4, 6, 7" in problem["detail"]
    detail = (await client.get(f"{API}/activities/{activity['id']}", headers=officer)).json()
    assert (detail["companies"], detail["people"]) == (0, 0)


async def test_an_xlsx_sheet_reads_numeric_rucs_and_row_numbers_as_lines(client, officer, make_activity):
    activity = await make_activity(
        kind="workshop", node="la_libertad", organiser="CITEccal Trujillo", organiser_kind="partner"
    )
    ruc = new_ruc()
    wrong = int(ruc[:10] + str((int(ruc[10]) + 1) % 10))
    book = xlsx(
        [
            ["Taller de ecodiseño - CITEccal"],
            [],
            ["RUC", "Razón Social", "Nombres y apellidos", "Género", "Manufactura"],
            [int(ruc), "Calzado Norte SAC", "Carmen Vega", "Femenino", True],
            [wrong, "Mal RUC", "Pablo", "M", "no"],
        ]
    )
    url = f"{API}/activities/{activity['id']}/attendance/import"
    refused = await client.post(
        url, content=book, headers=officer | {"content-type": "application/octet-stream"}
    )
    assert refused.status_code == 422
    assert [(e["line"], e["field"]) for e in refused.json()["errors"]] == [(5, "RUC")]

    fixed = xlsx(
        [
            ["RUC", "Razón Social", "Nombres y apellidos", "Género", "Manufactura"],
            [int(ruc), "Calzado Norte SAC", "Carmen Vega", "Femenino", True],
        ]
    )
    ok = await client.post(url, files={"file": ("asistencia.xlsx", fixed)}, headers=officer)
    assert ok.status_code == 200, ok.text
    assert (ok.json()["companies"], ok.json()["women"]) == (1, 1)


async def test_replace_mode_makes_the_attendance_the_corrected_sheets(client, officer, make_activity):
    activity = await make_activity()
    a, b = new_ruc(), new_ruc()
    url = f"{API}/activities/{activity['id']}/attendance"
    rows = [{"ruc": a, "full_name": "Ana"}, {"ruc": b, "full_name": "Beto", "gender": "male"}]
    first = await client.post(url, json={"attendees": rows}, headers=officer)
    assert first.status_code == 200, first.text
    replaced = await client.post(url + "?mode=replace", json={"attendees": rows[:1]}, headers=officer)
    body = replaced.json()
    assert (body["companies"], body["people"], body["companies_removed"], body["people_removed"]) == (
        1,
        1,
        1,
        1,
    )


async def test_attendance_waits_for_the_day_the_activity_is_held(
    client, officer, make_activity, circular_clock
):
    future = str(circular_clock.today().replace(year=circular_clock.today().year + 1))
    activity = await make_activity(held_on=future)
    response = await client.post(
        f"{API}/activities/{activity['id']}/attendance",
        json={"attendees": [{"full_name": "Ana"}]},
        headers=officer,
    )
    assert response.status_code == 422 and response.json()["rule"] == "circular.activity_not_held"


async def test_the_organisers_reference_is_unique_and_a_partner_sees_only_its_own(
    client, officer, as_role, make_activity
):
    ref = f"AQP-{uuid.uuid4().hex[:8]}"
    partner = as_role(Role.partner, subject="apikey:node-aqp", scopes=["circular:read", "circular:write"])
    mine = await make_activity(headers=partner, external_ref=ref, organiser="Cámara de Comercio de Arequipa")
    twice = await client.post(
        f"{API}/activities",
        json={
            "kind": "talk",
            "title": "Otra",
            "held_on": "2024-03-06",
            "node": "arequipa",
            "organiser_kind": "partner",
            "organiser": "Cámara de Comercio de Arequipa",
            "external_ref": ref,
        },
        headers=partner,
    )
    assert twice.status_code == 409 and twice.json()["activity_id"] == mine["id"]
    other = as_role(Role.partner, subject="apikey:other", scopes=["circular:read", "circular:write"])
    assert (await client.get(f"{API}/activities/{mine['id']}", headers=other)).status_code == 404
    assert (await client.get(f"{API}/activities/{mine['id']}", headers=partner)).status_code == 200
    listed = (await client.get(f"{API}/activities?limit=200", headers=other)).json()["data"]
    assert all(a["id"] != mine["id"] for a in listed)
    company = as_role(Role.company, ruc=new_ruc())
    assert (await client.get(f"{API}/activities", headers=company)).status_code == 403


async def test_recording_attendance_publishes_the_activity_and_each_new_company(
    client, officer, make_activity, circular_settings
):
    from tests.support.testing import TopicReader

    activity = await make_activity(kind="fair", node="lima", methodology="private_awareness")
    a = new_ruc()
    sensitised_topic = TopicReader(circular_settings, CompanySensitised.TOPIC)
    recorded_topic = TopicReader(circular_settings, ActivityRecorded.TOPIC)
    try:
        response = await client.post(
            f"{API}/activities/{activity['id']}/attendance",
            json={"attendees": [{"ruc": a, "women_led": True, "full_name": "Ana", "gender": "female"}]},
            headers=officer,
        )
        assert response.status_code == 200
        [sensitised] = await sensitised_topic.wait_for(lambda e: e["payload"]["ruc"] == a)
        [recorded] = await recorded_topic.wait_for(
            lambda e: e["payload"]["activity_id"] == activity["id"] and e["payload"]["companies"] == 1
        )
    finally:
        sensitised_topic.close()
        recorded_topic.close()
    assert sensitised["payload"]["first"] is True and sensitised["payload"]["women_led"] is True
    assert sensitised["payload"]["node"] == "lima" and sensitised["key"] == a
    assert recorded["payload"]["women"] == 1
    assert "Ana" not in str(recorded["payload"]) + str(sensitised["payload"])


async def test_a_retried_creation_with_an_idempotency_key_records_one_activity(client, officer):
    body = {
        "kind": "micro_course_cohort",
        "title": "Cohorte 3 del microcurso",
        "held_on": "2024-02-01",
        "node": "lima",
        "organiser_kind": "node",
        "organiser": "Nodo Lima",
        "attendees": [{"ruc": new_ruc(), "full_name": "Ana"}],
    }
    headers = officer | {"Idempotency-Key": uuid.uuid4().hex}
    first = await client.post(f"{API}/activities", json=body, headers=headers)
    again = await client.post(f"{API}/activities", json=body, headers=headers)
    assert first.status_code == again.status_code == 201, first.text
    assert first.json()["id"] == again.json()["id"]
    assert (first.json()["companies"], first.json()["people"]) == (1, 1)
    assert first.json()["methodology"] == "public_awareness"  # a micro-course cohort's default
    assert again.headers.get("idempotent-replayed") == "true"
