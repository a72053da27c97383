"""The indicators reproduce the report's counts from recorded facts, as of any date.

A season of its own: a year no other test uses (checked empty first), the app's clock pinned at its
end so the activities have taken place. Journeys are written straight into ``circular.journeys``
(their API is another module's; the indicator reads only ``company_ruc``, ``started_on``, ``node``,
``methodology`` and ``women_led``).
"""

from __future__ import annotations

import csv
import io
import random
import uuid
from datetime import UTC, date, datetime

import openpyxl
import pytest
import sqlalchemy as sa

from services.circular.db.tables import journeys, microcourse_learners
from tests.integration.circular.conftest import API, new_ruc


@pytest.fixture
async def season(client, officer, circular_clock, circular_app):
    for _ in range(20):
        year = random.randrange(2200, 3000)
        probe = await client.get(
            f"{API}/indicators", params={"from": f"{year}-01-01", "as_of": f"{year}-12-31"}, headers=officer
        )
        if all(f["total"] == 0 for f in probe.json()["figures"]):
            break
    circular_clock.pin(datetime(year, 12, 31, 18, tzinfo=UTC))
    aqp = [new_ruc() for _ in range(6)]
    lib = [new_ruc() for _ in range(3)]
    lim = [new_ruc() for _ in range(2)]

    async def activity(held_on: str, node: str, kind: str, methodology: str, attendees: list[dict]) -> dict:
        body = {
            "kind": kind,
            "title": f"{kind} {node}",
            "held_on": held_on,
            "node": node,
            "organiser_kind": "node",
            "organiser": f"Nodo {node}",
            "methodology": methodology,
            "attendees": attendees,
        }
        response = await client.post(f"{API}/activities", json=body, headers=officer)
        assert response.status_code == 201, response.text
        return response.json()

    women = {aqp[0], aqp[1], lib[0]}

    def company(ruc: str, name: str, gender: str = "female") -> dict:
        flag = True if ruc in women else (None if ruc == aqp[2] else False)
        return {"ruc": ruc, "women_led": flag, "manufacturing": True, "full_name": name, "gender": gender}

    await activity(
        f"{year}-03-05",
        "arequipa",
        "talk",
        "public_awareness",
        [company(r, f"Kallpa {i}", "female" if i % 2 else "male") for i, r in enumerate(aqp)],
    )
    await activity(
        f"{year}-06-10",
        "la_libertad",
        "workshop",
        "ecocanvas",
        [company(r, f"Kallpa L{i}") for i, r in enumerate(lib)] + [company(aqp[0], "Kallpa 0")],
    )
    await activity(
        f"{year}-11-20", "lima", "fair", "private_awareness", [company(r, f"M{i}") for i, r in enumerate(lim)]
    )
    training = {
        "methodology": "ecocanvas",
        "title": "Especialistas CITE",
        "node": "la_libertad",
        "organiser": "PRODUCE",
        "starts_on": f"{year}-05-02",
        "ends_on": f"{year}-05-10",
        "hours": 40,
        "trainees": [
            {
                "full_name": "Kallpa E1",
                "gender": "female",
                "kind": "specialist",
                "institution": "CITE",
                "hours_attended": 40,
            },
            {
                "full_name": "Kallpa E2",
                "gender": "male",
                "kind": "specialist",
                "institution": "CITE",
                "hours_attended": 32,
            },
            {
                "full_name": "Kallpa E3",
                "gender": "male",
                "kind": "specialist",
                "institution": "CITE",
                "hours_attended": 10,
            },
            {
                "full_name": "Kallpa F1",
                "gender": "female",
                "kind": "public_official",
                "institution": "GORE",
                "hours_attended": 40,
            },
        ],
    }
    assert (await client.post(f"{API}/trainings", json=training, headers=officer)).status_code == 201
    now = datetime.now(UTC)
    rows = [
        (aqp[0], True, "arequipa", date(year, 7, 1)),
        (lib[0], True, "la_libertad", date(year, 8, 1)),
        (lib[0], True, "la_libertad", date(year, 9, 1)),  # a second journey: counted once
        (lim[0], False, "lima", date(year, 12, 1)),
    ]
    learner_company = new_ruc()
    learners = [(learner_company, date(year, 4, 1)), (aqp[1], date(year, 4, 2))]  # the second: known company
    async with circular_app.state.engine.begin() as conn:
        await conn.execute(
            sa.insert(microcourse_learners),
            [
                {
                    "id": uuid.uuid4(),
                    "phone_hash": uuid.uuid4().hex,
                    "phone_last_digits": "4321",
                    "node": "arequipa",
                    "gender": "female",
                    "company_ruc": ruc,
                    "enrolled_at": now,
                    "enrolled_on": enrolled,
                    "created_at": now,
                    "updated_at": now,
                }
                for ruc, enrolled in learners
            ],
        )
        await conn.execute(
            sa.insert(journeys),
            [
                {
                    "id": uuid.uuid4(),
                    "company_ruc": ruc,
                    "company_name": f"Empresa {ruc}",
                    "women_led": led,
                    "node": node,
                    "started_on": started,
                    "status": "active",
                    "title": "Reúso de retazos",
                    "measure": "Retazos de cuero a marroquinería",
                    "methodology": "ecocanvas",
                    "mci_inputs": {},
                    "mci_result": {},
                    "mci_baseline": 0.2,
                    "commitment": {},
                    "investment": 1000,
                    "expected_annual_savings": 500,
                    "created_by": "test",
                    "created_at": now,
                    "updated_at": now,
                }
                for ruc, led, node, started in rows
            ],
        )
    return year


async def _report(client, officer, year: int, as_of: str, **params) -> dict[str, dict]:
    response = await client.get(
        f"{API}/indicators",
        params={"from": f"{year}-01-01", "as_of": f"{year}-{as_of}", **params},
        headers=officer,
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["from"], body["as_of"]) == (f"{year}-01-01", f"{year}-{as_of}")
    assert "Window [from, as_of]" in body["rules"]
    return {f["name"]: f for f in body["figures"]}


def _groups(figure: dict) -> dict[str, int]:
    return {g["group"]: g["value"] for g in figure["groups"]}


async def test_the_report_as_of_the_years_end_and_its_breakdowns(client, officer, season):
    year = season
    end = await _report(client, officer, year, "12-31")
    # 6 + 3 + 2 at activities (the Arequipa company at the workshop once) + 1 through the micro-course
    assert end["companies_sensitised"]["total"] == 12
    assert end["companies_sensitised_women_led"]["total"] == 3
    assert end["companies_sensitised_women_led_not_stated"]["total"] == 2  # one of Arequipa, the learner's
    assert end["activities_held"]["total"] == 3
    assert end["people_sensitised"]["total"] == 13  # "Kallpa 0" twice is one person; 2 learners
    assert end["companies_started_transition"]["total"] == 3
    assert end["companies_started_transition_women_led"]["total"] == 2
    assert end["people_trained"]["total"] == 3  # E3 attended 10 of 40 h
    assert "3000 mipymes" in end["companies_sensitised"]["source"]
    assert end["companies_sensitised"]["definition"].startswith("Distinct companies (RUC)")

    by_node = await _report(client, officer, year, "12-31", group_by="node")
    assert _groups(by_node["companies_sensitised"]) == {"arequipa": 7, "la_libertad": 4, "lima": 2}
    assert _groups(by_node["companies_sensitised_women_led"]) == {"arequipa": 2, "la_libertad": 2}
    assert _groups(by_node["companies_started_transition"]) == {"arequipa": 1, "la_libertad": 1, "lima": 1}
    by_quarter = await _report(client, officer, year, "12-31", group_by="period", period="quarter")
    quarters = _groups(by_quarter["companies_sensitised"])
    assert quarters == {f"{year}-Q1": 6, f"{year}-Q2": 4, f"{year}-Q4": 2}
    assert sum(quarters.values()) == by_quarter["companies_sensitised"]["total"]
    by_kind = await _report(client, officer, year, "12-31", group_by="kind")
    assert _groups(by_kind["people_trained"]) == {"public_official": 1, "specialist": 2}
    assert by_kind["companies_started_transition"]["groups"] is None
    by_gender = await _report(client, officer, year, "12-31", group_by="gender")
    assert _groups(by_gender["people_trained"]) == {"female": 2, "male": 1}
    ecocanvas = await _report(client, officer, year, "12-31", methodology="ecocanvas")
    assert ecocanvas["companies_sensitised"]["total"] == 4 and ecocanvas["people_trained"]["total"] == 3
    officials = await _report(client, officer, year, "12-31", trainee_kind="public_official")
    assert officials["people_trained"]["total"] == 1
    assert (
        officials["companies_sensitised"]["applicable"] is False
        and officials["companies_sensitised"]["total"] is None
    )


async def test_as_of_any_date_counts_only_what_had_happened_by_then(client, officer, season):
    year = season
    before = await _report(client, officer, year, "03-04")
    assert all(f["total"] == 0 for f in before.values())
    mid = await _report(client, officer, year, "06-30")
    assert mid["companies_sensitised"]["total"] == 10
    assert mid["people_trained"]["total"] == 3
    assert mid["companies_started_transition"]["total"] == 0
    august = await _report(client, officer, year, "08-15")
    assert august["companies_started_transition"]["total"] == 2
    assert august["companies_started_transition_women_led"]["total"] == 2


async def test_the_export_carries_every_figure_and_its_definition(client, officer, season):
    year = season
    params = {"from": f"{year}-01-01", "as_of": f"{year}-12-31", "group_by": "node"}
    as_csv = await client.get(f"{API}/indicators/export", params=params, headers=officer)
    assert as_csv.status_code == 200 and as_csv.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(as_csv.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["figura", "etiqueta", "grupo", "valor"]
    table = {(r[0], r[2]): r for r in rows[1:]}
    assert table[("companies_sensitised", "total")][3] == "12"
    assert table[("companies_sensitised", "la_libertad")][3] == "4"
    assert table[("companies_sensitised", "total")][6].startswith("Empresas distintas (RUC)")
    as_xlsx = await client.get(
        f"{API}/indicators/export", params=params | {"format": "xlsx"}, headers=officer
    )
    assert as_xlsx.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(as_xlsx.content)).active
    values = {(r[0], r[2]): r[3] for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert values[("companies_started_transition", "total")] == 3


async def test_the_hub_is_anonymous_names_nobody_and_withholds_small_cells(client, season, circular_clock):
    year = season
    response = await client.get(f"{API}/hub/figures", params={"as_of": f"{year}-12-31"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["small_cell_threshold"] == 5
    assert "Kallpa" not in response.text
    for figure in body["figures"]:
        withheld = [c for c in figure["by_node"] if c["suppressed"]]
        assert all(c["value"] is None for c in withheld)
        assert len(withheld) != 1  # never a single withheld cell beside a total
        assert all(c["value"] is None or c["value"] == 0 or c["value"] >= 5 for c in figure["by_node"])


async def test_a_window_that_ends_before_it_starts_is_refused(client, officer):
    response = await client.get(
        f"{API}/indicators", params={"from": "2024-03-01", "as_of": "2024-01-01"}, headers=officer
    )
    assert response.status_code == 422 and response.json()["rule"] == "circular.window"
