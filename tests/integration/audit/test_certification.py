"""Certification audit and certificates: eligibility, bodies, approval, lifecycle, expiry, renewal."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from services.audit.domain.certificate_number import certificate_number, is_valid_number
from shared.auth import Role
from tests.integration.audit.support import (
    API,
    Company,
    admit,
    headers,
    lima_today,
    make_eligible,
    published_events,
    register_body,
)

# 22:00 in Lima on Tuesday 29 February 2028 (already 1 March in UTC).
LEAP_EVENING = datetime(2028, 3, 1, 3, 0, tzinfo=UTC)


@dataclass
class Certified:
    company: Company
    body: dict
    audit: dict
    certificate: dict


def body_user(settings, body: dict) -> dict[str, str]:
    return headers(settings, Role.certification_body, body_id=body["id"])


async def request_audit(client, company: Company, body: dict, **extra):
    payload = {
        "participant_id": str(company.participant_id),
        "body_id": body["id"],
        "organisation_pays": True,
    } | extra
    return await client.post(f"{API}/certification-audits", json=payload, headers=company.as_company())


async def certify(
    client, settings, company: Company | None = None, body: dict | None = None, *, day=None
) -> Certified:
    """Admit (if needed), make eligible, request, schedule and approve: the certificate."""
    day = day or lima_today()
    if company is None:
        company = await admit(client, settings)
        await make_eligible(client, settings, company)
    body = body or await register_body(client, settings)
    r = await request_audit(client, company, body, payment_reference="FAC-001-123")
    assert r.status_code == 201, r.text
    audit_id = r.json()["id"]
    r = await client.post(
        f"{API}/certification-audits/{audit_id}/schedule",
        json={"audit_date": str(day)},
        headers=body_user(settings, body),
    )
    assert r.status_code == 200, r.text
    r = await client.post(
        f"{API}/certification-audits/{audit_id}/decision",
        json={"approved": True, "note": "Cumple"},
        headers=body_user(settings, body),
    )
    assert r.status_code == 200, r.text
    return Certified(company, body, r.json()["audit"], r.json()["certificate"])


@pytest.fixture
def officer(audit_settings):
    return headers(audit_settings, Role.promperu_officer)


async def test_a_participant_not_yet_eligible_is_refused_with_a_clear_error(client, audit_settings):
    company = await admit(client, audit_settings)
    body = await register_body(client, audit_settings)
    r = await request_audit(client, company, body)
    assert r.status_code == 422 and r.json()["rule"] == "not_certification_eligible"
    assert "pass the pre-audit with zero non-conformities" in r.json()["detail"]
    r = await client.post(
        f"{API}/certification-audits",
        json={
            "participant_id": str(company.participant_id),
            "body_id": body["id"],
            "organisation_pays": True,
        },
        headers=company.as_company() | {"Accept-Language": "es-PE,es;q=0.9"},
    )
    assert "sin ninguna no conformidad" in r.json()["detail"]


async def test_request_rules_payment_authorisation_ownership_and_one_at_a_time(
    client, audit_settings, engine
):
    company = await admit(client, audit_settings)
    await make_eligible(client, audit_settings, company)
    body = await register_body(client, audit_settings)
    lapsed = await register_body(
        client,
        audit_settings,
        valid_from=str(lima_today() - timedelta(days=400)),
        valid_to=str(lima_today() - timedelta(days=1)),
    )
    assert (await request_audit(client, company, body, organisation_pays=False)).json()[
        "rule"
    ] == "organisation_pays"
    r = await request_audit(client, company, lapsed)
    assert r.status_code == 422 and r.json()["rule"] == "body_not_authorised"
    other = await admit(client, audit_settings)
    r = await client.post(
        f"{API}/certification-audits",
        json={
            "participant_id": str(company.participant_id),
            "body_id": body["id"],
            "organisation_pays": True,
        },
        headers=other.as_company(),
    )
    assert r.status_code == 404

    r = await request_audit(client, company, body, fee_pen="4500.00")
    assert r.status_code == 201 and r.json()["kind"] == "initial" and r.json()["status"] == "requested"
    audit_id = r.json()["id"]
    [event] = await published_events(
        engine, audit_settings, "audit.certification.requested", "certification_audit_id", audit_id, 1
    )
    assert event["payload"]["body_id"] == body["id"] and event["payload"]["ruc"] == company.ruc
    again = await request_audit(client, company, body)
    assert again.status_code == 409 and again.json()["certification_audit_id"] == audit_id

    r = await client.post(
        f"{API}/certification-audits/{audit_id}/payment",
        json={"payment_reference": "F001-000777", "fee_pen": "4500.00", "paid_on": str(lima_today())},
        headers=company.as_company(),
    )
    assert r.status_code == 200 and r.json()["payment_reference"] == "F001-000777"


async def test_a_body_sees_and_acts_only_on_audits_assigned_to_it(client, audit_settings, officer):
    company = await admit(client, audit_settings)
    await make_eligible(client, audit_settings, company)
    mine, theirs = await register_body(client, audit_settings), await register_body(client, audit_settings)
    audit_id = (await request_audit(client, company, mine)).json()["id"]
    intruder = body_user(audit_settings, theirs)
    today = str(lima_today())

    assert (await client.get(f"{API}/certification-audits/{audit_id}", headers=intruder)).status_code == 404
    r = await client.post(
        f"{API}/certification-audits/{audit_id}/schedule", json={"audit_date": today}, headers=intruder
    )
    assert r.status_code == 404
    assert (await client.get(f"{API}/certification-audits", headers=intruder)).json()["data"] == []
    r = await client.get(f"{API}/certification-audits", params={"body_id": mine["id"]}, headers=intruder)
    assert r.status_code == 403
    listed = (
        await client.get(f"{API}/certification-audits", headers=body_user(audit_settings, mine))
    ).json()["data"]
    assert [a["id"] for a in listed] == [audit_id]

    owner = body_user(audit_settings, mine)
    r = await client.post(
        f"{API}/certification-audits/{audit_id}/schedule",
        json={"audit_date": str(lima_today() - timedelta(days=1))},
        headers=owner,
    )
    assert r.status_code == 422 and r.json()["rule"] == "audit_date_in_past"
    r = await client.post(
        f"{API}/certification-audits/{audit_id}/schedule",
        json={"audit_date": str(lima_today() + timedelta(days=400))},
        headers=owner,
    )
    assert r.status_code == 422 and r.json()["rule"] == "body_not_authorised"
    r = await client.post(
        f"{API}/certification-audits/{audit_id}/decision", json={"approved": True}, headers=owner
    )
    assert r.status_code == 409 and r.json()["allowed_transitions"] == ["cancelled", "scheduled"]
    assert (
        await client.post(
            f"{API}/certification-audits/{audit_id}/schedule", json={"audit_date": today}, headers=owner
        )
    ).status_code == 200
    r = await client.post(
        f"{API}/certification-audits/{audit_id}/decision", json={"approved": True}, headers=intruder
    )
    assert r.status_code == 404
    r = await client.post(
        f"{API}/certification-audits/{audit_id}/decision", json={"approved": True}, headers=officer
    )
    assert r.status_code == 403 and r.json()["allowed_roles"] == ["certification_body"]


async def test_approval_issues_a_two_year_certificate_with_a_verifiable_number(
    client, audit_settings, engine
):
    done = await certify(client, audit_settings)
    certificate = done.certificate
    assert is_valid_number(certificate["number"])
    issued = lima_today()
    assert certificate["issued_on"] == str(issued)
    expected_expiry = issued.replace(year=issued.year + 2) if (issued.month, issued.day) != (2, 29) else None
    assert certificate["expires_on"] == str(expected_expiry) == certificate["mark_use_until"]
    assert certificate["status"] == "active" and certificate["holder_name"] == done.company.legal_name
    [event] = await published_events(
        engine, audit_settings, "audit.certificate.issued", "certificate_number", certificate["number"], 1
    )
    assert event["payload"]["body_name"] == done.body["name"] and event["payload"]["company_id"] == str(
        done.company.company_id
    )
    assert event["payload"]["supersedes_certificate_number"] is None

    r = await client.post(
        f"{API}/certification-audits/{done.audit['id']}/decision",
        json={"approved": False},
        headers=body_user(audit_settings, done.body),
    )
    assert r.status_code == 409 and r.json()["allowed_transitions"] == []
    r = await client.get(f"{API}/certificates/{certificate['number']}", headers=done.company.as_company())
    assert r.status_code == 200 and r.json()["history"][0]["to_status"] == "active"


async def test_not_approved_issues_nothing_and_the_company_may_ask_again(client, audit_settings):
    company = await admit(client, audit_settings)
    await make_eligible(client, audit_settings, company)
    body = await register_body(client, audit_settings)
    audit_id = (await request_audit(client, company, body)).json()["id"]
    owner = body_user(audit_settings, body)
    await client.post(
        f"{API}/certification-audits/{audit_id}/schedule",
        json={"audit_date": str(lima_today())},
        headers=owner,
    )
    r = await client.post(
        f"{API}/certification-audits/{audit_id}/decision", json={"approved": False}, headers=owner
    )
    assert r.json()["audit"]["status"] == "not_approved" and r.json()["certificate"] is None
    assert (await request_audit(client, company, body)).status_code == 201


async def test_suspend_reinstate_withdraw_each_publish_once(client, audit_settings, officer, engine):
    number = (await certify(client, audit_settings)).certificate["number"]
    reason = {"reason": "Uso indebido de la marca"}
    r = await client.post(f"{API}/certificates/{number}/suspend", json=reason, headers=officer)
    assert (
        r.status_code == 200
        and r.json()["status"] == "suspended"
        and r.json()["status_reason"] == reason["reason"]
    )
    r = await client.post(f"{API}/certificates/{number}/suspend", json=reason, headers=officer)
    assert r.status_code == 409 and r.json()["allowed_transitions"] == ["active", "expired", "withdrawn"]
    for reasonless in ({}, {"reason": "   "}):  # every transition says why
        r = await client.post(f"{API}/certificates/{number}/reinstate", json=reasonless, headers=officer)
        assert r.status_code == 422 and r.json()["errors"][0]["field"] == "reason"
    lifted = {"reason": "Descargos aceptados"}
    r = await client.post(f"{API}/certificates/{number}/reinstate", json=lifted, headers=officer)
    assert r.json()["status"] == "active" and r.json()["status_reason"] == "Descargos aceptados"
    r = await client.post(
        f"{API}/certificates/{number}/withdraw", json={"reason": "Incumplimiento grave"}, headers=officer
    )
    assert r.json()["status"] == "withdrawn"
    assert [h["to_status"] for h in r.json()["history"]] == ["active", "suspended", "active", "withdrawn"]
    assert all(h["reason"] and h["changed_by"] and h["changed_at"] for h in r.json()["history"])
    r = await client.post(f"{API}/certificates/{number}/reinstate", json=lifted, headers=officer)
    assert r.status_code == 409 and r.json()["allowed_transitions"] == []

    for topic in (
        "audit.certificate.suspended",
        "audit.certificate.reinstated",
        "audit.certificate.withdrawn",
    ):
        await published_events(engine, audit_settings, topic, "certificate_number", number, 1)


async def test_who_may_read_and_change_certificates(client, audit_settings, officer):
    done = await certify(client, audit_settings)
    number = done.certificate["number"]
    stranger = await admit(client, audit_settings)
    assert (
        await client.get(f"{API}/certificates/{number}", headers=stranger.as_company())
    ).status_code == 404
    r = await client.post(
        f"{API}/certificates/{number}/suspend", json={"reason": "x"}, headers=done.company.as_company()
    )
    assert r.status_code == 403
    assert (
        await client.get(f"{API}/certificates/{number}", headers=body_user(audit_settings, done.body))
    ).status_code == 200
    other_body = headers(audit_settings, Role.certification_body, body_id=str(uuid.uuid4()))
    assert (await client.get(f"{API}/certificates/{number}", headers=other_body)).status_code == 404
    partner = headers(audit_settings, Role.partner, scopes=["audit:read"])
    r = await client.get(f"{API}/certificates", params={"ruc": done.company.ruc}, headers=partner)
    assert [c["number"] for c in r.json()["data"]] == [number]
    mine = (await client.get(f"{API}/certificates", headers=done.company.as_company())).json()["data"]
    assert [c["number"] for c in mine] == [number]

    typo = number[:-1] + ("A" if number[-1] != "A" else "B")
    r = await client.get(f"{API}/certificates/{typo}", headers=officer)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "number"
    r = await client.get(f"{API}/certificates/{certificate_number(2099, 999999)}", headers=officer)
    assert r.status_code == 404


async def test_issued_on_a_lima_leap_day_expires_on_28_february_once(
    client, audit_settings, clock, officer, engine
):
    company = await admit(client, audit_settings)
    await make_eligible(client, audit_settings, company)
    body = await register_body(client, audit_settings, valid_from="2028-01-01", valid_to="2031-12-31")
    with clock.at(LEAP_EVENING):
        done = await certify(client, audit_settings, company, body, day=clock.today())
    certificate = done.certificate
    assert (certificate["issued_on"], certificate["expires_on"]) == ("2028-02-29", "2030-02-28")
    assert certificate["number"].startswith("BPE-2028-")

    async def expiry_pass(as_of: str) -> list[str]:
        r = await client.post(f"{API}/certificates/expiry-pass", params={"as_of": as_of}, headers=officer)
        assert r.status_code == 200 and r.json()["as_of"] == as_of
        return r.json()["expired"]

    assert certificate["number"] not in await expiry_pass("2030-02-27")
    assert certificate["number"] in await expiry_pass("2030-02-28")
    assert certificate["number"] not in await expiry_pass("2030-03-01")
    r = await client.get(f"{API}/certificates/{certificate['number']}", headers=officer)
    assert r.json()["status"] == "expired"
    [event] = await published_events(
        engine, audit_settings, "audit.certificate.expired", "certificate_number", certificate["number"], 1
    )
    assert event["payload"]["expired_on"] == "2030-02-28"
    r = await client.post(f"{API}/certificates/expiry-pass", headers=done.company.as_company())
    assert r.status_code == 403


async def test_a_suspension_cannot_be_lifted_after_the_expiry_date(client, audit_settings, clock, officer):
    company = await admit(client, audit_settings)
    await make_eligible(client, audit_settings, company)
    body = await register_body(client, audit_settings, valid_from="2028-01-01", valid_to="2031-12-31")
    with clock.at(LEAP_EVENING):
        number = (await certify(client, audit_settings, company, body, day=clock.today())).certificate[
            "number"
        ]
        await client.post(
            f"{API}/certificates/{number}/suspend",
            json={"reason": "Auditoría de seguimiento"},
            headers=officer,
        )
    with clock.at(datetime(2030, 2, 28, 12, 0, tzinfo=UTC)):
        r = await client.post(
            f"{API}/certificates/{number}/reinstate", json={"reason": "Descargos aceptados"}, headers=officer
        )
    assert r.status_code == 422 and r.json()["rule"] == "certificate_past_expiry"


async def test_renewal_starts_a_new_cycle_and_supersedes_the_old_certificate(
    client, audit_settings, officer, engine
):
    first = await certify(client, audit_settings)
    r = await request_audit(client, first.company, first.body)
    assert r.status_code == 201 and r.json()["kind"] == "renewal"
    assert r.json()["renews_certificate_id"] == first.certificate["id"]
    await client.post(
        f"{API}/certification-audits/{r.json()['id']}/cancel", headers=first.company.as_company()
    )

    second = await certify(client, audit_settings, first.company, first.body)
    assert second.audit["kind"] == "renewal" and second.certificate["number"] != first.certificate["number"]
    old = (await client.get(f"{API}/certificates/{first.certificate['number']}", headers=officer)).json()
    assert old["status"] == "superseded" and second.certificate["supersedes_id"] == first.certificate["id"]
    [event] = await published_events(
        engine,
        audit_settings,
        "audit.certificate.issued",
        "certificate_number",
        second.certificate["number"],
        1,
    )
    assert event["payload"]["supersedes_certificate_number"] == first.certificate["number"]

    await client.post(
        f"{API}/certificates/{second.certificate['number']}/suspend", json={"reason": "x"}, headers=officer
    )
    r = await request_audit(client, first.company, first.body)
    assert r.status_code == 422 and r.json()["rule"] == "certificate_suspended"


async def test_body_registry_validation(client, audit_settings, officer):
    body = await register_body(client, audit_settings)
    duplicate = body | {"ruc": body["ruc"]}
    r = await client.post(
        f"{API}/certification-bodies",
        json={k: duplicate[k] for k in ("name", "ruc", "authorisation_number", "valid_from", "valid_to")},
        headers=officer,
    )
    assert r.status_code == 409 and r.json()["body_id"] == body["id"]
    bad = {
        "name": "X",
        "ruc": "20100070971",
        "authorisation_number": "N-1",
        "valid_from": "2026-01-02",
        "valid_to": "2026-01-01",
    }
    r = await client.post(f"{API}/certification-bodies", json=bad, headers=officer)
    assert r.status_code == 422 and [e["field"] for e in r.json()["errors"]] == ["ruc"]
    r = await client.post(f"{API}/certification-bodies", json=bad | {"ruc": "20100070970"}, headers=officer)
    assert (
        r.status_code == 422 and "valid_to must be on or after valid_from" in r.json()["errors"][0]["message"]
    )
    r = await client.patch(
        f"{API}/certification-bodies/{body['id']}", json={"valid_to": "2000-01-01"}, headers=officer
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "valid_to"
    r = await client.patch(
        f"{API}/certification-bodies/{body['id']}", json={"active": False}, headers=officer
    )
    assert r.json()["active"] is False
    company = await admit(client, audit_settings)
    r = await client.post(
        f"{API}/certification-bodies",
        json=bad | {"ruc": "20100070970", "valid_to": "2027-01-01"},
        headers=company.as_company(),
    )
    assert r.status_code == 403
