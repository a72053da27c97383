"""Classes the outside fuzzer found (issue 10), in audit's terms: the kernel's CSV reader."""

from __future__ import annotations

import uuid

import pytest

from services.audit.domain.evidence_types import OCTET_STREAM, SERVABLE
from shared.auth import Role
from tests.integration.audit.support import API, headers

GOOD = (
    "kind,code,aspect_code,text,evidence_expected,workshop\n"
    "aspect,G,,Gestión,,\n"
    "requirement,G-1,G,Política,Documento,1\n"
    "requirement,G-2,G,Objetivos,Matriz,9\n"
)


@pytest.fixture
def csv_officer(audit_settings):
    return headers(audit_settings, Role.promperu_officer) | {"content-type": "text/csv"}


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"], ids=["unix", "windows", "old-mac"])
async def test_a_standard_csv_is_read_whatever_its_line_endings(client, csv_officer, newline):
    params = {"version": f"nl-{uuid.uuid4().hex[:8]}", "title": "BPE CSV"}
    bad = ("\ufeff" + GOOD.replace("G-2,G,", "G-1,H,")).replace("\n", newline)
    r = await client.post(f"{API}/standards/import", params=params, content=bad.encode(), headers=csv_officer)
    assert r.status_code == 422
    assert {(e["field"], e["line"]) for e in r.json()["errors"]} == {("code", 4), ("aspect_code", 4)}
    good = GOOD.replace("\n", newline).encode()
    r = await client.post(f"{API}/standards/import", params=params, content=good, headers=csv_officer)
    assert r.status_code == 201, r.text
    assert r.json()["aspect_count"] == 1


async def test_a_standard_import_retried_with_an_idempotency_key_is_answered_once(client, csv_officer):
    """The fuzzer's 500: the body read with its size limit, then fingerprinted for the key."""
    params = {"version": f"idem-{uuid.uuid4().hex[:8]}", "title": "BPE CSV"}
    once = csv_officer | {"Idempotency-Key": uuid.uuid4().hex}
    first = await client.post(f"{API}/standards/import", params=params, content=GOOD.encode(), headers=once)
    assert first.status_code == 201, first.text
    again = await client.post(f"{API}/standards/import", params=params, content=GOOD.encode(), headers=once)
    assert again.status_code == 201, again.text
    assert again.json() == first.json()
    other = await client.post(
        f"{API}/standards/import", params=params, content=GOOD.encode() + b"\n", headers=once
    )
    assert other.status_code == 422, other.text  # the key names another request


async def test_a_csv_that_is_not_utf8_is_a_400_naming_the_line(client, csv_officer):
    body = GOOD.encode() + "requirement,G-3,G,Energía,Registro,2\n".encode("cp1252")
    params = {"version": f"enc-{uuid.uuid4().hex[:8]}", "title": "BPE CSV"}
    r = await client.post(f"{API}/standards/import", params=params, content=body, headers=csv_officer)
    assert r.status_code == 400, r.text
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["errors"][0]["line"] == 5


async def test_every_status_and_media_type_audit_answers_with_is_documented(audit_app):
    """The fuzzer's undocumented answers: 415 on the import, 200 for a repeated evidence upload,
    an evidence file's allow-listed media type on download."""
    paths = audit_app.openapi()["paths"]
    assert "415" in paths["/api/v1/audit/standards/import"]["post"]["responses"]
    upload = paths["/api/v1/audit/self-assessments/{assessment_id}/evidence"]["post"]["responses"]
    assert {"200", "201"} <= set(upload)
    assert (
        upload["200"]["content"]["application/json"]["schema"]
        == upload["201"]["content"]["application/json"]["schema"]
    )
    download = paths["/api/v1/audit/evidence/{evidence_id}/content"]["get"]["responses"]["200"]
    assert set(download["content"]) == {*SERVABLE, OCTET_STREAM}
