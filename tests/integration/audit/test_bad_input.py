"""Input that would break the database is a precise problem (422/400), never a 500."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from shared.auth import Role
from shared.pagination import encode_cursor
from tests.integration.audit.support import API, admit, headers, register_body


async def test_nul_characters_in_query_path_and_body_are_422(client, audit_settings):
    officer = headers(audit_settings, Role.promperu_officer)
    r = await client.get(f"{API}/participants", params={"ruc": "2010\x00"}, headers=officer)
    assert r.status_code == 422 and r.json()["errors"] == [
        {"field": "ruc", "in": "query", "message": "must not contain NUL characters"}
    ]
    r = await client.get(f"{API}/standards/0-dr%00aft", headers=officer)
    assert r.status_code == 422 and r.json()["errors"][0]["in"] == "path"
    company = await admit(client, audit_settings)
    r = await client.post(
        f"{API}/preaudits",
        json={
            "participant_id": str(company.participant_id),
            "audit_date": "2026-01-05",
            "auditor_name": "a\x00b",
        },
        headers=headers(audit_settings, Role.auditor),
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "auditor_name"


async def test_dates_outside_the_programme_range_are_422(client, audit_settings):
    company = await admit(client, audit_settings)
    r = await client.post(
        f"{API}/preaudits",
        json={"participant_id": str(company.participant_id), "audit_date": "9999-12-31"},
        headers=headers(audit_settings, Role.auditor),
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "audit_date"


async def test_a_cursor_from_another_listing_is_400(client, audit_settings):
    officer = headers(audit_settings, Role.promperu_officer)
    foreign = encode_cursor([datetime.now(UTC), str(uuid.uuid4())])  # (created_at, id) of another list
    r = await client.get(f"{API}/participants", params={"cursor": foreign}, headers=officer)
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "cursor"
    r = await client.get(
        f"{API}/certificates", params={"cursor": encode_cursor(["x", "not-a-uuid"])}, headers=officer
    )
    assert r.status_code == 400


async def test_null_for_a_body_field_is_422_not_a_constraint_error(client, audit_settings):
    body = await register_body(client, audit_settings)
    r = await client.patch(
        f"{API}/certification-bodies/{body['id']}",
        json={"name": None},
        headers=headers(audit_settings, Role.promperu_officer),
    )
    assert r.status_code == 422 and [e["field"] for e in r.json()["errors"]] == ["name"]


async def test_unknown_ids_are_404_problems(client, audit_settings):
    officer = headers(audit_settings, Role.promperu_officer)
    for path in (
        f"/preaudits/{uuid.uuid4()}",
        f"/nonconformities/{uuid.uuid4()}",
        f"/self-assessments/{uuid.uuid4()}",
        f"/certification-audits/{uuid.uuid4()}",
        f"/certification-bodies/{uuid.uuid4()}",
        "/standards/no-such-version",
    ):
        r = await client.get(API + path, headers=officer)
        assert r.status_code == 404 and r.headers["content-type"] == "application/problem+json", path
    r = await client.get(f"{API}/preaudits/not-a-uuid", headers=officer)
    assert r.status_code == 422
