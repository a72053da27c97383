"""Companies and their sites; bulk import from CSV."""

from __future__ import annotations

import uuid
from typing import Literal

from fastapi import APIRouter, Query, Request, Response

from services.enrollment.api.roles import (
    CompanyAdministrator,
    CompanyEditor,
    CompanyImporter,
    CompanyReader,
    CompanyRegistrar,
)
from services.enrollment.api.schemas import (
    CompaniesPublic,
    CompanyCreate,
    CompanyPublic,
    CompanyUpdate,
    ImportReportPublic,
    PromperuAccountsUpdate,
    SiteCreate,
    SitePublic,
    SitesPublic,
    SiteUpdate,
)
from services.enrollment.domain.company import CompanyFilters
from services.enrollment.domain.sizing import SizeClass
from services.enrollment.handlers import companies, imports, sites
from shared.deps import DEFAULT_PAGE_SIZE, CursorQuery, LimitQuery, ReadDbDep, UowDep
from shared.errors import BadRequest
from shared.idempotency import idempotent
from shared.openapi import csv_request_body

router = APIRouter(tags=["companies"])

CompanySort = Literal["legal_name", "-legal_name", "created_at", "-created_at", "ruc", "-ruc"]


@router.post(
    "/companies",
    status_code=201,
    response_model=CompanyPublic,
    summary="Register a company (a company may register only its own RUC)",
)
async def create_company(body: CompanyCreate, request: Request, uow: UowDep, principal: CompanyRegistrar):
    async def action() -> CompanyPublic:
        row = await companies.register_company(uow, principal, body.model_dump())
        return CompanyPublic.from_row(row)

    return await idempotent(request, uow, action, subject=principal.subject)


CSV_BODY = {
    "requestBody": csv_request_body(
        "ruc;razon_social;representante_legal;dni_representante;fecha_constitucion;region;"
        "ventas_anuales;correo;web;exporta_directamente;produccion_propia;productos\n"
        "20100070970;Textiles Andinos S.A.C.;María Quispe;41234567;10/03/2015;Arequipa;"
        "2.500.000,00;contacto@andinoknits.pe;andinoknits.pe;sí;sí;alpaca sweaters|scarves\n"
    )
}


async def _csv_bytes(request: Request) -> bytes:
    body = await request.body()  # read first: idempotency fingerprints it, and form() reuses it
    if request.headers.get("content-type", "").startswith("multipart/form-data"):
        upload = (await request.form()).get("file")
        if upload is None or isinstance(upload, str):
            raise BadRequest(
                "Send the CSV as the multipart field 'file'.",
                detail_es="Envíe el CSV en el campo multipart 'file'.",
                extra={"errors": [{"field": "file", "in": "body", "message": "missing"}]},
            )
        body = await upload.read()
    if not body.strip():
        raise BadRequest("The CSV is empty.", detail_es="El CSV está vacío.")
    return body


@router.post(
    "/companies/import",
    response_model=ImportReportPublic,
    summary="Import companies from a spreadsheet CSV: bad rows reported by line, good rows registered",
    description="Headers in Spanish or English (ruc, razon_social, representante_legal, dni_representante, "
    "fecha_constitucion, region, ventas_anuales are required); ',' or ';' separators; dates 2024-03-31 or "
    "31/03/2024; booleans sí/no; lists separated by '|'. Each imported company publishes "
    "enrollment.company.registered.",
    openapi_extra=CSV_BODY,
)
async def import_companies(request: Request, uow: UowDep, principal: CompanyImporter):
    data = await _csv_bytes(request)
    return await idempotent(
        request,
        uow,
        lambda: imports.import_companies(uow, principal, data),
        payload=data,
        status_code=200,
        subject=principal.subject,
    )


@router.get("/companies", response_model=CompaniesPublic, summary="List companies (filters, cursor pages)")
async def list_companies(
    db: ReadDbDep,
    principal: CompanyReader,
    region: str | None = None,
    women_led: bool | None = None,
    size_class: SizeClass | None = None,
    circular_economy_node: bool | None = Query(None, description="in Arequipa, La Libertad or Lima"),
    q: str | None = Query(None, description="part of the legal or trade name, or an exact RUC"),
    sort: CompanySort = "legal_name",
    cursor: CursorQuery = None,
    limit: LimitQuery = DEFAULT_PAGE_SIZE,
) -> CompaniesPublic:
    filters = CompanyFilters(region, women_led, size_class, circular_economy_node, q)
    rows, next_cursor = await companies.page(db, principal, filters, sort=sort, cursor=cursor, limit=limit)
    return CompaniesPublic(data=[CompanyPublic.from_row(r) for r in rows], next_cursor=next_cursor)


@router.get("/companies/{ruc}", response_model=CompanyPublic, summary="Get a company by RUC")
async def get_company(ruc: str, db: ReadDbDep, principal: CompanyReader) -> CompanyPublic:
    return CompanyPublic.from_row(await companies.read(db, principal, ruc=ruc))


@router.patch(
    "/companies/{ruc}",
    response_model=CompanyPublic,
    summary="Change a company's data (open applications are re-evaluated)",
)
async def update_company(
    ruc: str, body: CompanyUpdate, uow: UowDep, principal: CompanyEditor
) -> CompanyPublic:
    row = await companies.update_company(uow, principal, ruc, body.changes())
    return CompanyPublic.from_row(row)


@router.put(
    "/companies/{ruc}/promperu-accounts",
    response_model=CompanyPublic,
    summary="Record whether the company has pending accounts with PROMPERÚ",
)
async def set_promperu_accounts(
    ruc: str, body: PromperuAccountsUpdate, uow: UowDep, principal: CompanyAdministrator
) -> CompanyPublic:
    row = await companies.set_promperu_accounts(uow, principal, ruc, pending=body.pending, note=body.note)
    return CompanyPublic.from_row(row)


@router.delete(
    "/companies/{ruc}", status_code=204, summary="Delete a company registered by mistake (never applied)"
)
async def delete_company(ruc: str, uow: UowDep, principal: CompanyAdministrator) -> Response:
    await companies.delete_company(uow, principal, ruc)
    return Response(status_code=204)


@router.post(
    "/companies/{ruc}/sites", status_code=201, response_model=SitePublic, summary="Add a site (sede)"
)
async def create_site(ruc: str, body: SiteCreate, request: Request, uow: UowDep, principal: CompanyEditor):
    async def action() -> SitePublic:
        return SitePublic.from_row(await sites.create_site(uow, principal, ruc, body.model_dump()))

    return await idempotent(request, uow, action, subject=principal.subject)


@router.get("/companies/{ruc}/sites", response_model=SitesPublic, summary="List a company's sites")
async def list_sites(ruc: str, db: ReadDbDep, principal: CompanyReader) -> SitesPublic:
    rows = await sites.all_for_company(db, principal, ruc=ruc)
    return SitesPublic(data=[SitePublic.from_row(r) for r in rows])


@router.get("/companies/{ruc}/sites/{site_id}", response_model=SitePublic, summary="Get a site")
async def get_site(ruc: str, site_id: uuid.UUID, db: ReadDbDep, principal: CompanyReader) -> SitePublic:
    return SitePublic.from_row(await sites.read(db, principal, ruc=ruc, site_id=site_id))


@router.patch(
    "/companies/{ruc}/sites/{site_id}",
    response_model=SitePublic,
    summary="Change a site (licence, INDECI certificate...); open applications are re-evaluated",
)
async def update_site(
    ruc: str, site_id: uuid.UUID, body: SiteUpdate, uow: UowDep, principal: CompanyEditor
) -> SitePublic:
    row = await sites.update_site(uow, principal, ruc, site_id, body.changes())
    return SitePublic.from_row(row)


@router.delete("/companies/{ruc}/sites/{site_id}", status_code=204, summary="Remove a site")
async def delete_site(ruc: str, site_id: uuid.UUID, uow: UowDep, principal: CompanyEditor) -> Response:
    await sites.delete_site(uow, principal, ruc, site_id)
    return Response(status_code=204)
