"""Calibration: the self-assessment next to the pre-audit, per requirement, aspect and cohort."""

from __future__ import annotations

import uuid

from services.audit.domain.calibration import Calibration, compare
from shared.auth import Role
from tests.integration.audit.support import API, admit, headers, requirement_codes, run_preaudit


async def self_assess(client, company, codes: list[str], overrides: dict[str, str]) -> None:
    r = await client.post(
        f"{API}/self-assessments",
        json={"participant_id": str(company.participant_id)},
        headers=company.as_company(),
    )
    assert r.status_code == 201, r.text
    answers = [{"requirement_code": c, "status": overrides.get(c, "implemented")} for c in codes]
    r = await client.put(
        f"{API}/self-assessments/{r.json()['id']}/answers",
        json={"answers": answers},
        headers=company.as_company(),
    )
    assert r.status_code == 200, r.text


def test_the_comparison_rules():
    assert compare("implemented", "major_nonconformity") == Calibration.over_rated
    assert compare("implemented", "minor_nonconformity") == Calibration.over_rated
    assert compare("partial", "major_nonconformity") == Calibration.over_rated
    assert compare("partial", "minor_nonconformity") == Calibration.agrees
    assert compare("implemented", "observation") == Calibration.agrees
    assert compare(None, "conforming") == Calibration.under_rated
    assert compare("not_implemented", "conforming") == Calibration.under_rated


async def test_a_cohort_report_shows_where_companies_over_rate_themselves(client, audit_settings):
    cohort = uuid.uuid4()
    first = await admit(client, audit_settings, cohort_id=cohort)
    second = await admit(client, audit_settings, cohort_id=cohort)
    codes = await requirement_codes(client, audit_settings)
    water, energy, waste = "A3.R01", "A4.R02", "A5.R03"
    # Both say the water requirement is implemented; the audit finds it is not, in both.
    await self_assess(client, first, codes, {energy: "not_implemented"})
    await self_assess(client, second, codes, {})
    await run_preaudit(client, audit_settings, first, {water: "major_nonconformity"})
    await run_preaudit(
        client, audit_settings, second, {water: "minor_nonconformity", waste: "minor_nonconformity"}
    )

    mine = await client.get(
        f"{API}/participants/{first.participant_id}/calibration", headers=first.as_company()
    )
    assert mine.status_code == 200, mine.text
    lines = {line["requirement_code"]: line for line in mine.json()["lines"]}
    assert len(lines) == 112
    assert lines[water] | {"participant_id": None} == {
        "participant_id": None,
        "requirement_code": water,
        "aspect_code": "A3",
        "self_assessment": "implemented",
        "preaudit_result": "major_nonconformity",
        "calibration": "over_rated",
    }
    assert lines[energy]["calibration"] == "under_rated"
    a3 = next(a for a in mine.json()["aspects"] if a["aspect_code"] == "A3")
    assert (a3["compared"], a3["over_rated"], a3["over_rate"]) == (14, 1, 7.1)

    officer = headers(audit_settings, Role.promperu_officer)
    r = await client.get(f"{API}/cohorts/{cohort}/calibration", headers=officer)
    assert r.status_code == 200, r.text
    report = r.json()
    top = report["requirements"][0]
    assert (top["code"], top["over_rated"], top["participants_over_rating"], top["over_rate"]) == (
        water,
        2,
        2,
        100.0,
    )
    assert report["monitor_focus"][:2] == [water, waste]
    assert [p["over_rated"] for p in report["participants"]] == [2, 1]
    assert report["lines"] is None
    assert (
        await client.get(f"{API}/cohorts/{cohort}/calibration", headers=first.as_company())
    ).status_code == 403
    # Another company may not even learn that the participant exists (shared/access.py): 404.
    other = await admit(client, audit_settings)
    r = await client.get(f"{API}/participants/{first.participant_id}/calibration", headers=other.as_company())
    assert r.status_code == 404
