"""Attendance of a session: one person at a time, or a whole meeting report (CSV)."""

from __future__ import annotations

import uuid
from typing import cast

import fastapi
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from starlette.datastructures import UploadFile

from services.training.api.roles import AttendanceWriter, ParticipationReader
from services.training.api.schemas import (
    AttendanceImportPublic,
    AttendancePublic,
    AttendanceRecord,
    AttendancesPublic,
)
from services.training.handlers import attendance
from shared.bodies import read_body, read_upload
from shared.deps import CursorQuery, LimitQuery, ReadDbDep, UowDep
from shared.errors import BadRequest
from shared.idempotency import idempotent
from shared.openapi import csv_request_body

router = APIRouter(tags=["attendance"])

MAX_REPORT_BYTES = 5 * 1024 * 1024
REPORT_EXAMPLE = (
    "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),DNI,RUC\n"
    "María Huamán,maria@empresa.pe,04/08/2025 09:01:10 AM,04/08/2025 10:58:00 AM,117,40123456,20100070970\n"
)


@router.get(
    "/sessions/{session_id}/attendance",
    response_model=AttendancesPublic,
    summary="Who attended a session, with minutes and share (a company sees only its people)",
)
async def list_session_attendance(
    session_id: uuid.UUID,
    db: ReadDbDep,
    caller: ParticipationReader,
    ruc: str | None = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = 50,
) -> AttendancesPublic:
    rows, next_cursor = await attendance.page(
        db, caller, session_id=session_id, ruc=ruc, cursor=cursor, limit=limit
    )
    return AttendancesPublic(data=[AttendancePublic.from_source(r) for r in rows], next_cursor=next_cursor)


@router.put(
    "/sessions/{session_id}/attendance/{attendee_id}",
    response_model=AttendancePublic,
    summary="Record or correct one person's attendance (check-in/check-out, or minutes)",
)
async def record_attendance(
    session_id: uuid.UUID,
    attendee_id: uuid.UUID,
    body: AttendanceRecord,
    uow: UowDep,
    caller: AttendanceWriter,
) -> AttendancePublic:
    recorded = await attendance.record(
        uow, session_id=session_id, attendee_id=attendee_id, principal=caller, **body.model_dump()
    )
    return AttendancePublic.from_source(recorded)


@router.delete(
    "/sessions/{session_id}/attendance/{attendee_id}",
    status_code=204,
    summary="Delete one person's attendance (a correction; may revoke the company's completion)",
)
async def delete_attendance(
    session_id: uuid.UUID, attendee_id: uuid.UUID, uow: UowDep, caller: AttendanceWriter
) -> Response:
    await attendance.delete(uow, session_id=session_id, attendee_id=attendee_id, principal=caller)
    return Response(status_code=204)


async def _report_bytes(request: Request) -> bytes:
    """The CSV: the body itself, or the form field ``file``; 413 past MAX_REPORT_BYTES."""
    what, what_es = "An attendance report", "Un reporte de asistencia"
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        raw = await read_body(request, max_bytes=MAX_REPORT_BYTES, what=what, what_es=what_es)
    else:
        upload = (await request.form()).get("file")
        if not isinstance(upload, UploadFile):
            raise BadRequest(
                "Send the report as the form field 'file'.",
                detail_es="Envíe el reporte en el campo de formulario 'file'.",
                extra={"errors": [{"field": "file", "in": "body", "message": "missing"}]},
            )
        # A parsed form holds Starlette's UploadFile, the base of the FastAPI one read_upload names.
        file = cast(fastapi.UploadFile, upload)
        raw = await read_upload(file, max_bytes=MAX_REPORT_BYTES, what=what, what_es=what_es)
    if not raw.strip():
        raise BadRequest("The report is empty.", detail_es="El reporte está vacío.")
    return raw


@router.post(
    "/sessions/{session_id}/attendance/import",
    response_model=AttendanceImportPublic,
    summary="Record a virtual meeting's attendance report (CSV with DNI and RUC columns)",
    description="The body is the CSV itself (`text/csv`) or a form upload (field `file`). Columns as the "
    "meeting platform exports them (name, email, join time, leave time, duration in minutes) plus DNI and "
    "RUC. Several rows of one person add up; bad rows are listed with their line number and the rest is "
    "recorded. Uploading a report again replaces those people's attendance (same result).",
    openapi_extra={"requestBody": csv_request_body(REPORT_EXAMPLE)},
)
async def import_attendance_report(
    session_id: uuid.UUID, request: Request, uow: UowDep, caller: AttendanceWriter
) -> JSONResponse:
    raw = await _report_bytes(request)

    async def action() -> AttendanceImportPublic:
        report = await attendance.import_report(uow, session_id=session_id, raw=raw, principal=caller)
        return AttendanceImportPublic.model_validate(report)

    return await idempotent(request, uow, action, status_code=200, subject=caller.subject, payload=raw)
