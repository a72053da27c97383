"""Pre-audit: the zero-non-conformity rule, remediation, events exactly once, and who may act."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

import pytest

from shared.auth import Role
from tests.integration.audit.support import (
    API,
    admit,
    headers,
    lima_today,
    published_events,
    requirement_codes,
    results_for,
    run_preaudit,
)


@pytest.fixture
def auditor(audit_settings):
    return headers(audit_settings, Role.auditor)


async def events(engine, settings, topic: str, preaudit_id: str, count: int) -> list[dict]:
    return await published_events(engine, settings, topic, "preaudit_id", preaudit_id, count)


async def nonconformities_of(client, who, preaudit_id: str) -> list[dict]:
    r = await client.get(f"{API}/nonconformities", params={"preaudit_id": preaudit_id}, headers=who)
    assert r.status_code == 200, r.text
    return r.json()["data"]


async def test_zero_nonconformities_passes_even_with_observations(client, audit_settings, engine):
    company = await admit(client, audit_settings)
    preaudit = await run_preaudit(
        client, audit_settings, company, {"A2.R03": "observation", "A7.R01": "observation"}
    )
    assert (
        preaudit["status"] == "passed"
        and preaudit["observations"] == 2
        and preaudit["remediation_deadline"] is None
    )
    [event] = await events(engine, audit_settings, "audit.preaudit.passed", preaudit["id"], 1)
    assert event["payload"]["company_id"] == str(company.company_id)
    assert event["payload"]["cohort_id"] == str(company.cohort_id)
    assert event["payload"]["standard_version"] == "0-draft"
    assert await nonconformities_of(client, company.as_company(), preaudit["id"]) == []


async def test_any_nonconformity_fails_with_counts_and_deadlines(client, audit_settings, engine):
    company = await admit(client, audit_settings)
    audit_date = lima_today() - timedelta(days=3)
    preaudit = await run_preaudit(
        client,
        audit_settings,
        company,
        {"A5.R01": "major_nonconformity", "A8.R03": "minor_nonconformity", "A1.R02": "observation"},
        audit_date=audit_date,
    )
    assert preaudit["status"] == "failed"
    assert (preaudit["major"], preaudit["minor"], preaudit["observations"]) == (1, 1, 1)
    deadline = str(audit_date + timedelta(days=30))
    assert preaudit["remediation_deadline"] == deadline
    [event] = await events(engine, audit_settings, "audit.preaudit.failed", preaudit["id"], 1)
    assert (event["payload"]["nonconformities"], event["payload"]["major"], event["payload"]["minor"]) == (
        2,
        1,
        1,
    )
    assert event["payload"]["remediation_deadline"] == deadline
    ncs = await nonconformities_of(client, company.as_company(), preaudit["id"])
    assert {(n["requirement_code"], n["severity"], n["status"], n["deadline"]) for n in ncs} == {
        ("A5.R01", "major", "open", deadline),
        ("A8.R03", "minor", "open", deadline),
    }
    assert all(n["finding"].startswith("Hallazgo") for n in ncs)


async def test_remediation_closes_each_nonconformity_and_then_passes_once(
    client, audit_settings, engine, auditor
):
    company = await admit(client, audit_settings)
    preaudit = await run_preaudit(
        client, audit_settings, company, {"A3.R01": "minor_nonconformity", "A4.R02": "major_nonconformity"}
    )
    first, second = sorted(
        await nonconformities_of(client, auditor, preaudit["id"]), key=lambda n: n["requirement_code"]
    )
    action = {
        "description": "Se instaló medidor de agua y se registra el consumo.",
        "root_cause": "Sin medición",
    }

    r = await client.post(
        f"{API}/nonconformities/{first['id']}/corrective-actions", json=action, headers=company.as_company()
    )
    assert r.status_code == 201 and r.json()["status"] == "action_submitted"
    r = await client.post(
        f"{API}/nonconformities/{first['id']}/verification",
        json={"accepted": False, "note": "Falta registro"},
        headers=auditor,
    )
    assert r.status_code == 200 and r.json()["status"] == "rejected"
    assert r.json()["corrective_actions"][0]["verdict"] == "rejected"
    r = await client.post(
        f"{API}/nonconformities/{first['id']}/corrective-actions", json=action, headers=company.as_monitor()
    )
    assert r.status_code == 201 and len(r.json()["corrective_actions"]) == 2
    r = await client.post(
        f"{API}/nonconformities/{first['id']}/verification", json={"accepted": True}, headers=auditor
    )
    assert r.json()["status"] == "verified_closed" and r.json()["closed_at"]
    assert (await client.get(f"{API}/preaudits/{preaudit['id']}", headers=auditor)).json()[
        "status"
    ] == "failed"

    r = await client.post(
        f"{API}/nonconformities/{second['id']}/corrective-actions", json=action, headers=company.as_company()
    )
    r = await client.post(
        f"{API}/nonconformities/{second['id']}/verification", json={"accepted": True}, headers=auditor
    )
    assert r.status_code == 200
    after = (await client.get(f"{API}/preaudits/{preaudit['id']}", headers=company.as_company())).json()
    assert after["status"] == "passed" and after["passed_at"]

    await events(engine, audit_settings, "audit.nonconformity.closed", preaudit["id"], 2)
    [passed] = await events(engine, audit_settings, "audit.preaudit.passed", preaudit["id"], 1)
    assert passed["payload"]["ruc"] == company.ruc


async def test_two_last_verifications_at_once_pass_the_preaudit_exactly_once(
    client, audit_settings, engine, auditor
):
    company = await admit(client, audit_settings)
    preaudit = await run_preaudit(
        client, audit_settings, company, {"A6.R01": "minor_nonconformity", "A6.R02": "minor_nonconformity"}
    )
    ncs = await nonconformities_of(client, auditor, preaudit["id"])
    for nc in ncs:
        r = await client.post(
            f"{API}/nonconformities/{nc['id']}/corrective-actions",
            json={"description": "Costos ambientales cuantificados"},
            headers=company.as_company(),
        )
        assert r.status_code == 201
    responses = await asyncio.gather(
        *(
            client.post(
                f"{API}/nonconformities/{nc['id']}/verification", json={"accepted": True}, headers=auditor
            )
            for nc in ncs
        )
    )
    assert [r.status_code for r in responses] == [200, 200]
    await events(engine, audit_settings, "audit.preaudit.passed", preaudit["id"], 1)


async def test_illegal_moves_are_409_with_the_allowed_ones(client, audit_settings, auditor):
    company = await admit(client, audit_settings)
    r = await client.post(
        f"{API}/preaudits",
        json={"participant_id": str(company.participant_id), "audit_date": str(lima_today())},
        headers=auditor,
    )
    preaudit_id = r.json()["id"]
    r = await client.post(f"{API}/preaudits/{preaudit_id}/conclude", headers=auditor)
    assert r.status_code == 409 and r.json()["type"].endswith("/invalid-transition")
    assert r.json()["allowed_transitions"] == ["cancelled", "in_progress"]
    r = await client.put(
        f"{API}/preaudits/{preaudit_id}/results",
        json={"results": [{"requirement_code": "A1.R01", "result": "conforming"}]},
        headers=auditor,
    )
    assert r.status_code == 409 and r.json()["current_state"] == "scheduled"
    assert (await client.post(f"{API}/preaudits/{preaudit_id}/start", headers=auditor)).status_code == 200
    r = await client.post(f"{API}/preaudits/{preaudit_id}/start", headers=auditor)
    assert r.status_code == 409 and r.json()["allowed_transitions"] == ["cancelled", "failed", "passed"]
    assert (await client.post(f"{API}/preaudits/{preaudit_id}/cancel", headers=auditor)).json()[
        "status"
    ] == "cancelled"
    r = await client.post(f"{API}/preaudits/{preaudit_id}/start", headers=auditor)
    assert r.status_code == 409 and r.json()["allowed_transitions"] == []

    failed = await run_preaudit(client, audit_settings, company, {"A1.R01": "minor_nonconformity"})
    [nc] = await nonconformities_of(client, auditor, failed["id"])
    r = await client.post(
        f"{API}/nonconformities/{nc['id']}/verification", json={"accepted": True}, headers=auditor
    )
    assert r.status_code == 409 and r.json()["allowed_transitions"] == ["action_submitted"]
    r = await client.post(f"{API}/preaudits/{failed['id']}/cancel", headers=auditor)
    assert r.status_code == 409 and r.json()["allowed_transitions"] == ["passed"]


async def test_conclusion_needs_every_requirement_and_findings_need_text(client, audit_settings, auditor):
    company = await admit(client, audit_settings)
    r = await client.post(
        f"{API}/preaudits",
        json={"participant_id": str(company.participant_id), "audit_date": str(lima_today())},
        headers=auditor,
    )
    preaudit_id = r.json()["id"]
    await client.post(f"{API}/preaudits/{preaudit_id}/start", headers=auditor)
    codes = await requirement_codes(client, audit_settings)
    r = await client.put(
        f"{API}/preaudits/{preaudit_id}/results",
        json={"results": [{"requirement_code": "A1.R01", "result": "minor_nonconformity", "finding": " "}]},
        headers=auditor,
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "results[0].finding"
    r = await client.put(
        f"{API}/preaudits/{preaudit_id}/results", json={"results": results_for(codes[:100])}, headers=auditor
    )
    assert r.json() == {"preaudit_id": preaudit_id, "received": 100, "recorded": 100}
    r = await client.post(f"{API}/preaudits/{preaudit_id}/conclude", headers=auditor)
    assert r.status_code == 422 and r.json()["rule"] == "preaudit_incomplete"
    assert r.json()["missing_requirements"] == sorted(codes[100:])
    r = await client.put(
        f"{API}/preaudits/{preaudit_id}/results", json={"results": results_for(codes[90:])}, headers=auditor
    )
    assert r.json()["recorded"] == 112  # the overlap corrected, not duplicated
    assert (await client.post(f"{API}/preaudits/{preaudit_id}/conclude", headers=auditor)).json()[
        "status"
    ] == "passed"


async def test_one_open_preaudit_per_participant(client, audit_settings, auditor):
    company = await admit(client, audit_settings)
    body = {"participant_id": str(company.participant_id), "audit_date": str(lima_today())}
    first = await client.post(f"{API}/preaudits", json=body, headers=auditor)
    second = await client.post(f"{API}/preaudits", json=body, headers=auditor)
    assert second.status_code == 409 and second.json()["preaudit_id"] == first.json()["id"]


async def test_deadline_across_a_leap_february_and_the_overdue_report(client, audit_settings, auditor):
    company = await admit(client, audit_settings)
    preaudit = await run_preaudit(
        client,
        audit_settings,
        company,
        {"A7.R04": "minor_nonconformity"},
        audit_date=date(2028, 1, 31),
        remediation_days=29,
    )
    assert preaudit["remediation_deadline"] == "2028-02-29"
    officer = headers(audit_settings, Role.promperu_officer)

    async def overdue(as_of: str) -> list[dict]:
        r = await client.get(
            f"{API}/nonconformities/overdue", params={"as_of": as_of, "ruc": company.ruc}, headers=officer
        )
        assert r.status_code == 200
        return r.json()["data"]

    assert await overdue("2028-02-29") == []
    [late] = await overdue("2028-03-02")
    assert late["requirement_code"] == "A7.R04" and late["days_overdue"] == 2
    r = await client.get(f"{API}/nonconformities/overdue", headers=company.as_company())
    assert r.status_code == 403


async def test_role_crossings_on_preaudits_and_findings(client, audit_settings, auditor):
    company, other = await admit(client, audit_settings), await admit(client, audit_settings)
    body = {"participant_id": str(company.participant_id), "audit_date": str(lima_today())}
    assert (await client.post(f"{API}/preaudits", json=body, headers=company.as_company())).status_code == 403
    assert (await client.post(f"{API}/preaudits", json=body, headers=company.as_monitor())).status_code == 403
    assert (await client.post(f"{API}/preaudits", json=body)).status_code == 401

    preaudit = await run_preaudit(client, audit_settings, company, {"A1.R05": "major_nonconformity"})
    assert (
        await client.get(f"{API}/preaudits/{preaudit['id']}", headers=company.as_company())
    ).status_code == 200
    assert (
        await client.get(f"{API}/preaudits/{preaudit['id']}", headers=other.as_company())
    ).status_code == 404
    body_user = headers(audit_settings, Role.certification_body, body_id=str(company.company_id))
    assert (await client.get(f"{API}/preaudits/{preaudit['id']}", headers=body_user)).status_code == 403
    listed = (await client.get(f"{API}/nonconformities", headers=other.as_company())).json()["data"]
    assert all(n["ruc"] == other.ruc for n in listed)

    [nc] = await nonconformities_of(client, auditor, preaudit["id"])
    action = {"description": "Acción"}
    r = await client.post(
        f"{API}/nonconformities/{nc['id']}/corrective-actions", json=action, headers=other.as_company()
    )
    assert r.status_code == 404
    r = await client.post(
        f"{API}/nonconformities/{nc['id']}/corrective-actions", json=action, headers=auditor
    )
    assert r.status_code == 403
    await client.post(
        f"{API}/nonconformities/{nc['id']}/corrective-actions", json=action, headers=company.as_company()
    )
    r = await client.post(
        f"{API}/nonconformities/{nc['id']}/verification",
        json={"accepted": True},
        headers=company.as_company(),
    )
    assert r.status_code == 403 and r.json()["allowed_roles"] == ["auditor"]
    r = await client.put(
        f"{API}/preaudits/{preaudit['id']}/results",
        json={"results": [{"requirement_code": "A1.R01", "result": "conforming"}]},
        headers=company.as_company(),
    )
    assert r.status_code == 403


async def test_an_auditor_changes_only_the_preaudits_it_leads(client, audit_settings, auditor):
    """Another auditor may read the pre-audit, not start, record, conclude or cancel it."""
    company = await admit(client, audit_settings)
    r = await client.post(
        f"{API}/preaudits",
        json={"participant_id": str(company.participant_id), "audit_date": str(lima_today())},
        headers=auditor,
    )
    preaudit_id = r.json()["id"]
    colleague = headers(audit_settings, Role.auditor, subject="auditor-someone-else")
    assert (await client.get(f"{API}/preaudits/{preaudit_id}", headers=colleague)).status_code == 200
    for action in ("start", "cancel", "conclude"):
        refused = await client.post(f"{API}/preaudits/{preaudit_id}/{action}", headers=colleague)
        assert refused.status_code == 403, action
    results = {"results": [{"requirement_code": "A1.R01", "result": "conforming"}]}
    refused = await client.put(f"{API}/preaudits/{preaudit_id}/results", json=results, headers=colleague)
    assert refused.status_code == 403
    assert (await client.get(f"{API}/preaudits/{preaudit_id}", headers=auditor)).json()[
        "status"
    ] == "scheduled"
    officer = headers(audit_settings, Role.promperu_officer)
    assert (await client.post(f"{API}/preaudits/{preaudit_id}/start", headers=officer)).status_code == 200
