"""Routes: sensitisation activities and their attendance (sheets in CSV or XLSX, or JSON)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Any, cast

from fastapi import APIRouter, Query, Request, UploadFile
from fastapi.responses import JSONResponse
from starlette.datastructures import UploadFile as FormFile

from services.circular.api.roles import ActivityReader, ActivityWriter
from services.circular.api.schemas import (
    ActivitiesPublic,
    ActivityCreate,
    ActivityDetailPublic,
    ActivityPublic,
    AttendanceImportPublic,
    AttendanceListIn,
    AttendancePublic,
    AttendeeIn,
    AttendingCompanyPublic,
    AttendingPersonPublic,
)
from services.circular.domain.activities import ImportMode
from services.circular.domain.attendance_sheet import SheetRejected, from_records
from services.circular.domain.reference import ActivityKind, Methodology, Node
from services.circular.handlers import activities
from shared.bodies import read_body, read_upload
from shared.deps import CursorQuery, LimitQuery, ReadDbDep, UowDep
from shared.errors import BadRequest
from shared.idempotency import idempotent
from shared.openapi import csv_request_body

router = APIRouter(tags=["activities"])

MAX_SHEET_BYTES = 5 * 1024 * 1024
SHEET_EXAMPLE = (
    "RUC;Razón social;Tamaño;Manufactura;Liderada por mujer;Nombres y apellidos;Género;Cargo\n"
    "20100070970;Textiles Misti S.A.C.;pequeña;sí;sí;Rosa Quispe Mamani;F;Gerente general\n"
)
SHEET_BODY = csv_request_body(SHEET_EXAMPLE)
SHEET_BODY["content"]["application/octet-stream"]["schema"]["description"] = (
    "The sheet's bytes: CSV (UTF-8 or Windows-1252; `,` `;` or tab) or an .xlsx workbook (its first sheet)."
)
SHEET_BODY["content"]["multipart/form-data"]["schema"]["properties"]["file"]["description"] = (
    "the CSV or .xlsx file"
)
ModeQuery = Annotated[
    ImportMode,
    Query(
        description="merge (default): add and update; replace: the activity's attendance becomes the list's"
    ),
]


def _records(attendees: list[AttendeeIn]) -> list[dict[str, str]]:
    def yes_no(value: bool | None) -> str:
        return "" if value is None else ("sí" if value else "no")

    return [
        {
            "ruc": a.ruc,
            "legal_name": a.legal_name,
            "size": a.size.value if a.size else "",
            "manufacturing": yes_no(a.manufacturing),
            "women_led": yes_no(a.women_led),
            "full_name": a.full_name,
            "gender": a.gender.value,
            "role": a.role,
        }
        for a in attendees
    ]


@router.post(
    "/activities", status_code=201, response_model=ActivityDetailPublic, summary="Record an activity"
)
async def create_activity(
    body: ActivityCreate, request: Request, uow: UowDep, caller: ActivityWriter
) -> JSONResponse:
    sheet = from_records(_records(body.attendees))
    if sheet.problems:
        raise SheetRejected(sheet.problems)
    values = body.model_dump(exclude={"attendees"}, mode="python")

    async def action() -> ActivityDetailPublic:
        row, counts = await activities.create(uow, caller, values, sheet.rows)
        return _detail(row, counts)

    return await idempotent(request, uow, action, status_code=201, subject=caller.subject)


def _detail(row: Any, counts: tuple[int, int, int]) -> ActivityDetailPublic:
    """The created (within its transaction: an Idempotency-Key's replay record) or read activity."""
    companies, people, women = counts
    return ActivityDetailPublic.model_validate(
        dict(row._mapping) | {"companies": companies, "people": people, "women": women}
    )


@router.get("/activities", response_model=ActivitiesPublic, summary="Activities, oldest first")
async def list_activities(
    db: ReadDbDep,
    caller: ActivityReader,
    node: Node | None = None,
    kind: ActivityKind | None = None,
    methodology: Methodology | None = None,
    held_from: Annotated[date | None, Query(alias="from")] = None,
    held_to: Annotated[date | None, Query(alias="to")] = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = 50,
) -> ActivitiesPublic:
    rows, next_cursor = await activities.page(
        db,
        caller,
        node=node,
        kind=kind,
        methodology=methodology,
        held_from=held_from,
        held_to=held_to,
        cursor=cursor,
        limit=limit,
    )
    return ActivitiesPublic(data=[ActivityPublic.model_validate(r) for r in rows], next_cursor=next_cursor)


@router.get(
    "/activities/{activity_id}", response_model=ActivityDetailPublic, summary="One activity with its counts"
)
async def read_activity(
    activity_id: uuid.UUID, db: ReadDbDep, caller: ActivityReader
) -> ActivityDetailPublic:
    return _detail(*await activities.read(db, caller, activity_id=activity_id))


@router.get(
    "/activities/{activity_id}/attendance",
    response_model=AttendancePublic,
    summary="Who attended: the companies and the people (personal data, staff only)",
)
async def read_attendance(activity_id: uuid.UUID, db: ReadDbDep, caller: ActivityReader) -> AttendancePublic:
    _, companies, people = await activities.attendance(db, caller, activity_id=activity_id)
    return AttendancePublic(
        activity_id=activity_id,
        companies=[AttendingCompanyPublic.model_validate(c) for c in companies],
        people=[AttendingPersonPublic.model_validate(p) for p in people],
    )


@router.post(
    "/activities/{activity_id}/attendance",
    response_model=AttendanceImportPublic,
    summary="Record attendance sent as JSON (the sheet's rules, lines are positions)",
)
async def record_attendance(
    activity_id: uuid.UUID,
    body: AttendanceListIn,
    request: Request,
    uow: UowDep,
    caller: ActivityWriter,
    mode: ModeQuery = ImportMode.merge,
) -> JSONResponse:
    sheet = from_records(_records(body.attendees))
    if sheet.problems:
        raise SheetRejected(sheet.problems)

    async def action() -> AttendanceImportPublic:
        result = await activities.record(uow, caller, activity_id=activity_id, sheet=sheet, mode=mode)
        return AttendanceImportPublic.model_validate(result)

    return await idempotent(request, uow, action, status_code=200, subject=caller.subject)


@router.post(
    "/activities/{activity_id}/attendance/import",
    response_model=AttendanceImportPublic,
    summary="Import an attendance sheet (CSV or XLSX, Spanish headers)",
    openapi_extra={"requestBody": SHEET_BODY},
)
async def import_attendance(
    activity_id: uuid.UUID,
    request: Request,
    uow: UowDep,
    caller: ActivityWriter,
    mode: ModeQuery = ImportMode.merge,
) -> JSONResponse:
    raw = await _sheet_bytes(request)

    async def action() -> AttendanceImportPublic:
        result = await activities.import_sheet(uow, caller, activity_id=activity_id, raw=raw, mode=mode)
        return AttendanceImportPublic.model_validate(result)

    return await idempotent(request, uow, action, status_code=200, subject=caller.subject, payload=raw)


async def _sheet_bytes(request: Request) -> bytes:
    what, what_es = "An attendance sheet", "Una hoja de asistencia"
    if request.headers.get("content-type", "").startswith("multipart/form-data"):
        form = await request.form()
        upload = form.get("file")
        if not isinstance(upload, FormFile):
            raise BadRequest(
                "Send the sheet as the form field 'file'.",
                detail_es="Envíe la hoja en el campo de formulario 'file'.",
                extra={"errors": [{"field": "file", "in": "body", "message": "missing"}]},
            )
        raw = await read_upload(
            cast(UploadFile, upload), max_bytes=MAX_SHEET_BYTES, what=what, what_es=what_es
        )
    else:
        raw = await read_body(request, max_bytes=MAX_SHEET_BYTES, what=what, what_es=what_es)
    if not raw.strip():
        raise BadRequest("The sheet is empty.", detail_es="La hoja está vacía.")
    return raw
