"""The circular economy through nginx: the hub's figures answer anyone, an officer records a talk from
its attendance sheet (a bad sheet is refused by line), the indicators count it as of its day, and
roles with no business there are refused."""

from __future__ import annotations

import random
from datetime import datetime

import httpx
import pytest

from shared.clock import LIMA
from shared.ruc import make_ruc

pytestmark = pytest.mark.e2e
API = "/api/v1/circular"


@pytest.fixture(scope="module")
def officer(issue_token) -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_token('promperu_officer')}"}


def test_the_hubs_figures_need_no_credential(stack):
    response = httpx.get(f"{stack.gateway_url}{API}/hub/figures", timeout=30)
    assert response.status_code == 200, response.text
    names = {f["name"] for f in response.json()["figures"]}
    assert {"companies_sensitised", "companies_started_transition", "people_trained"} <= names
    assert response.headers["cache-control"] == "public, max-age=300"
    assert response.headers.get("x-request-id")


def test_a_sheet_through_nginx_is_refused_by_line_then_counted(stack, officer, issue_token):
    today = datetime.now(LIMA).date()
    url = stack.gateway_url
    with httpx.Client(base_url=url, timeout=30) as http:
        activity = http.post(
            f"{API}/activities",
            json={
                "kind": "workshop",
                "title": "Taller de simbiosis industrial",
                "held_on": str(today),
                "node": "la_libertad",
                "organiser_kind": "partner",
                "organiser": "Universidad Nacional de Trujillo",
                "methodology": "private_accompaniment",
            },
            headers=officer,
        )
        assert activity.status_code == 201, activity.text
        activity_id = activity.json()["id"]
        ruc = make_ruc("20", f"{random.randrange(10**8):08d}")
        bad = f"RUC;Nombres y apellidos;Sexo\n{ruc};Ana Ruiz;F\n123;Luis Paz;M\n".encode()
        refused = http.post(
            f"{API}/activities/{activity_id}/attendance/import",
            files={"file": ("asistencia.csv", bad, "text/csv")},
            headers=officer | {"Accept-Language": "es"},
        )
        assert refused.status_code == 422
        assert refused.headers["content-type"].startswith("application/problem+json")
        assert [(e["line"], e["field"]) for e in refused.json()["errors"]] == [(3, "RUC")]
        good = bad.replace(b"123;Luis Paz;M\n", b"")
        imported = http.post(
            f"{API}/activities/{activity_id}/attendance/import",
            files={"file": ("asistencia.csv", good, "text/csv")},
            headers=officer,
        )
        assert imported.status_code == 200, imported.text
        assert imported.json()["companies"] == 1

        def sensitised(as_of: str) -> int:
            report = http.get(
                f"{API}/indicators",
                params={"as_of": as_of, "from": str(today), "methodology": "private_accompaniment"},
                headers=officer,
            )
            assert report.status_code == 200, report.text
            return next(f["total"] for f in report.json()["figures"] if f["name"] == "companies_sensitised")

        assert sensitised(str(today)) >= 1
        company = {"Authorization": f"Bearer {issue_token('company', ruc=ruc)}"}
        assert http.get(f"{API}/activities/{activity_id}/attendance", headers=company).status_code == 403
        assert http.get(f"{API}/activities").status_code == 401
