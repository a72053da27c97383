"""The standard over HTTP: reading versions, importing JSON and CSV, immutability once used."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest

import services.audit
from shared.auth import Role
from tests.integration.audit.support import API, admit, headers, lima_today


def document(version: str) -> dict:
    return {
        "version": version,
        "title": "Buenas Prácticas de Ecoeficiencia Perú",
        "official": False,
        "source": "PROMPERÚ",
        "aspects": [{"code": "G", "name": "Gestión"}, {"code": "W", "name": "Agua"}],
        "requirements": [
            {
                "code": "G-1",
                "aspect_code": "G",
                "text": "Política",
                "evidence_expected": "Documento",
                "workshop": 1,
            },
            {
                "code": "W-1",
                "aspect_code": "W",
                "text": "Medición",
                "evidence_expected": "Registros",
                "workshop": 5,
            },
        ],
    }


@pytest.fixture
def officer(audit_settings):
    return headers(audit_settings, Role.promperu_officer)


async def test_current_version_is_the_draft_with_8_aspects_and_112_requirements(client, audit_settings):
    r = await client.get(
        f"{API}/standards/current", headers=headers(audit_settings, Role.company, ruc="20100070970")
    )
    assert r.status_code == 200
    body = r.json()
    assert body["version"] == "0-draft" and body["official"] is False and body["is_current"]
    assert len(body["aspects"]) == 8 and len(body["requirements"]) == 112
    assert body["requirements"][0] | {"text": None, "evidence_expected": None} == {
        "code": "A1.R01",
        "aspect_code": "A1",
        "position": 1,
        "text": None,
        "evidence_expected": None,
        "workshop": 0,
    }


async def test_import_json_then_read_it_back(client, officer):
    version = f"t-{uuid.uuid4().hex[:8]}"
    r = await client.post(f"{API}/standards/import", json=document(version), headers=officer)
    assert r.status_code == 201, r.text
    assert r.json()["requirement_count"] == 2 and r.json()["is_current"] is False
    r = await client.get(f"{API}/standards/{version}", headers=officer)
    assert [q["code"] for q in r.json()["requirements"]] == ["G-1", "W-1"]


async def test_import_errors_are_listed_per_field_and_nothing_is_stored(client, officer):
    version = f"t-{uuid.uuid4().hex[:8]}"
    doc = document(version)
    doc["requirements"][1] |= {"code": "G-1", "aspect_code": "X", "workshop": 12}
    r = await client.post(f"{API}/standards/import", json=doc, headers=officer)
    assert r.status_code == 422
    assert r.headers["content-type"] == "application/problem+json"
    problem = r.json()
    assert problem["type"].endswith("/validation-error")
    assert {e["field"] for e in problem["errors"]} == {
        "requirements[1].code",
        "requirements[1].aspect_code",
        "requirements[1].workshop",
    }
    assert (await client.get(f"{API}/standards/{version}", headers=officer)).status_code == 404


async def test_import_csv_with_line_numbers_in_errors(client, officer):
    version = f"csv-{uuid.uuid4().hex[:8]}"
    good = (
        "kind,code,aspect_code,text,evidence_expected,workshop\n"
        "aspect,G,,Gestión,,\n"
        "requirement,G-1,G,Política,Documento,1\n"
        "requirement,G-2,G,Objetivos,Matriz,9\n"
    )
    params = {"version": version, "title": "BPE CSV"}
    csv_headers = officer | {"content-type": "text/csv"}
    bad = good.replace("G-2,G,", "G-1,H,")
    r = await client.post(f"{API}/standards/import", params=params, content=bad.encode(), headers=csv_headers)
    assert r.status_code == 422
    assert {(e["field"], e["line"]) for e in r.json()["errors"]} == {("code", 4), ("aspect_code", 4)}
    r = await client.post(
        f"{API}/standards/import", params=params, content=good.encode(), headers=csv_headers
    )
    assert r.status_code == 201, r.text
    assert r.json()["official"] is False and r.json()["aspect_count"] == 1


async def test_malformed_json_and_other_media_types_are_problems_not_500s(client, officer):
    r = await client.post(
        f"{API}/standards/import",
        content=b"{not json",
        headers=officer | {"content-type": "application/json"},
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "body"
    r = await client.post(
        f"{API}/standards/import", content=b"x", headers=officer | {"content-type": "text/plain"}
    )
    assert r.status_code == 415 and r.headers["content-type"] == "application/problem+json"


async def test_an_unused_version_can_be_replaced_a_used_one_cannot(client, audit_settings, officer):
    version = f"t-{uuid.uuid4().hex[:8]}"
    assert (
        await client.post(f"{API}/standards/import", json=document(version), headers=officer)
    ).status_code == 201
    changed = document(version)
    changed["requirements"][0]["text"] = "Política revisada"
    r = await client.post(f"{API}/standards/import", json=changed, headers=officer)
    assert r.status_code == 201 and r.json()["requirements"][0]["text"] == "Política revisada"

    company = await admit(client, audit_settings)
    r = await client.post(
        f"{API}/self-assessments",
        json={"participant_id": str(company.participant_id), "standard_version": version},
        headers=company.as_company(),
    )
    assert r.status_code == 201, r.text
    r = await client.post(f"{API}/standards/import", json=document(version), headers=officer)
    assert r.status_code == 409 and r.json()["version"] == version
    r = await client.get(f"{API}/standards/{version}", headers=officer)
    assert r.json()["requirements"][0]["text"] == "Política revisada"


def full_document(version: str) -> dict:
    """The shipped draft's 8 aspects and 112 requirements under another version name."""
    draft = json.loads((Path(services.audit.__file__).parent / "standard_data" / "0-draft.json").read_text())
    return draft | {"version": version, "official": False}


async def test_make_current_switches_the_version_new_work_uses(client, officer):
    version = f"t-{uuid.uuid4().hex[:8]}"
    try:
        r = await client.post(
            f"{API}/standards/import",
            params={"make_current": "true"},
            json=full_document(version),
            headers=officer,
        )
        assert r.status_code == 201 and r.json()["is_current"]
        assert (await client.get(f"{API}/standards/current", headers=officer)).json()["version"] == version
    finally:
        r = await client.post(f"{API}/standards/0-draft/make-current", headers=officer)
        assert r.status_code == 200 and r.json()["is_current"]
    versions = (await client.get(f"{API}/standards", params={"limit": 500}, headers=officer)).json()["data"]
    assert [v["version"] for v in versions if v["is_current"]] == ["0-draft"]


@pytest.mark.parametrize("role", [Role.company, Role.auditor, Role.monitor, Role.certification_body])
async def test_only_promperu_imports_the_standard(client, audit_settings, role):
    who = headers(audit_settings, role, ruc="20100070970", body_id=str(uuid.uuid4()))
    r = await client.post(f"{API}/standards/import", json=document("x-forbidden"), headers=who)
    assert r.status_code == 403 and r.json()["allowed_roles"] == ["promperu_officer"]


async def test_partner_reads_the_standard_only_with_its_scope(client, audit_settings):
    with_scope = headers(audit_settings, Role.partner, scopes=["audit:read"])
    without = headers(audit_settings, Role.partner, scopes=["catalog:read"])
    assert (await client.get(f"{API}/standards", headers=with_scope)).status_code == 200
    r = await client.get(f"{API}/standards", headers=without)
    assert r.status_code == 403 and r.json()["required_scope"] == "audit:read"


async def test_no_identity_is_401(client):
    r = await client.get(f"{API}/standards")
    assert r.status_code == 401 and r.headers["content-type"] == "application/problem+json"


async def test_only_an_admin_marks_a_version_official(client, audit_settings, officer):
    version = f"t-{uuid.uuid4().hex[:8]}"
    r = await client.post(
        f"{API}/standards/import", json=document(version) | {"official": True}, headers=officer
    )
    assert r.status_code == 403 and r.json()["allowed_roles"] == ["admin"]
    assert (await client.get(f"{API}/standards/{version}", headers=officer)).status_code == 404
    assert (
        await client.post(f"{API}/standards/import", json=document(version), headers=officer)
    ).status_code == 201
    r = await client.post(
        f"{API}/standards/{version}/mark-official", json={"reason": "R.D. 1"}, headers=officer
    )
    assert r.status_code == 403


async def test_a_version_without_the_programmes_structure_is_never_official_or_current(
    client, audit_settings, officer
):
    admin = headers(audit_settings, Role.admin, subject="admin-carla")
    version = f"t-{uuid.uuid4().hex[:8]}"
    one = document(version)
    one["aspects"], one["requirements"] = one["aspects"][:1], one["requirements"][:1]
    r = await client.post(f"{API}/standards/import", json=one | {"official": True}, headers=admin)
    assert r.status_code == 422 and r.json()["rule"] == "standard_structure"
    assert r.json()["expected"] == {"aspects": 8, "requirements": 112}
    r = await client.post(
        f"{API}/standards/import", params={"make_current": "true"}, json=one, headers=officer
    )
    assert r.status_code == 422 and r.json()["rule"] == "standard_structure"
    assert (await client.post(f"{API}/standards/import", json=one, headers=officer)).status_code == 201
    r = await client.post(f"{API}/standards/{version}/make-current", headers=officer)
    assert r.status_code == 422 and r.json()["rule"] == "standard_structure"
    r = await client.post(
        f"{API}/standards/{version}/mark-official", json={"reason": "R.D. 1"}, headers=admin
    )
    assert r.status_code == 422 and r.json()["rule"] == "standard_structure"
    # A pre-audit is never scored on such a version.
    company = await admit(client, audit_settings)
    body = {
        "participant_id": str(company.participant_id),
        "audit_date": str(lima_today()),
        "standard_version": version,
    }
    r = await client.post(f"{API}/preaudits", json=body, headers=officer)
    assert r.status_code == 422 and r.json()["rule"] == "standard_structure"
    assert (await client.get(f"{API}/standards/current", headers=officer)).json()["version"] == "0-draft"


async def test_an_admin_approves_declared_counts_with_a_recorded_reason(client, audit_settings, officer):
    admin = headers(audit_settings, Role.admin, subject="admin-carla")
    version = f"t-{uuid.uuid4().hex[:8]}"
    assert (
        await client.post(f"{API}/standards/import", json=document(version), headers=officer)
    ).status_code == 201
    r = await client.post(
        f"{API}/standards/{version}/mark-official",
        json={
            "reason": "Versión piloto R.D. 12-2026",
            "declared_aspect_count": 2,
            "declared_requirement_count": 3,
        },
        headers=admin,
    )
    assert r.status_code == 422 and r.json()["expected"] == {"aspects": 2, "requirements": 3}
    r = await client.post(
        f"{API}/standards/{version}/mark-official",
        json={
            "reason": "Versión piloto R.D. 12-2026",
            "declared_aspect_count": 2,
            "declared_requirement_count": 2,
        },
        headers=admin,
    )
    assert r.status_code == 200, r.text
    approved = r.json()
    assert approved["official"] is True and approved["official_approved_by"] == "admin-carla"
    assert approved["official_reason"] == "Versión piloto R.D. 12-2026" and approved["official_approved_at"]
    full = f"t-{uuid.uuid4().hex[:8]}"
    r = await client.post(
        f"{API}/standards/import", json=full_document(full) | {"official": True}, headers=admin
    )
    assert r.status_code == 201 and r.json()["official"] and r.json()["official_approved_by"] == "admin-carla"
