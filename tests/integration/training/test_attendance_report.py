"""Bulk attendance from a virtual meeting's report: bad rows, adding up, idempotent re-upload."""

from __future__ import annotations

import asyncio

from shared.events.contracts.training import AttendanceRecorded
from tests.integration.training.conftest import API, create_session, new_dni, new_ruc, report, upload
from tests.support.testing import TopicReader


async def attendance_of(client, officer, session_id) -> dict[str, dict]:
    response = await client.get(f"{API}/sessions/{session_id}/attendance", headers=officer)
    return {row["dni"]: row for row in response.json()["data"]}


async def test_bad_rows_are_reported_by_line_and_good_rows_recorded(
    client, officer, make_cohort, training_settings
):
    kit = await make_cohort(2)
    ruc_a, ruc_b = kit.companies[0].ruc, kit.companies[1].ruc
    session = await create_session(client, officer, kit.cohort_id, 2)  # 09:00-10:00 Lima
    ana, beto, carla = new_dni(), new_dni(), new_dni()
    text = report(
        [
            ("Ana Soto", "04/08/2025 09:00:00 AM", "04/08/2025 09:30:00 AM", 30, ana, ruc_a),  # line 2
            ("Beto Ruiz", None, None, 50, beto, ruc_b),  # line 3
            ("Sin DNI", None, None, 50, "123", ruc_a),  # line 4: bad DNI
            ("Otra empresa", None, None, 50, new_dni(), new_ruc()),  # line 5: not in the cohort
            (
                "Ana Soto (celular)",
                "04/08/2025 09:40:00 AM",
                "04/08/2025 10:05:00 AM",
                25,
                ana,
                ruc_a,
            ),  # line 6
            ("Al revés", "04/08/2025 10:00 AM", "04/08/2025 09:00 AM", None, new_dni(), ruc_a),  # line 7
            ("Carla", None, None, "1h 5m", carla, ruc_b),  # line 8: longer than the session -> 100 %
        ]
    )
    reader = await asyncio.to_thread(TopicReader, training_settings, AttendanceRecorded.TOPIC)
    try:
        response = await upload(client, officer, session["session_id"], text)
        assert response.status_code == 200, response.text
        body = response.json()
        assert body | {"errors": None} == {
            "rows_read": 7,
            "rows_accepted": 4,
            "rows_rejected": 3,
            "people_recorded": 3,
            "attendees_created": 3,
            "companies": 2,
            "errors": None,
        }
        assert [(e["line"], e["field"]) for e in body["errors"]] == [(4, "dni"), (5, "ruc"), (7, "leave")]
        recorded = await attendance_of(client, officer, session["session_id"])
        assert recorded[ana]["minutes_present"] == 50 and recorded[ana]["share"] == 0.8333  # 30 + 20 clipped
        assert recorded[ana]["check_in"] == "2025-04-08T09:00:00-05:00"
        assert recorded[beto]["minutes_present"] == 50 and recorded[carla]["share"] == 1.0
        events = await reader.wait_for(lambda e: e["payload"]["session_id"] == session["session_id"], count=2)
        by_ruc = {e["payload"]["ruc"]: e["payload"] for e in events}
        assert by_ruc[ruc_a] | {"recorded_at": None} == by_ruc[ruc_a] | {
            "attendees_present": 1,
            "attended": True,
            "best_share": 0.8333,
            "recorded_at": None,
        }
        assert by_ruc[ruc_b]["attendees_present"] == 2 and by_ruc[ruc_b]["best_share"] == 1.0
    finally:
        reader.close()


async def test_uploading_the_same_report_again_changes_nothing(client, officer, make_cohort):
    kit = await make_cohort(1)
    session = await create_session(client, officer, kit.cohort_id, 1)
    text = report(
        [
            ("Ana", None, None, 40, new_dni(), kit.companies[0].ruc),
            ("Ana", None, None, 10, "40000001", kit.companies[0].ruc),
        ]
    )
    first = (await upload(client, officer, session["session_id"], text)).json()
    before = await attendance_of(client, officer, session["session_id"])
    second = (await upload(client, officer, session["session_id"], text)).json()
    after = await attendance_of(client, officer, session["session_id"])
    assert first["attendees_created"] == 2 and second["attendees_created"] == 0
    assert {d: r["minutes_present"] for d, r in before.items()} == {
        d: r["minutes_present"] for d, r in after.items()
    }
    attendees = (
        await client.get(f"{API}/participants/{kit.participant_ids[0]}/attendees", headers=officer)
    ).json()
    assert len(attendees["data"]) == 2


async def test_a_form_upload_works_and_a_file_that_is_not_a_report_is_refused(client, officer, make_cohort):
    kit = await make_cohort(1)
    session = await create_session(client, officer, kit.cohort_id, 1)
    text = report([("Ana", None, None, 60, new_dni(), kit.companies[0].ruc)])
    form = await client.post(
        f"{API}/sessions/{session['session_id']}/attendance/import",
        files={"file": ("zoom.csv", text.encode(), "text/csv")},
        headers=officer,
    )
    assert form.status_code == 200 and form.json()["people_recorded"] == 1
    retry = officer | {"Idempotency-Key": "zoom-export-42"}
    for attempt in range(2):  # a new multipart boundary each time: the file is what counts
        replay = await client.post(
            f"{API}/sessions/{session['session_id']}/attendance/import",
            files={"file": ("zoom.csv", text.encode(), "text/csv")},
            headers=retry,
        )
        assert replay.status_code == 200 and replay.json()["people_recorded"] == 1
        assert replay.headers.get("idempotent-replayed") == ("true" if attempt else None)
    not_a_report = await upload(client, officer, session["session_id"], "name,minutes\nAna,60\n")
    assert not_a_report.status_code == 400
    assert not_a_report.headers["content-type"] == "application/problem+json"
    assert "DNI and RUC" in not_a_report.json()["detail"]
    empty = await upload(client, officer, session["session_id"], "   ")
    assert empty.status_code == 400


async def test_a_report_over_five_megabytes_is_refused_whole_in_the_body_or_the_form(
    client, officer, make_cohort
):
    kit = await make_cohort(1)
    session = await create_session(client, officer, kit.cohort_id, 2)
    row = report([("Ana", None, None, 60, new_dni(), kit.companies[0].ruc)])
    line = row.splitlines()[1] + "\n"
    huge = row + line * (5 * 1024 * 1024 // len(line))  # one line past the 5 MB limit
    as_body = await upload(client, officer, session["session_id"], huge)
    as_form = await client.post(
        f"{API}/sessions/{session['session_id']}/attendance/import",
        files={"file": ("zoom.csv", huge.encode(), "text/csv")},
        headers=officer,
    )
    for refused in (as_body, as_form):
        assert refused.status_code == 413, refused.text
        assert refused.json()["max_bytes"] == 5 * 1024 * 1024
    attendance = await client.get(f"{API}/sessions/{session['session_id']}/attendance", headers=officer)
    assert attendance.json()["data"] == []
