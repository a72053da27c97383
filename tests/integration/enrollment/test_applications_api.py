"""Applications through the API: the whole journey, the rules that stop it, and the history."""

from __future__ import annotations

from datetime import timedelta

from tests.integration.enrollment.helpers import new_ruc


async def test_full_journey_to_completion_with_commitment_letter(api):
    await api.monitor()
    app = await api.participant()
    app_id, ruc = app["id"], app["company"]["ruc"]
    assert app["status"] == "admitted" and app["monitor"] is not None
    early = await api.call("GET", f"/applications/{app_id}/commitment-letter", api.officer)
    assert early.status_code == 409
    issued = await api.ok("POST", f"/applications/{app_id}/commitment-letter", api.officer)
    assert issued["status"] == "commitment_issued"
    letter = await api.call("GET", f"/applications/{app_id}/commitment-letter", api.company(ruc))
    assert letter.status_code == 200 and letter.headers["content-type"].startswith("text/html")
    html = letter.text
    assert ruc in html and "Rosa Mamani Flores" in html and "41234567" in html
    assert "pre auditoría" in html and "diez (10) módulos" in html
    wrong = await api.call(
        "POST",
        f"/applications/{app_id}/commitment/sign",
        api.company(ruc),
        json={"name": "Impostor", "dni": "87654321"},
    )
    assert wrong.status_code == 422 and wrong.json()["rule"] == "commitment.signer_not_legal_representative"
    signed = await api.ok(
        "POST",
        f"/applications/{app_id}/commitment/sign",
        api.company(ruc),
        json={"name": "Rosa Mamani Flores", "dni": "41234567"},
    )
    assert signed["status"] == "commitment_signed" and signed["signed_by_name"] == "Rosa Mamani Flores"
    assert "Firmada" in (await api.call("GET", f"/applications/{app_id}/commitment-letter", api.officer)).text
    assert (await api.ok("POST", f"/applications/{app_id}/activate", api.officer))["status"] == "active"
    done = await api.ok("POST", f"/applications/{app_id}/complete", api.officer)
    assert done["status"] == "completed" and done["allowed_transitions"] == [] and done["monitor"] is None
    history = await api.ok("GET", f"/applications/{app_id}/history", api.officer)
    assert [h["to_status"] for h in history["data"]] == [
        "draft",
        "submitted",
        "eligible",
        "admitted",
        "commitment_issued",
        "commitment_signed",
        "active",
        "completed",
    ]


async def test_illegal_transition_is_a_409_listing_the_allowed_moves(api):
    app = await api.eligible_application()
    response = await api.call("POST", f"/applications/{app['id']}/activate", api.officer)
    assert response.status_code == 409
    problem = response.json()
    assert problem["type"].endswith("invalid-transition")
    assert problem["current_state"] == "eligible" and problem["attempted"] == "active"
    assert problem["allowed_transitions"] == ["admitted", "waitlisted", "rejected", "ineligible", "withdrawn"]
    resubmit = await api.call("POST", f"/applications/{app['id']}/submit", api.company(app["company"]["ruc"]))
    assert resubmit.status_code == 409


async def test_capacity_full_then_waitlist_then_admit_when_a_seat_frees(api):
    await api.monitor()
    cohort = await api.cohort(capacity=1)
    first = await api.participant(cohort["id"])
    second = await api.eligible_application(cohort["id"])
    full = await api.call("POST", f"/applications/{second['id']}/admit", api.officer)
    assert full.status_code == 422 and full.json()["rule"] == "cohort.full"
    waiting = await api.ok(
        "POST", f"/applications/{second['id']}/waitlist", api.officer, json={"reason": "no seat"}
    )
    assert waiting["status"] == "waitlisted" and waiting["decision_reason"] == "no seat"
    await api.ok(
        "POST", f"/applications/{first['id']}/withdraw", api.officer, json={"reason": "closing down"}
    )
    admitted = await api.ok("POST", f"/applications/{second['id']}/admit", api.officer)
    assert admitted["status"] == "admitted"
    seats = await api.ok("GET", f"/cohorts/{cohort['id']}", api.officer)
    assert seats["seats_taken"] == 1


async def test_submission_outside_the_window_is_refused(api):
    registered = await api.register()
    today = api.clock.today()
    cohort = await api.cohort(
        applications_open_on=(today + timedelta(days=5)).isoformat(),
        applications_close_on=(today + timedelta(days=9)).isoformat(),
    )
    app = await api.ok(
        "POST", "/applications", api.officer, 201, json={"ruc": registered["ruc"], "cohort_id": cohort["id"]}
    )
    response = await api.call("POST", f"/applications/{app['id']}/submit", api.company(registered["ruc"]))
    assert response.status_code == 422 and response.json()["rule"] == "cohort.window_closed"
    twice = await api.call(
        "POST", "/applications", api.officer, json={"ruc": registered["ruc"], "cohort_id": cohort["id"]}
    )
    assert twice.status_code == 409


async def test_eligibility_report_rule_by_rule_and_reevaluation_on_data_change(api):
    app = await api.eligible_application()
    ruc = app["company"]["ruc"]
    report = await api.ok("GET", f"/applications/{app['id']}/eligibility", api.officer)
    assert report["eligible"] and len(report["rules"]) == 12
    sworn = next(r for r in report["rules"] if r["rule_id"] == "declaration.sworn")
    assert sworn["data"]["accepted_by_dni"] == "41234567" and sworn["data"]["accepted_at"]

    changed = await api.ok(
        "PATCH", f"/companies/{ruc}", api.company(ruc), json={"email": "ecoexport@gmail.com"}
    )
    assert changed["email"] == "ecoexport@gmail.com"
    now_ineligible = await api.ok("GET", f"/applications/{app['id']}", api.officer)
    assert now_ineligible["status"] == "ineligible"
    assert now_ineligible["eligibility"]["failed_rules"] == ["communications.corporate_image"]
    report = await api.ok("GET", f"/applications/{app['id']}/eligibility", api.company(ruc))
    image = next(r for r in report["rules"] if r["rule_id"] == "communications.corporate_image")
    assert not image["passed"] and image["data"]["email_is_free_mail"] is True

    await api.ok("PATCH", f"/companies/{ruc}", api.officer, json={"email": f"ventas@eco{ruc}.pe"})
    assert (await api.ok("GET", f"/applications/{app['id']}", api.officer))["status"] == "eligible"
    await api.ok(
        "PUT",
        f"/companies/{ruc}/promperu-accounts",
        api.officer,
        json={"pending": True, "note": "Factura 118"},
    )
    after = await api.ok("GET", f"/applications/{app['id']}", api.officer)
    assert after["status"] == "ineligible" and after["eligibility"]["failed_rules"] == [
        "promperu.no_pending_accounts"
    ]
    history = await api.ok("GET", f"/applications/{app['id']}/history", api.officer)
    assert [h["to_status"] for h in history["data"]][-3:] == ["ineligible", "eligible", "ineligible"]


async def test_indeci_certificate_expiring_on_the_evaluation_date_fails(api, moved_clock):
    app = await api.eligible_application()
    ruc = app["company"]["ruc"]
    [site] = (await api.ok("GET", f"/companies/{ruc}/sites", api.officer))["data"]
    expiry = moved_clock.today() + timedelta(days=3)
    await api.ok(
        "PATCH",
        f"/companies/{ruc}/sites/{site['id']}",
        api.officer,
        json={"indeci_expires_on": expiry.isoformat()},
    )
    assert (await api.ok("GET", f"/applications/{app['id']}", api.officer))["status"] == "eligible"
    moved_clock.advance(timedelta(days=3))
    assert moved_clock.today() == expiry
    report = await api.ok("GET", f"/applications/{app['id']}/eligibility", api.officer)
    assert report["failed_rules"] == ["sites.indeci_certificate"]
    refused = await api.call("POST", f"/applications/{app['id']}/admit", api.officer)
    assert refused.status_code == 422 and refused.json()["failed_rules"] == ["sites.indeci_certificate"]
    evaluated = await api.ok("POST", f"/applications/{app['id']}/evaluate", api.officer)
    assert evaluated["status"] == "ineligible"


async def test_admission_balances_monitors_and_reassignment_keeps_history(api):
    monitors = await api.all_pages("/monitors", api.officer, active=True)
    for m in monitors:
        await api.ok("PATCH", f"/monitors/{m['id']}", api.officer, json={"active": False})
    beta = await api.monitor(name="Beta Torres")
    alfa = await api.monitor(name="Alfa Ruiz")
    cohort = await api.cohort()
    a = await api.participant(cohort["id"])
    b = await api.participant(cohort["id"])
    c = await api.participant(cohort["id"])
    assert [a["monitor"]["name"], b["monitor"]["name"], c["monitor"]["name"]] == [
        "Alfa Ruiz",
        "Beta Torres",
        "Alfa Ruiz",
    ]
    loads = {
        m["name"]: m["participants"]
        for m in (await api.ok("GET", "/monitors", api.officer, params={"active": True}))["data"]
    }
    assert loads == {"Alfa Ruiz": 2, "Beta Torres": 1}

    moved = await api.ok(
        "PUT",
        f"/applications/{c['id']}/monitor",
        api.officer,
        json={"monitor_id": beta["id"], "reason": "zona norte"},
    )
    assert [(h["monitor_name"], h["to_on"] is None) for h in moved["data"]] == [
        ("Alfa Ruiz", False),
        ("Beta Torres", True),
    ]
    assert moved["data"][1]["reason"] == "zona norte"
    same = await api.call(
        "PUT",
        f"/applications/{c['id']}/monitor",
        api.officer,
        json={"monitor_id": beta["id"], "reason": "again"},
    )
    assert same.status_code == 409
    assert (await api.ok("GET", f"/applications/{c['id']}", api.officer))["monitor"]["id"] == beta["id"]
    await api.ok("PATCH", f"/monitors/{alfa['id']}", api.officer, json={"active": False})
    await api.ok("PATCH", f"/monitors/{beta['id']}", api.officer, json={"active": False})
    lonely = await api.eligible_application(cohort["id"])
    refused = await api.call("POST", f"/applications/{lonely['id']}/admit", api.officer)
    assert refused.status_code == 422 and refused.json()["rule"] == "monitor.none_active"
    await api.monitor()


async def test_list_applications_filters_by_cohort_status_region_and_women_led(api):
    await api.monitor()
    cohort = await api.cohort()
    admitted = await api.participant(cohort["id"], region="Piura", women_led=True)
    eligible = await api.eligible_application(cohort["id"], region="Piura", women_led=False)
    other_region = await api.eligible_application(cohort["id"], region="Tacna", women_led=True)
    base = {"cohort_id": cohort["id"]}
    ids = lambda page: [a["id"] for a in page["data"]]  # noqa: E731
    assert set(ids(await api.ok("GET", "/applications", api.officer, params=base))) == {
        admitted["id"],
        eligible["id"],
        other_region["id"],
    }
    only_eligible = await api.ok("GET", "/applications", api.officer, params=base | {"status": "eligible"})
    assert set(ids(only_eligible)) == {eligible["id"], other_region["id"]}
    piura_women = await api.ok(
        "GET", "/applications", api.officer, params=base | {"region": "piura", "women_led": True}
    )
    assert ids(piura_women) == [admitted["id"]]
    paged, cursor = [], None
    while True:
        page = await api.ok(
            "GET",
            "/applications",
            api.officer,
            params=base | {"limit": 1, "sort": "legal_name"} | ({"cursor": cursor} if cursor else {}),
        )
        paged += page["data"]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert [a["company"]["legal_name"] for a in paged] == sorted(a["company"]["legal_name"] for a in paged)
    assert len(paged) == 3
    bad = await api.call("GET", "/applications", api.officer, params={"status": "flying"})
    assert bad.status_code == 422


async def test_sworn_declaration_needs_the_legal_representative(api):
    registered = await api.register(new_ruc())
    cohort = await api.cohort()
    app = await api.ok(
        "POST",
        "/applications",
        api.company(registered["ruc"]),
        201,
        json={"ruc": registered["ruc"], "cohort_id": cohort["id"]},
    )
    wrong = await api.call(
        "POST",
        f"/applications/{app['id']}/sworn-declaration",
        api.company(registered["ruc"]),
        json={"name": "X", "dni": "11111111"},
    )
    assert wrong.status_code == 422
    # The refusal names the document being signed: the sworn declaration, not the commitment letter.
    assert wrong.json()["rule"] == "declaration.signer_not_legal_representative"
    assert "sworn declaration" in wrong.json()["detail"] and "commitment" not in wrong.json()["detail"]
    await api.ok("POST", f"/applications/{app['id']}/submit", api.company(registered["ruc"]))
    await api.add_site(registered["ruc"])
    evaluated = await api.ok("POST", f"/applications/{app['id']}/evaluate", api.officer)
    assert evaluated["status"] == "ineligible" and evaluated["eligibility"]["failed_rules"] == [
        "declaration.sworn"
    ]
    declared = await api.ok(
        "POST",
        f"/applications/{app['id']}/sworn-declaration",
        api.company(registered["ruc"]),
        json={"name": "Rosa Mamani Flores", "dni": "41234567"},
    )
    assert declared["status"] == "eligible" and declared["sworn_declaration"]["accepted_by_dni"] == "41234567"


async def test_cohort_rules(api):
    cohort = await api.cohort(capacity=5)
    same_name = await api.call(
        "POST",
        "/cohorts",
        api.officer,
        json={
            **{k: cohort[k] for k in ("name", "capacity", "applications_open_on", "applications_close_on")}
        },
    )
    assert same_name.status_code == 409
    backwards = await api.call(
        "PATCH", f"/cohorts/{cohort['id']}", api.officer, json={"applications_close_on": "2000-01-01"}
    )
    assert backwards.status_code == 422 and backwards.json()["rule"] == "cohort.window_order"
    grown = await api.ok("PATCH", f"/cohorts/{cohort['id']}", api.officer, json={"capacity": 8})
    assert grown["capacity"] == 8
    listed = await api.all_pages("/cohorts", api.company(new_ruc()), open_on=api.clock.today().isoformat())
    assert cohort["id"] in [c["id"] for c in listed]
    await api.ok("DELETE", f"/cohorts/{cohort['id']}", api.officer, 204)
    assert (await api.call("GET", f"/cohorts/{cohort['id']}", api.officer)).status_code == 404
