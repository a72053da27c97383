"""Programme indicators match a scripted programme history published as events."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import UTC, date, datetime

from shared.auth import Role
from tests.integration.catalog import events as ev
from tests.support.testing import eventually, identity_headers

IND = "/api/v1/catalog/indicators"


def at(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(hour=15, tzinfo=UTC)


async def indicators(client, headers, **params) -> dict:
    response = await client.get(IND, params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


async def test_indicators_count_a_scripted_cohort_from_its_events(client, catalog_settings):
    officer = identity_headers(catalog_settings, Role.promperu_officer)
    cohort = uuid.uuid4()
    a, b, c = ev.new_ruc(), ev.new_ruc(), ev.new_ruc()
    pa, pb = uuid.uuid4(), uuid.uuid4()
    before = (await indicators(client, officer))["totals"]

    await ev.publish(
        catalog_settings,
        ev.registered(a, "Alfa Mujeres S.A.C.", region="Arequipa", women_led=True),
        ev.registered(b, "Beta S.A.", region="Lima Metropolitana"),
        ev.registered(c, "Gamma S.A.", region="Cusco"),
        ev.admitted(
            a,
            cohort,
            at=at("2025-02-03"),
            participant_id=pa,
            women_led=True,
            region="Arequipa",
            cohort_name="Cohorte 2025-I",
        ),
        ev.admitted(
            b, cohort, at=at("2025-02-10"), participant_id=pb, region="Lima", cohort_name="Cohorte 2025-I"
        ),
        ev.completed(a, pa, cohort, at=at("2025-04-20")),
        ev.completed(b, pb, cohort, at=at("2025-04-21")),
        ev.revoked(b, pb, cohort, at=at("2025-05-02")),
        ev.preaudit_passed(a, pa, cohort, at=at("2025-05-15")),
        ev.issued(a, "Alfa Mujeres S.A.C.", participant_id=pa, issued_on=date(2025, 6, 20)),
        ev.issued(c, "Gamma S.A.", issued_on=date(2025, 6, 25)),
    )

    expected_cohort = {
        "registered": 0,  # a registration belongs to no cohort
        "admitted": 2,
        "admitted_women_led": 1,
        "trained": 1,  # B's completion was revoked afterwards
        "preaudit_passed": 1,
        "certified": 1,
        "certified_arequipa": 1,
        "certified_la_libertad": 0,
        "certified_lima": 0,
        "certified_others": 0,
    }

    async def cohort_counts() -> bool:
        return (await indicators(client, officer, cohort_id=str(cohort)))["totals"] == expected_cohort

    await eventually(cohort_counts, message="cohort indicators")

    async def overall_grew() -> dict | None:
        after = (await indicators(client, officer))["totals"]
        return (
            after
            if after["certified"] - before["certified"] == 2
            and after["registered"] - before["registered"] == 3
            else None
        )

    after = await eventually(overall_grew, message="programme-wide indicators")
    assert after["certified_arequipa"] - before["certified_arequipa"] == 1
    assert after["certified_others"] - before["certified_others"] == 1  # Cusco
    assert after["certified_lima"] == before["certified_lima"]

    body = await indicators(client, officer, cohort_id=str(cohort))
    assert [(x["cohort_name"], x["totals"]) for x in body["cohorts"]] == [("Cohorte 2025-I", expected_cohort)]
    as_of_april = await indicators(client, officer, cohort_id=str(cohort), as_of="2025-04-30")
    assert (as_of_april["totals"]["admitted"], as_of_april["totals"]["certified"]) == (2, 0)

    series = (
        await client.get(
            f"{IND}/timeseries",
            params={"cohort_id": str(cohort), "from": "2025-01-01", "to": "2025-07-31"},
            headers=officer,
        )
    ).json()
    assert (series["from"], series["to"], series["granularity"]) == ("2025-01-01", "2025-07-31", "month")
    periods = {p["period"]: p for p in series["periods"]}
    assert list(periods) == [f"2025-{m:02d}" for m in range(1, 8)]
    assert periods["2025-02"]["new"]["admitted"] == 2
    assert periods["2025-04"]["new"]["trained"] == 1
    assert periods["2025-05"]["new"]["preaudit_passed"] == 1
    assert periods["2025-06"]["new"]["certified_arequipa"] == 1
    assert periods["2025-07"]["cumulative"] == expected_cohort

    exported = await client.get(
        f"{IND}.csv",
        params={"cohort_id": str(cohort), "from": "2025-01-01", "to": "2025-07-31"},
        headers=officer,
    )
    assert exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert [r["period"] for r in rows] == list(periods)
    feb = rows[1]
    assert (feb["admitted_new"], feb["admitted_cumulative"], feb["admitted_women_led_new"]) == ("2", "2", "1")
    assert rows[-1]["certified_cumulative"] == "1"


async def test_indicators_are_for_staff_and_partners_with_the_read_scope(client, catalog_settings):
    assert (await client.get(IND)).status_code == 401
    company = identity_headers(catalog_settings, Role.company, ruc=ev.new_ruc())
    assert (await client.get(IND, headers=company)).status_code == 403
    partner = identity_headers(catalog_settings, Role.partner)
    refused = await client.get(IND, headers=partner)
    assert refused.status_code == 403 and refused.json()["required_scope"] == "catalog:read"
    scoped = identity_headers(catalog_settings, Role.partner, scopes=["catalog:read"])
    assert (await client.get(f"{IND}.csv", headers=scoped)).status_code == 200


async def test_a_period_range_backwards_or_an_unknown_granularity_is_refused(client, catalog_settings):
    officer = identity_headers(catalog_settings, Role.promperu_officer)
    backwards = await client.get(
        f"{IND}/timeseries", params={"from": "2025-05-01", "to": "2025-01-01"}, headers=officer
    )
    assert backwards.status_code == 400 and backwards.json()["errors"][0]["field"] == "from"
    weekly = await client.get(f"{IND}/timeseries", params={"granularity": "week"}, headers=officer)
    assert weekly.status_code == 422 and weekly.json()["errors"][0]["field"] == "granularity"
