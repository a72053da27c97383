"""Bulk import of companies from a spreadsheet CSV through the API."""

from __future__ import annotations

import uuid

import sqlalchemy as sa

from services.enrollment.db.tables import MESSAGING, companies
from shared.auth import Role
from shared.db import create_engine, dispose_engine
from tests.integration.enrollment.helpers import new_ruc

HEADER = "RUC;Razón social;Representante legal;DNI representante;Fecha constitución;Región;Ventas anuales;Liderada por mujer;Productos;Correo;Web\n"


def row(ruc: str, name: str = "Agroexport", dni: str = "41234567", region: str = "Piura") -> str:
    return f"{ruc};{name} {ruc};Luz Paredes;{dni};15/06/2012;{region};1.500.000,00;sí;mango|palta;ventas@agro{ruc}.pe;agro{ruc}.pe\n"


async def _stored(settings, rucs: list[str]) -> tuple[int, int]:
    engine = create_engine(settings)
    try:
        async with engine.connect() as conn:
            n_companies = await conn.scalar(sa.select(sa.func.count()).where(companies.c.ruc.in_(rucs)))
            n_events = await conn.scalar(
                sa.select(sa.func.count()).where(
                    MESSAGING.outbox.c.key.in_(rucs),
                    MESSAGING.outbox.c.topic == "enrollment.company.registered",
                )
            )
    finally:
        await dispose_engine(engine)
    return n_companies, n_events


async def test_good_rows_are_imported_and_bad_rows_reported_by_line(api, enrollment_settings):
    existing = (await api.register())["ruc"]
    good = [new_ruc() for _ in range(3)]
    body = (
        HEADER
        + row(good[0])
        + row("20100070971")
        + row(good[1], dni="12")
        + row(existing)
        + "\n"
        + row(good[2], region="Lima Metropolitana")
        + row(good[0])
    )
    report = await api.ok(
        "POST", "/companies/import", api.officer | {"content-type": "text/csv"}, content=body.encode()
    )
    assert report["received"] == 6 and report["imported"] == 2 and report["rejected"] == 4
    assert [(e["line"], e["errors"][0]["rule"]) for e in report["errors"]] == [
        (3, "ruc.check_digit"),
        (4, "dni.format"),
        (5, "ruc.already_registered"),
        (8, "ruc.duplicate_in_file"),
    ]
    assert await _stored(enrollment_settings, [good[0], good[2]]) == (2, 2)
    lima = await api.ok("GET", f"/companies/{good[2]}", api.officer)
    assert lima["region"] == "Lima" and lima["products"] == ["mango", "palta"] and lima["women_led"] is True
    assert lima["size"]["size_class"] == "pequena" and lima["website"] == f"https://agro{good[2]}.pe"


async def test_multipart_upload_by_a_partner_and_idempotent_retry(api, enrollment_settings):
    ruc = new_ruc()
    partner = api.headers(Role.partner, scopes=["enrollment:write"], subject=f"erp-{uuid.uuid4().hex[:6]}")
    files = {"file": ("empresas.csv", (HEADER + row(ruc)).encode("utf-8-sig"), "text/csv")}
    key = {"Idempotency-Key": uuid.uuid4().hex}
    first = await api.call("POST", "/companies/import", partner | key, files=files)
    assert first.status_code == 200 and first.json()["imported"] == 1
    again = await api.call("POST", "/companies/import", partner | key, files=files)
    assert again.status_code == 200 and again.headers.get("Idempotent-Replayed") == "true"
    assert again.json() == first.json()
    assert await _stored(enrollment_settings, [ruc]) == (1, 1)
    other_file = {"file": ("empresas.csv", (HEADER + row(new_ruc())).encode(), "text/csv")}
    reused = await api.call("POST", "/companies/import", partner | key, files=other_file)
    assert reused.status_code == 422 and reused.json()["type"].endswith("idempotency-conflict")


async def test_a_file_without_the_required_columns_is_a_400(api):
    response = await api.call(
        "POST",
        "/companies/import",
        api.officer | {"content-type": "text/csv"},
        content=b"ruc,razon_social\n1,2\n",
    )
    assert response.status_code == 400
    assert "representante_legal" in response.json()["detail"]
    empty = await api.call(
        "POST", "/companies/import", api.officer | {"content-type": "text/csv"}, content=b""
    )
    assert empty.status_code == 400
    no_file = await api.call(
        "POST", "/companies/import", api.officer, files={"other": ("x.csv", b"a", "text/csv")}
    )
    assert no_file.status_code == 400
