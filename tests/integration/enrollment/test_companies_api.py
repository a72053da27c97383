"""Companies and sites through the API, on the real database."""

from __future__ import annotations

import uuid
from datetime import datetime

import pytest
import sqlalchemy as sa

from services.enrollment.db import repositories
from services.enrollment.db.tables import MESSAGING, uit_values
from shared.clock import LIMA, Clock
from shared.db import create_engine, create_sessionmaker, dispose_engine
from shared.uow import UnitOfWorkFactory
from tests.integration.enrollment.helpers import company_body, new_ruc

PROBLEM = "application/problem+json"


async def test_register_computes_size_and_reports_the_node(api):
    ruc = new_ruc()
    company = await api.register(ruc, annual_sales_pen="802500.00", sales_fiscal_year=2025, region="arequipa")
    assert company["ruc"] == ruc
    assert company["region"] == "Arequipa" and company["circular_economy_node"] is True
    assert company["size"] == {
        "size_class": "micro",
        "annual_sales_pen": "802500.00",
        "sales_fiscal_year": 2025,
        "uit_fiscal_year": 2025,
        "note": None,
    }
    fetched = await api.ok("GET", f"/companies/{ruc}", api.officer)
    assert fetched == company


async def test_sales_year_without_uit_uses_latest_and_says_so(api, client, moved_clock):
    """Sales of the year after the latest UIT on record, declared once that year has come
    (the clock is moved there: the result does not depend on the year the suite runs in)."""
    async with client.app.state.engine.connect() as conn:
        latest = (await conn.execute(sa.select(sa.func.max(uit_values.c.fiscal_year)))).scalar_one()
    moved_clock.advance(datetime(latest + 1, 6, 15, 12, tzinfo=LIMA) - moved_clock.now())
    company = await api.register(sales_fiscal_year=latest + 1, annual_sales_pen="1000")
    assert company["size"]["sales_fiscal_year"] == latest + 1
    assert company["size"]["uit_fiscal_year"] == latest
    assert f"latest known value ({latest}" in company["size"]["note"]


@pytest.mark.parametrize(
    "ruc,rule",
    [("2010007097", "ruc.length"), ("30100070970", "ruc.prefix"), ("20100070971", "ruc.check_digit")],
)
async def test_a_bad_ruc_is_refused_naming_the_rule(api, ruc, rule):
    response = await api.call("POST", "/companies", api.officer, json=company_body(ruc))
    assert response.status_code == 422
    assert response.headers["content-type"].startswith(PROBLEM)
    problem = response.json()
    assert problem["rule"] == rule and problem["detail"].startswith(rule)
    assert problem["errors"][0]["field"] == "ruc"


async def test_invalid_fields_are_listed_together(api):
    body = company_body(new_ruc(), legal_rep_dni="12", region="Atlantis", email="nope", website="::")
    problem = (await api.call("POST", "/companies", api.officer, json=body)).json()
    assert problem["status"] == 422
    assert {e["rule"] for e in problem["errors"]} == {
        "dni.format",
        "region.unknown",
        "email.format",
        "website.format",
    }


async def test_type_errors_and_unknown_fields_are_validation_problems(api):
    body = company_body(new_ruc(), founded_on="yesterday", colour="green")
    problem = (await api.call("POST", "/companies", api.officer, json=body)).json()
    assert problem["status"] == 422 and problem["type"].endswith("validation-error")
    assert {e["field"] for e in problem["errors"]} == {"founded_on", "colour"}


async def test_duplicate_ruc_is_a_conflict(api):
    company = await api.register()
    response = await api.call("POST", "/companies", api.officer, json=company_body(company["ruc"]))
    assert response.status_code == 409 and company["ruc"] in response.json()["detail"]


async def test_idempotency_key_replays_the_first_response_and_creates_nothing_twice(api, enrollment_settings):
    ruc = new_ruc()
    headers = api.officer | {"Idempotency-Key": uuid.uuid4().hex}
    first = await api.call("POST", "/companies", headers, json=company_body(ruc))
    again = await api.call("POST", "/companies", headers, json=company_body(ruc))
    assert first.status_code == again.status_code == 201
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert again.json()["id"] == first.json()["id"]
    other = await api.call("POST", "/companies", headers, json=company_body(new_ruc()))
    assert other.status_code == 422 and other.json()["type"].endswith("idempotency-conflict")
    engine = create_engine(enrollment_settings)
    try:
        async with engine.connect() as conn:
            events = await conn.scalar(
                sa.select(sa.func.count()).where(
                    MESSAGING.outbox.c.key == ruc, MESSAGING.outbox.c.topic == "enrollment.company.registered"
                )
            )
    finally:
        await engine.dispose()
    assert events == 1


async def test_update_recomputes_size_and_rejects_null_for_required_fields(api):
    company = await api.register(annual_sales_pen="100000", sales_fiscal_year=2025)
    assert company["size"]["size_class"] == "micro"
    updated = await api.ok(
        "PATCH", f"/companies/{company['ruc']}", api.officer, json={"annual_sales_pen": "12305000.01"}
    )
    assert updated["size"]["size_class"] == "gran"
    response = await api.call("PATCH", f"/companies/{company['ruc']}", api.officer, json={"legal_name": None})
    assert response.status_code == 422


async def test_get_unknown_and_malformed_ruc(api):
    missing = await api.call("GET", f"/companies/{new_ruc()}", api.officer)
    assert missing.status_code == 404 and missing.headers["content-type"].startswith(PROBLEM)
    malformed = await api.call("GET", "/companies/20100070971", api.officer)
    assert malformed.status_code == 422 and malformed.json()["rule"] == "ruc.check_digit"


async def test_list_filters_sorts_and_pages_with_a_stable_cursor(api):
    tag = uuid.uuid4().hex[:8]
    names = [f"{tag} {letter} Exportadora" for letter in "DBAEC"]
    for i, name in enumerate(names):
        await api.register(legal_name=name, women_led=i % 2 == 0, region="Lima" if i < 3 else "Cusco")
    seen, cursor = [], None
    while True:
        params = {"q": tag, "limit": 2} | ({"cursor": cursor} if cursor else {})
        page = await api.ok("GET", "/companies", api.officer, params=params)
        seen += [c["legal_name"] for c in page["data"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == sorted(names)
    desc = await api.ok("GET", "/companies", api.officer, params={"q": tag, "sort": "-legal_name"})
    assert [c["legal_name"] for c in desc["data"]] == sorted(names, reverse=True)
    lima_women = await api.ok(
        "GET", "/companies", api.officer, params={"q": tag, "region": "LIMA", "women_led": True}
    )
    assert sorted(c["legal_name"] for c in lima_women["data"]) == sorted([names[0], names[2]])
    outside = await api.ok(
        "GET", "/companies", api.officer, params={"q": tag, "circular_economy_node": False}
    )
    assert {c["region"] for c in outside["data"]} == {"Cusco"}


async def test_tampered_cursor_is_a_400_not_a_500(api):
    from shared.pagination import encode_cursor

    for cursor in ["!!notbase64", encode_cursor([1, 2]), encode_cursor(["x", "not-a-uuid"])]:
        response = await api.call("GET", "/companies", api.officer, params={"cursor": cursor})
        assert response.status_code == 400, cursor
    response = await api.call(
        "GET", "/companies", api.officer, params={"cursor": encode_cursor(["x", "y"]), "sort": "created_at"}
    )
    assert response.status_code == 400


async def test_sites_crud(api):
    company = await api.register()
    ruc = company["ruc"]
    site = await api.add_site(ruc)
    assert site["region"] == "La Libertad" and site["licence_expires_on"] is None
    changed = await api.ok(
        "PATCH", f"/companies/{ruc}/sites/{site['id']}", api.officer, json={"indeci_expires_on": "2030-01-31"}
    )
    assert changed["indeci_expires_on"] == "2030-01-31"
    listed = await api.ok("GET", f"/companies/{ruc}/sites", api.officer)
    assert [s["id"] for s in listed["data"]] == [site["id"]]
    bad = await api.call(
        "POST", f"/companies/{ruc}/sites", api.officer, json={"name": "X", "address": "Y", "region": "Mars"}
    )
    assert bad.status_code == 422 and bad.json()["rule"] == "region.unknown"
    await api.ok("DELETE", f"/companies/{ruc}/sites/{site['id']}", api.officer, 204)
    gone = await api.call("GET", f"/companies/{ruc}/sites/{site['id']}", api.officer)
    assert gone.status_code == 404


async def test_delete_only_a_company_that_never_applied(api):
    company = await api.register()
    await api.ok("DELETE", f"/companies/{company['ruc']}", api.officer, 204)
    assert (await api.call("GET", f"/companies/{company['ruc']}", api.officer)).status_code == 404
    applied = await api.eligible_application()
    response = await api.call("DELETE", f"/companies/{applied['company']['ruc']}", api.officer)
    assert response.status_code == 409


async def test_region_report_counts_and_singles_out_the_nodes(api):
    before = await api.ok("GET", "/reports/regions", api.officer)
    await api.register(region="Tumbes", women_led=True)
    after = await api.ok("GET", "/reports/regions", api.officer)
    tumbes = lambda report: next(r for r in report["data"] if r["region"] == "Tumbes")  # noqa: E731
    assert tumbes(after)["companies"] == tumbes(before)["companies"] + 1
    assert tumbes(after)["women_led"] == tumbes(before)["women_led"] + 1
    assert [r["region"] for r in after["circular_economy_nodes"]] == ["Arequipa", "La Libertad", "Lima"]
    assert len(after["data"]) == 25


async def test_nul_characters_are_a_422_not_a_database_error(api):
    response = await api.call(
        "POST", "/companies", api.officer, json=company_body(new_ruc(), legal_name="Bad\u0000Name")
    )
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "legal_name"
    upload = await api.call(
        "POST",
        "/companies/import",
        api.officer | {"content-type": "text/csv"},
        content=b"PK\x03\x04\x00\x00xlsx",
    )
    assert upload.status_code == 400 and "xlsx" in upload.json()["detail"]


async def test_registrations_read_the_uit_table_once_a_minute_in_the_unit_of_work(
    enrollment_settings, monkeypatch
):
    """The UIT table is remembered per database (one round trip fewer per registration): keyed
    on the transaction's ``bind``, which the unit of work's transaction must have."""
    engine = create_engine(enrollment_settings)
    uows = UnitOfWorkFactory(
        engine, create_sessionmaker(engine), schema="enrollment", producer="enrollment", clock=Clock()
    )
    monkeypatch.setattr(repositories, "_UIT_CACHE", {})
    reads: list[str] = []
    read_table = repositories.UitRepository._all

    async def counted(self, stmt):
        reads.append(type(self.db).__name__)
        return await read_table(self, stmt)

    monkeypatch.setattr(repositories.UitRepository, "_all", counted)
    try:
        for _ in range(3):
            async with uows() as uow:
                values = await repositories.UitRepository(uow.session).all()
        assert values and reads == ["KernelTransaction"]
        monkeypatch.setattr(repositories, "UIT_CACHE_SECONDS", 0.0)
        async with uows() as uow:
            await repositories.UitRepository(uow.session).all()
        assert len(reads) == 2  # and read again once the minute is over
    finally:
        await dispose_engine(engine)
