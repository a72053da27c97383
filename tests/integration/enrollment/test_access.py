"""Who may do what: the role crossings of the enrollment API."""

from __future__ import annotations

import uuid

from shared.auth import Role
from tests.integration.enrollment.helpers import PREFIX, company_body, new_ruc


async def test_no_identity_is_401_and_a_forged_one_too(api):
    response = await api.http.get(PREFIX + "/companies")
    assert response.status_code == 401 and response.headers["content-type"].startswith(
        "application/problem+json"
    )
    forged = await api.http.get(PREFIX + "/companies", headers={"X-Eco-Identity": "e30.bad"})
    assert forged.status_code == 401


async def test_roles_outside_the_programme_are_403(api):
    for role in (Role.auditor, Role.certification_body):
        response = await api.call("GET", "/companies", api.headers(role))
        assert response.status_code == 403
        assert "promperu_officer" in response.json()["allowed_roles"]


async def test_a_company_registers_edits_and_sees_only_itself(api):
    ruc, other = new_ruc(), new_ruc()
    me = api.company(ruc)
    created = await api.ok("POST", "/companies", me, 201, json=company_body(ruc))
    assert created["ruc"] == ruc
    assert (await api.call("POST", "/companies", me, json=company_body(other))).status_code == 403
    await api.register(other)
    # Another company is not there for it: 404, the same answer as for a RUC never registered.
    assert (await api.call("GET", f"/companies/{other}", me)).status_code == 404
    assert (await api.call("GET", f"/companies/{new_ruc()}", me)).status_code == 404
    assert (
        await api.call("PATCH", f"/companies/{other}", me, json={"phone": "014281234"})
    ).status_code == 404
    assert (await api.call("POST", f"/companies/{other}/sites", me, json={})).status_code in (404, 422)
    edited = await api.ok("PATCH", f"/companies/{ruc}", me, json={"phone": "014281234"})
    assert edited["phone"] == "014281234"
    listed = await api.ok("GET", "/companies", me)
    assert [c["ruc"] for c in listed["data"]] == [ruc]


async def test_a_company_cannot_do_officer_work(api):
    app = await api.eligible_application()
    me = api.company(app["company"]["ruc"])
    for path in ("admit", "waitlist", "reject", "evaluate", "commitment-letter", "activate", "complete"):
        response = await api.call("POST", f"/applications/{app['id']}/{path}", me)
        assert response.status_code == 403, path
    assert (await api.call("POST", "/cohorts", me, json={})).status_code == 403
    assert (await api.call("POST", "/companies/import", me, content=b"x")).status_code == 403
    assert (
        await api.call(
            "PUT", f"/companies/{app['company']['ruc']}/promperu-accounts", me, json={"pending": False}
        )
    ).status_code == 403
    report = await api.ok("GET", f"/applications/{app['id']}/eligibility", me)
    assert report["eligible"] is True


async def test_another_company_cannot_touch_an_application(api):
    app = await api.eligible_application()
    stranger = api.company(new_ruc())
    for method, path, body in [
        ("GET", f"/applications/{app['id']}", None),
        ("GET", f"/applications/{app['id']}/eligibility", None),
        ("POST", f"/applications/{app['id']}/withdraw", {}),
        ("POST", f"/applications/{app['id']}/commitment/sign", {"name": "X", "dni": "41234567"}),
    ]:
        response = await api.call(method, path, stranger, json=body)
        assert response.status_code == 404, path
    listed = await api.ok("GET", "/applications", stranger)
    assert listed["data"] == []


async def test_partner_needs_the_scope_and_may_only_read_register_and_import(api):
    no_scope = api.headers(Role.partner)
    reader = api.headers(Role.partner, scopes=["enrollment:read"])
    writer = api.headers(Role.partner, scopes=["enrollment:read", "enrollment:write"])
    forbidden = await api.call("GET", "/companies", no_scope)
    assert forbidden.status_code == 403 and forbidden.json()["required_scope"] == "enrollment:read"
    assert (await api.call("POST", "/companies", reader, json=company_body(new_ruc()))).status_code == 403
    company = await api.ok("POST", "/companies", writer, 201, json=company_body(new_ruc()))
    assert (await api.ok("GET", f"/companies/{company['ruc']}", reader))["id"] == company["id"]
    cohort = await api.cohort()
    attempt = await api.call(
        "POST", "/applications", writer, json={"ruc": company["ruc"], "cohort_id": cohort["id"]}
    )
    assert attempt.status_code == 403
    assert (await api.call("PATCH", f"/companies/{company['ruc']}", writer, json={})).status_code == 403
    assert (await api.call("GET", "/applications", reader)).status_code == 200


async def test_monitor_reads_only_the_participants_it_follows(api):
    subject = f"monitor-{uuid.uuid4().hex[:8]}"
    mine = await api.monitor(name="Aaa Monitor " + subject, subject=subject)
    cohort = await api.cohort()
    followed = await api.eligible_application(cohort["id"])
    other = await api.eligible_application(cohort["id"])
    admitted = await api.ok("POST", f"/applications/{followed['id']}/admit", api.officer)
    if admitted["monitor"]["id"] != mine["id"]:
        await api.ok(
            "PUT",
            f"/applications/{followed['id']}/monitor",
            api.officer,
            json={"monitor_id": mine["id"], "reason": "test"},
        )
    as_monitor = api.headers(Role.monitor, subject=subject)
    assert (await api.ok("GET", f"/applications/{followed['id']}", as_monitor))["id"] == followed["id"]
    assert (await api.call("GET", f"/applications/{other['id']}", as_monitor)).status_code == 404
    assert (await api.ok("GET", f"/companies/{followed['company']['ruc']}", as_monitor))["ruc"]
    assert (await api.call("GET", f"/companies/{other['company']['ruc']}", as_monitor)).status_code == 404
    listed = await api.ok("GET", "/applications", as_monitor)
    assert [a["id"] for a in listed["data"]] == [followed["id"]]
    assert (await api.call("POST", f"/applications/{followed['id']}/withdraw", as_monitor)).status_code == 403
    assert (await api.call("GET", "/monitors", as_monitor)).status_code == 403


async def test_admin_passes_everywhere(api):
    admin = api.headers(Role.admin)
    company = await api.ok("POST", "/companies", admin, 201, json=company_body(new_ruc()))
    assert (await api.call("GET", "/monitors", admin)).status_code == 200
    assert (await api.call("GET", f"/companies/{company['ruc']}", admin)).status_code == 200
