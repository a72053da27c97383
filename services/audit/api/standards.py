"""Routes: the standard's versions, and the import of PROMPERÚ's official text."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from services.audit.api.roles import ReferenceReader, StandardApprover, StandardImporter
from services.audit.api.schemas import OfficialCreate, StandardPublic, StandardVersionsPublic, page
from services.audit.domain.standard import CSV_COLUMNS, MAX_IMPORT_BYTES, parse_import
from services.audit.handlers import standards
from shared.bodies import read_body
from shared.deps import CursorQuery, LimitQuery, ReadDbDep, UowDep
from shared.idempotency import idempotent
from shared.openapi import csv_request_body

router = APIRouter(prefix="/standards", tags=["standard"])

CSV_EXAMPLE = (
    ",".join(CSV_COLUMNS)
    + "\naspect,A1,,Sistema de gestión y mejora continua,,\n"
    + "requirement,A1.R01,A1,La alta dirección declara su compromiso...,Carta firmada,0\n"
)
IMPORT_BODY = {
    "required": True,
    "content": {
        "application/json": {
            "schema": {"type": "object"},
            "example": {
                "version": "2025-oficial",
                "title": "Buenas Prácticas de Ecoeficiencia Perú",
                "official": True,
                "source": "PROMPERÚ",
                "aspects": [{"code": "A1", "name": "Sistema de gestión y mejora continua"}],
                "requirements": [
                    {
                        "code": "A1.R01",
                        "aspect_code": "A1",
                        "text": "La alta dirección declara su compromiso...",
                        "evidence_expected": "Carta firmada por el representante legal",
                        "workshop": 0,
                    }
                ],
            },
        },
        **csv_request_body(CSV_EXAMPLE, form_field=None)["content"],
    },
}


@router.get("", summary="List the standard's versions", response_model=StandardVersionsPublic)
async def list_standards(
    db: ReadDbDep, caller: ReferenceReader, cursor: CursorQuery = None, limit: LimitQuery = 50
) -> StandardVersionsPublic:
    return page(StandardVersionsPublic, await standards.page(db, cursor=cursor, limit=limit))


@router.get(
    "/{version}",
    summary="One version with its aspects and requirements ('current' for the current one)",
    response_model=StandardPublic,
)
async def get_standard(version: str, db: ReadDbDep, caller: ReferenceReader) -> StandardPublic:
    return StandardPublic.of(await standards.read(db, version=version))


@router.post(
    "/import",
    summary="Import a version of the standard (JSON or CSV), validated as a whole",
    description="JSON: the document in the body. CSV (`text/csv`, comma or semicolon): one row per aspect or "
    f"requirement with columns `{','.join(CSV_COLUMNS)}`; version and title as query parameters. Every "
    "problem is reported (CSV: with its line). A version already used by an assessment or audit is immutable.",
    status_code=201,
    response_model=StandardPublic,
    openapi_extra={"requestBody": IMPORT_BODY},
    responses={
        415: {
            "description": "The body is neither application/json nor text/csv",
            "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
    },
)
async def import_standard(
    request: Request,
    uow: UowDep,
    caller: StandardImporter,
    make_current: Annotated[bool, Query(description="new assessments and audits will use it")] = False,
    version: Annotated[str | None, Query(description="CSV only")] = None,
    title: Annotated[str | None, Query(description="CSV only")] = None,
    official: Annotated[bool, Query(description="CSV only; true only for an admin")] = False,
    source: Annotated[str | None, Query(description="CSV only")] = None,
):
    media_type = request.headers.get("content-type", "")
    meta = {"version": version, "title": title, "official": official, "source": source}
    body = await read_body(
        request, max_bytes=MAX_IMPORT_BYTES, what="A standard import", what_es="Una importación del estándar"
    )
    document = parse_import(body, media_type, meta)

    async def action():
        return StandardPublic.of(
            await standards.import_standard(uow, caller, document, make_current=make_current)
        )

    return await idempotent(request, uow, action, subject=caller.subject)


@router.post(
    "/{version}/make-current",
    summary="Make a version the current one (new assessments use it; existing ones keep theirs)",
    response_model=StandardPublic,
)
async def make_standard_current(version: str, uow: UowDep, caller: StandardImporter) -> StandardPublic:
    return StandardPublic.of(await standards.make_current(uow, version))


@router.post(
    "/{version}/mark-official",
    summary="Approve a version as PROMPERÚ's official standard (admin; 8 aspects and 112 requirements, "
    "or the counts declared here)",
    response_model=StandardPublic,
)
async def mark_standard_official(
    version: str, body: OfficialCreate, uow: UowDep, caller: StandardApprover
) -> StandardPublic:
    return StandardPublic.of(await standards.mark_official(uow, caller, version, body))
