"""Classes of server errors the outside fuzzer found (issue 10), each now a client error or accepted.

- ``null`` for a field whose column is NOT NULL (attendee ``gender``/``full_name``, reschedule
  ``mode``): 422 naming the field, not a 500 from the constraint; ``null`` clears a nullable one.
- A report with old-Mac line endings (bare CR) is read like any other; a file the CSV
  reader cannot read is a 400 naming the line.
- A tampered cursor (``$dt`` that is not a date) is a 400 invalid cursor on every list.
"""

from __future__ import annotations

import base64
import json

import pytest

from tests.integration.training.conftest import API, create_session, new_dni, report, upload


def tampered(values: list) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


def problem_fields(response) -> set[str]:
    assert response.headers["content-type"] == "application/problem+json", response.text
    return {str(e["field"]).split(".")[-1] for e in response.json()["errors"]}


async def test_null_for_a_required_column_is_a_422_naming_it_and_clears_a_nullable_one(
    client, officer, make_cohort
):
    kit = await make_cohort(1)
    pid = kit.companies[0].participant_id
    created = await client.post(
        f"{API}/participants/{pid}/attendees",
        json={"dni": new_dni(), "full_name": "Ana Soto", "job_role": "Jefa de planta", "gender": "female"},
        headers=officer,
    )
    assert created.status_code == 201, created.text
    attendee = f"{API}/attendees/{created.json()['attendee_id']}"
    for field in ("gender", "full_name"):
        refused = await client.patch(attendee, json={field: None}, headers=officer)
        assert refused.status_code == 422, refused.text
        assert field in problem_fields(refused)
    cleared = await client.patch(attendee, json={"job_role": None}, headers=officer)
    assert cleared.status_code == 200, cleared.text
    assert cleared.json()["job_role"] is None and cleared.json()["gender"] == "female"

    session = await create_session(client, officer, kit.cohort_id, 1)
    moved = f"{API}/sessions/{session['session_id']}/reschedule"
    refused = await client.post(moved, json={"mode": None}, headers=officer)
    assert refused.status_code == 422 and "mode" in problem_fields(refused)
    kept = await client.post(moved, json={"trainer": None}, headers=officer)
    assert kept.status_code == 200, kept.text
    assert kept.json()["mode"] == "virtual" and kept.json()["trainer"] is None


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
async def test_a_report_is_read_whatever_its_line_endings(client, officer, make_cohort, newline):
    kit = await make_cohort(1)
    session = await create_session(client, officer, kit.cohort_id, 1)
    text = report(
        [("Ana", None, None, 60, new_dni(), kit.companies[0].ruc), ("Sin DNI", None, None, 5, "1", "x")]
    )
    response = await upload(client, officer, session["session_id"], "\ufeff" + text.replace("\n", newline))
    assert response.status_code == 200, response.text
    assert response.json()["people_recorded"] == 1
    assert [(e["line"], e["field"]) for e in response.json()["errors"]][:1] == [(3, "dni")]


async def test_an_unreadable_report_is_a_400_naming_the_line(client, officer, make_cohort):
    kit = await make_cohort(1)
    session = await create_session(client, officer, kit.cohort_id, 1)
    text = report([("Ana", None, None, 60, new_dni(), kit.companies[0].ruc)]) + "Beto\x00,,,,60\n"
    response = await upload(client, officer, session["session_id"], text)
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"][0]["line"] == 3
    assert "universal-newline" not in response.text and "NUL" in response.json()["detail"]


@pytest.mark.parametrize(
    "cursor",
    [
        tampered([{"$dt": "x"}, "y"]),
        tampered([{"$dt": 1}, "y"]),
        tampered([{"$dt": "2025-01-01T00:00:00"}, "not-a-uuid"]),
        tampered([[1], {"a": 1}]),
        tampered(["20100070970", "y", "z"]),
        "%%%",
    ],
)
async def test_a_tampered_cursor_is_a_400_on_every_list(client, officer, make_cohort, cursor):
    kit = await make_cohort(1)
    lists = [
        f"{API}/sessions",
        f"{API}/participants",
        f"{API}/assistance",
        f"{API}/cohorts",
        f"{API}/cohorts/{kit.cohort_id}/progress",
        f"{API}/participants/{kit.companies[0].participant_id}/attendees",
    ]
    for path in lists:
        response = await client.get(path, params={"cursor": cursor}, headers=officer)
        assert response.status_code == 400, (path, response.text)
        assert response.json()["errors"][0]["field"] == "cursor"
