"""Self-assessment: answers, levels per aspect and overall, its event, evidence, and who may do what."""

from __future__ import annotations

import hashlib
import uuid

import pytest

from services.audit.config import AuditConfig
from services.audit.wiring import audit_config
from shared.auth import Role
from tests.integration.audit.support import API, admit, headers, published_events


async def start(client, company, who=None) -> str:
    r = await client.post(
        f"{API}/self-assessments",
        json={"participant_id": str(company.participant_id)},
        headers=who or company.as_company(),
    )
    assert r.status_code == 201, r.text
    return r.json()["id"]


async def test_answers_give_levels_per_aspect_and_overall_and_publish_them(client, audit_settings, engine):
    company = await admit(client, audit_settings)
    assessment_id = await start(client, company)
    answers = [{"requirement_code": f"A3.R{i:02d}", "status": "implemented"} for i in range(1, 8)]
    answers += [{"requirement_code": f"A3.R{i:02d}", "status": "partial"} for i in range(8, 15)]
    answers += [{"requirement_code": "A4.R01", "status": "not_implemented", "note": "sin medidor"}]
    r = await client.put(
        f"{API}/self-assessments/{assessment_id}/answers",
        json={"answers": answers},
        headers=company.as_company(),
    )
    assert r.status_code == 200, r.text
    body = r.json()
    by_aspect = {a["aspect_code"]: a for a in body["aspects"]}
    assert by_aspect["A3"] == {
        "aspect_code": "A3",
        "requirements": 14,
        "implemented": 7,
        "partial": 7,
        "not_implemented": 0,
        "unanswered": 0,
        "level": 75.0,
    }
    assert by_aspect["A4"]["level"] == 0.0 and by_aspect["A4"]["unanswered"] == 13
    assert body["overall_level"] == round(100 * 10.5 / 112, 1)
    [event] = await published_events(
        engine, audit_settings, "audit.selfassessment.updated", "assessment_id", assessment_id, 1
    )
    assert event["payload"]["aspect_levels"]["A3"] == 75.0
    assert event["payload"]["overall_level"] == body["overall_level"]
    assert event["key"] == company.ruc

    r = await client.get(
        f"{API}/participants/{company.participant_id}/implementation-report", headers=company.as_monitor()
    )
    report = r.json()
    assert report["self_assessment_id"] == assessment_id and report["overall_level"] == body["overall_level"]
    assert next(a for a in report["aspects"] if a["aspect_code"] == "A3")["level"] == 75.0


async def test_unknown_or_repeated_requirement_codes_are_422_with_their_positions(client, audit_settings):
    company = await admit(client, audit_settings)
    assessment_id = await start(client, company)
    answers = [
        {"requirement_code": "A1.R01", "status": "implemented"},
        {"requirement_code": "A9.R99", "status": "implemented"},
        {"requirement_code": "A1.R01", "status": "partial"},
    ]
    r = await client.put(
        f"{API}/self-assessments/{assessment_id}/answers",
        json={"answers": answers},
        headers=company.as_company(),
    )
    assert r.status_code == 422
    assert [e["field"] for e in r.json()["errors"]] == [
        "answers[1].requirement_code",
        "answers[2].requirement_code",
    ]
    r = await client.put(
        f"{API}/self-assessments/{assessment_id}/answers",
        json={"answers": [{"requirement_code": "A1.R01", "status": "done"}]},
        headers=company.as_company(),
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "answers.0.status"


async def test_a_second_self_assessment_on_the_same_version_is_a_conflict(client, audit_settings):
    company = await admit(client, audit_settings)
    first = await start(client, company)
    r = await client.post(
        f"{API}/self-assessments",
        json={"participant_id": str(company.participant_id)},
        headers=company.as_company(),
    )
    assert r.status_code == 409 and r.json()["self_assessment_id"] == first


async def test_idempotency_key_replays_the_creation(client, audit_settings):
    company = await admit(client, audit_settings)
    call = {
        "json": {"participant_id": str(company.participant_id)},
        "headers": company.as_company() | {"Idempotency-Key": uuid.uuid4().hex},
    }
    first = await client.post(f"{API}/self-assessments", **call)
    again = await client.post(f"{API}/self-assessments", **call)
    assert first.status_code == again.status_code == 201
    assert again.headers.get("Idempotent-Replayed") == "true" and again.json()["id"] == first.json()["id"]


async def test_the_assigned_monitor_fills_it_another_monitor_cannot(client, audit_settings):
    company = await admit(client, audit_settings)
    assessment_id = await start(client, company, who=company.as_monitor())
    answer = {"answers": [{"requirement_code": "A2.R01", "status": "implemented"}]}
    r = await client.put(
        f"{API}/self-assessments/{assessment_id}/answers", json=answer, headers=company.as_monitor()
    )
    assert r.status_code == 200
    stranger = headers(audit_settings, Role.monitor, subject=str(uuid.uuid4()))
    r = await client.put(f"{API}/self-assessments/{assessment_id}/answers", json=answer, headers=stranger)
    assert r.status_code == 404


async def test_another_company_can_neither_read_nor_write_it(client, audit_settings):
    mine, other = await admit(client, audit_settings), await admit(client, audit_settings)
    assessment_id = await start(client, mine)
    answer = {"answers": [{"requirement_code": "A2.R01", "status": "implemented"}]}
    assert (
        await client.get(f"{API}/self-assessments/{assessment_id}", headers=other.as_company())
    ).status_code == 404
    r = await client.put(
        f"{API}/self-assessments/{assessment_id}/answers", json=answer, headers=other.as_company()
    )
    assert r.status_code == 404
    r = await client.get(
        f"{API}/participants/{mine.participant_id}/implementation-report", headers=other.as_company()
    )
    assert r.status_code == 404
    listed = (await client.get(f"{API}/self-assessments", headers=other.as_company())).json()["data"]
    assert assessment_id not in {s["id"] for s in listed}


@pytest.mark.parametrize("role", [Role.auditor, Role.certification_body, Role.partner])
async def test_roles_outside_the_company_file_cannot_write_it(client, audit_settings, role):
    company = await admit(client, audit_settings)
    assessment_id = await start(client, company)
    who = headers(audit_settings, role, body_id=str(uuid.uuid4()), scopes=["audit:write"])
    answer = {"answers": [{"requirement_code": "A2.R01", "status": "implemented"}]}
    r = await client.put(f"{API}/self-assessments/{assessment_id}/answers", json=answer, headers=who)
    assert r.status_code == 403


async def test_evidence_upload_download_dedupe_and_delete(client, audit_settings, audit_app):
    company = await admit(client, audit_settings)
    assessment_id = await start(client, company)
    content = "Plan de manejo de residuos sólidos 2025".encode()
    files = {"file": ("plan residuos ñ.pdf", content, "application/pdf")}
    r = await client.post(
        f"{API}/self-assessments/{assessment_id}/evidence",
        data={"requirement_code": "A5.R01"},
        files=files,
        headers=company.as_company(),
    )
    assert r.status_code == 201, r.text
    evidence = r.json()
    assert evidence["sha256"] == hashlib.sha256(content).hexdigest()
    assert (evidence["size_bytes"], evidence["media_type"]) == (len(content), "application/pdf")
    stored = list(audit_app.state.evidence_storage.root.rglob(evidence["id"]))
    assert len(stored) == 1 and stored[0].read_bytes() == content

    again = await client.post(
        f"{API}/self-assessments/{assessment_id}/evidence",
        data={"requirement_code": "A5.R01"},
        files=files,
        headers=company.as_company(),
    )
    assert again.status_code == 200 and again.json()["id"] == evidence["id"]

    r = await client.get(
        f"{API}/evidence/{evidence['id']}/content", headers=headers(audit_settings, Role.auditor)
    )
    assert r.status_code == 200 and r.content == content
    assert r.headers["content-type"] == "application/pdf"  # allow-listed, and documented so
    assert "filename*=UTF-8''plan%20residuos%20%C3%B1.pdf" in r.headers["content-disposition"]
    listed = await client.get(
        f"{API}/self-assessments/{assessment_id}/evidence", headers=company.as_monitor()
    )
    assert [e["id"] for e in listed.json()["data"]] == [evidence["id"]]

    other = await admit(client, audit_settings)
    assert (
        await client.get(f"{API}/evidence/{evidence['id']}/content", headers=other.as_company())
    ).status_code == 404
    assert (
        await client.delete(f"{API}/evidence/{evidence['id']}", headers=other.as_company())
    ).status_code == 404
    assert (
        await client.delete(f"{API}/evidence/{evidence['id']}", headers=company.as_company())
    ).status_code == 204
    assert not stored[0].exists()
    assert (
        await client.get(f"{API}/evidence/{evidence['id']}/content", headers=company.as_company())
    ).status_code == 404


@pytest.mark.parametrize(
    ("claimed", "served"),
    [
        ("application/pdf", "application/pdf"),
        ("image/PNG", "image/png"),
        ("text/html", "application/octet-stream"),
        ("image/svg+xml", "application/octet-stream"),
        ("application/javascript", "application/octet-stream"),
    ],
)
async def test_evidence_is_served_only_as_an_allowed_type_and_never_sniffed(
    client, audit_settings, claimed, served
):
    company = await admit(client, audit_settings)
    assessment_id = await start(client, company)
    files = {"file": ("x", b"<script>alert(1)</script>" + uuid.uuid4().bytes, claimed)}
    r = await client.post(
        f"{API}/self-assessments/{assessment_id}/evidence",
        data={"requirement_code": "A5.R01"},
        files=files,
        headers=company.as_company(),
    )
    assert r.status_code == 201, r.text
    content = await client.get(f"{API}/evidence/{r.json()['id']}/content", headers=company.as_company())
    assert content.status_code == 200
    assert content.headers["content-type"].split(";")[0] == served
    assert content.headers["x-content-type-options"] == "nosniff"


async def test_evidence_too_large_or_for_an_unknown_requirement_is_refused(client, audit_settings, audit_app):
    company = await admit(client, audit_settings)
    assessment_id = await start(client, company)
    previous = audit_config(audit_app)
    audit_app.state.audit_config = AuditConfig(evidence_max_bytes=10)
    try:
        r = await client.post(
            f"{API}/self-assessments/{assessment_id}/evidence",
            data={"requirement_code": "A5.R01"},
            files={"file": ("big.bin", b"x" * 11, "application/octet-stream")},
            headers=company.as_company(),
        )
        assert r.status_code == 413 and r.json()["max_bytes"] == 10
    finally:
        audit_app.state.audit_config = previous
    r = await client.post(
        f"{API}/self-assessments/{assessment_id}/evidence",
        data={"requirement_code": "Z1.R01"},
        files={"file": ("a.txt", b"abc", "text/plain")},
        headers=company.as_company(),
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "form[0].requirement_code"
