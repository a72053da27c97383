"""Issue 14: state changes that cannot be abused, the programme order, the mark licence."""

from __future__ import annotations

from datetime import timedelta

import pytest

from shared.auth import Role
from tests.integration.audit.support import (
    API,
    admit,
    headers,
    lima_today,
    prepare_for_preaudit,
    published_events,
)
from tests.integration.audit.test_certification import certify


@pytest.fixture
def officer(audit_settings):
    return headers(audit_settings, Role.promperu_officer, subject="officer-ana")


@pytest.fixture
def admin(audit_settings):
    return headers(audit_settings, Role.admin, subject="admin-carla")


async def test_outside_dev_test_the_expiry_pass_runs_only_for_today(
    client, audit_app, audit_settings, officer, monkeypatch
):
    number = (await certify(client, audit_settings)).certificate["number"]
    monkeypatch.setattr(audit_app.state.settings, "env", "prod")

    def bound(method: str, path: str) -> dict[str, str]:
        """Production accepts only identities the gateway bound to the request it checked."""
        return headers(audit_settings, Role.promperu_officer, subject="officer-ana", method=method, path=path)

    expiry_pass = f"{API}/certificates/expiry-pass"
    r = await client.post(expiry_pass, headers=officer)
    assert r.status_code == 401, "an unbound identity is refused outside dev/test"
    future = lima_today() + timedelta(days=3 * 365)
    r = await client.post(expiry_pass, params={"as_of": str(future)}, headers=bound("POST", expiry_pass))
    assert r.status_code == 422 and r.json()["rule"] == "expiry_pass_date"
    assert r.json()["errors"][0]["field"] == "as_of"
    r = await client.post(expiry_pass, headers=bound("POST", expiry_pass))
    assert (
        r.status_code == 200 and r.json()["as_of"] == str(lima_today()) and number not in r.json()["expired"]
    )
    r = await client.get(f"{API}/certificates/{number}", headers=bound("GET", f"{API}/certificates/{number}"))
    assert r.json()["status"] == "active" and r.json()["mark_licence"]["status"] == "granted"


async def test_an_on_demand_pass_records_who_ran_it(client, audit_settings, officer, clock):
    done = await certify(client, audit_settings)
    number, expires_on = done.certificate["number"], done.certificate["expires_on"]
    r = await client.post(f"{API}/certificates/expiry-pass", params={"as_of": expires_on}, headers=officer)
    assert number in r.json()["expired"]
    detail = (await client.get(f"{API}/certificates/{number}", headers=officer)).json()
    last = detail["history"][-1]
    assert (last["to_status"], last["changed_by"]) == ("expired", "officer-ana")
    assert expires_on in last["reason"] and last["changed_at"]
    assert detail["mark_licence"]["status"] == "expired"


async def test_a_wrong_expiry_is_corrected_by_an_admin_with_a_reason_and_both_rows_stay(
    client, audit_settings, officer, admin, engine
):
    done = await certify(client, audit_settings)
    number, expires_on = done.certificate["number"], done.certificate["expires_on"]
    await client.post(f"{API}/certificates/expiry-pass", params={"as_of": expires_on}, headers=officer)
    fix = {"to_status": "active", "reason": "Proceso de vencimiento ejecutado con fecha futura por error"}
    r = await client.post(f"{API}/certificates/{number}/corrections", json=fix, headers=officer)
    assert r.status_code == 403
    r = await client.post(
        f"{API}/certificates/{number}/corrections", json={"to_status": "active"}, headers=admin
    )
    assert r.status_code == 422
    r = await client.post(f"{API}/certificates/{number}/corrections", json=fix, headers=admin)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["status"] == "active" and body["mark_licence"]["status"] == "granted"
    assert [(h["to_status"], h["kind"]) for h in body["history"]] == [
        ("active", "transition"),
        ("expired", "transition"),
        ("active", "correction"),
    ]
    assert (
        body["history"][-1]["changed_by"] == "admin-carla" and body["history"][-1]["reason"] == fix["reason"]
    )
    [event] = await published_events(
        engine, audit_settings, "audit.certificate.reinstated", "certificate_number", number, 1
    )
    assert event["payload"]["reason"].startswith("correction:")
    r = await client.post(
        f"{API}/certificates/{number}/corrections",
        json={"to_status": "expired", "reason": "x"},
        headers=admin,
    )
    assert r.status_code == 422 and r.json()["rule"] == "correction_not_due"


async def test_the_pre_audit_waits_for_training_and_assistance(client, audit_settings, officer):
    company = await admit(client, audit_settings, ready=False)
    auditor = headers(audit_settings, Role.auditor)
    body = {"participant_id": str(company.participant_id), "audit_date": str(lima_today())}
    r = await client.post(f"{API}/preaudits", json=body, headers=auditor)
    assert r.status_code == 422 and r.json()["rule"] == "preaudit_before_programme"
    assert r.json()["missing"] == ["training_not_completed", "technical_assistance_missing"]
    r = await client.post(
        f"{API}/preaudits", json=body | {"order_override_reason": "Auditor de paso"}, headers=auditor
    )
    assert r.status_code == 403
    await prepare_for_preaudit(client, audit_settings, company)
    r = await client.post(f"{API}/preaudits", json=body, headers=auditor)
    assert r.status_code == 201 and r.json()["order_override_by"] is None


async def test_an_officer_may_override_the_order_with_a_recorded_reason(client, audit_settings, officer):
    company = await admit(client, audit_settings, ready=False)
    body = {
        "participant_id": str(company.participant_id),
        "audit_date": str(lima_today()),
        "order_override_reason": "Empresa capacitada en la cohorte 2024 (expediente 88)",
    }
    r = await client.post(f"{API}/preaudits", json=body, headers=officer)
    assert r.status_code == 201, r.text
    assert r.json()["order_override_by"] == "officer-ana"
    assert (
        r.json()["order_override_reason"] == body["order_override_reason"] and r.json()["order_override_at"]
    )


async def test_the_mark_licence_moves_on_its_own(client, audit_settings, officer, engine):
    number = (await certify(client, audit_settings)).certificate["number"]
    detail = (await client.get(f"{API}/certificates/{number}", headers=officer)).json()
    assert detail["mark_licence"]["status"] == "granted"
    assert detail["mark_licence"]["valid_until"] == detail["expires_on"]
    why = {"reason": "Uso de la marca en productos fuera del alcance"}
    r = await client.post(f"{API}/certificates/{number}/mark-licence/suspend", json=why, headers=officer)
    assert r.status_code == 200 and r.json()["status"] == "active"
    assert r.json()["mark_licence"]["status"] == "suspended"
    assert r.json()["mark_licence"]["status_changed_by"] == "officer-ana"
    r = await client.post(f"{API}/certificates/{number}/mark-licence/reinstate", json={}, headers=officer)
    assert r.status_code == 422
    r = await client.post(
        f"{API}/certificates/{number}/mark-licence/reinstate", json={"reason": "Corregido"}, headers=officer
    )
    assert r.json()["mark_licence"]["status"] == "granted"
    r = await client.post(f"{API}/certificates/{number}/mark-licence/withdraw", json=why, headers=officer)
    assert r.json()["mark_licence"]["status"] == "withdrawn" and r.json()["status"] == "active"
    assert [h["to_status"] for h in r.json()["mark_licence_history"]] == [
        "granted",
        "suspended",
        "granted",
        "withdrawn",
    ]
    r = await client.post(f"{API}/certificates/{number}/mark-licence/reinstate", json=why, headers=officer)
    assert r.status_code == 409
    for topic in ("granted", "suspended", "reinstated", "withdrawn"):
        await published_events(
            engine, audit_settings, f"audit.marklicence.{topic}", "certificate_number", number, 1
        )


async def test_withdrawing_the_certificate_ends_the_licence(client, audit_settings, officer):
    number = (await certify(client, audit_settings)).certificate["number"]
    r = await client.post(f"{API}/certificates/{number}/withdraw", json={"reason": "Fraude"}, headers=officer)
    assert r.json()["mark_licence"]["status"] == "withdrawn"
