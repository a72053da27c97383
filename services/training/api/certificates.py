"""Certificate of attendance per attendee ("Constancia de asistencia"): a printable HTML page,
or an A4 PDF with a signed QR code. What it certifies: handlers/certificates.py; the page:
documents.py and templates/attendance_certificate.html."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse

from services.training.api.roles import ParticipationReader
from services.training.documents import attendance_certificate_html, attendance_certificate_pdf
from services.training.handlers import certificates
from shared.deps import ClockDep, ReadDbDep, SettingsDep

router = APIRouter(tags=["participants"])


@router.get(
    "/attendees/{attendee_id}/certificate",
    response_class=HTMLResponse,
    summary="Printable certificate of attendance of one person (HTML)",
    responses={200: {"content": {"text/html": {}}, "description": "a page to print or save as PDF"}},
)
async def get_attendance_certificate(
    attendee_id: uuid.UUID, db: ReadDbDep, caller: ParticipationReader, clock: ClockDep
) -> HTMLResponse:
    certificate = await certificates.attendance_certificate(db, caller, attendee_id=attendee_id)
    return HTMLResponse(attendance_certificate_html(certificate, today=clock.today()))


@router.get(
    "/attendees/{attendee_id}/certificate/document",
    response_class=Response,
    summary="The certificate of attendance as an A4 PDF with a QR code carrying a signed payload",
    responses={200: {"content": {"application/pdf": {}}, "description": "the PDF"}},
)
async def get_attendance_certificate_document(
    attendee_id: uuid.UUID, db: ReadDbDep, caller: ParticipationReader, clock: ClockDep, settings: SettingsDep
) -> Response:
    certificate = await certificates.attendance_certificate(db, caller, attendee_id=attendee_id)
    pdf = await run_in_threadpool(
        attendance_certificate_pdf, certificate, today=clock.today(), now=clock.now(), env=settings.env
    )
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="constancia-asistencia-{attendee_id}.pdf"'},
    )
