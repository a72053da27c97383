"""Certificate of attendance per attendee: a printable HTML page ("Constancia de asistencia").

It lists the workshops the person attended with at least the cohort's minimum share,
the rule the programme uses for companies, applied here to one person.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from html import escape

from fastapi import APIRouter, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse

from services.training.api.access import CompanyOrStaffReader
from services.training.api.participants import visible_attendee
from services.training.db import queries
from services.training.domain.presence import reaches_share
from shared.clock import LIMA
from shared.deps import ClockDep, ReadConnDep, SettingsDep
from shared.documents import DocumentSettings, load_keys, render_pdf, signed_qr
from shared.errors import RuleViolation

router = APIRouter(tags=["participants"])

STYLE = """
body { font-family: Georgia, serif; margin: 3rem auto; max-width: 46rem; color: #1d2b24; }
h1 { text-align: center; letter-spacing: .08em; margin-bottom: .2rem; }
.sub { text-align: center; margin-top: 0; color: #3f6b4f; }
table { width: 100%; border-collapse: collapse; margin: 1.5rem 0; }
th, td { border-bottom: 1px solid #b9c9bf; padding: .4rem; text-align: left; }
.foot { margin-top: 3rem; font-size: .9rem; color: #555; }
@media print { body { margin: 1.5cm; } }
"""


async def _attendance(conn, principal, attendee_id: uuid.UUID):
    attendee = await visible_attendee(conn, principal, attendee_id)
    cohort = await queries.get_cohort(conn, attendee.cohort_id)
    min_share = Decimal(cohort.min_attendance_share)
    attended = [
        s
        for s in await queries.attendee_sessions(conn, attendee_id)
        if reaches_share(s.seconds_present, s.duration_minutes, min_share)
    ]
    if not attended:
        raise RuleViolation(
            "nothing_to_certify",
            f"{attendee.full_name} has not attended any workshop for at least {min_share:.0%} of it yet.",
            detail_es=f"{attendee.full_name} aún no asistió a ningún taller por al menos {min_share:.0%} de su duración.",
        )
    return attendee, cohort, min_share, attended


def _page(attendee, cohort, min_share, attended, attendee_id, today, qr_html: str = "") -> str:
    rows = "".join(
        f"<tr><td>Taller {s.workshop_number}</td><td>{escape(s.title_es)}</td>"
        f"<td>{s.starts_at.astimezone(LIMA):%d/%m/%Y}</td><td>{s.duration_minutes / 60:g} h</td></tr>"
        for s in attended
    )
    hours = sum(s.duration_minutes for s in attended) / 60
    return f"""<!doctype html>
<html lang="es"><head><meta charset="utf-8"><title>Constancia de asistencia - {escape(attendee.full_name)}</title>
<style>{STYLE}</style></head><body>
<h1>CONSTANCIA DE ASISTENCIA</h1>
<p class="sub">Programa de Implementación de las Buenas Prácticas de Ecoeficiencia Perú - PROMPERÚ</p>
<p>Se deja constancia de que <strong>{escape(attendee.full_name)}</strong>, identificado(a) con DNI
<strong>{escape(attendee.dni)}</strong>, de la empresa <strong>{escape(attendee.legal_name or attendee.ruc)}</strong>
(RUC {escape(attendee.ruc)}), de la cohorte <strong>{escape(cohort.cohort_name)}</strong>, asistió a los
siguientes talleres de capacitación:</p>
<table><thead><tr><th>Taller</th><th>Tema</th><th>Fecha</th><th>Duración</th></tr></thead>
<tbody>{rows}</tbody></table>
<p>Total: <strong>{hours:g} horas</strong> de capacitación.</p>
<p class="foot">Emitida el {today:%d/%m/%Y}. Se considera asistido un taller cuando la persona estuvo
presente al menos el {min_share:.0%} de la sesión. Constancia n.º {attendee_id}.</p>
{qr_html}
</body></html>"""


@router.get(
    "/attendees/{attendee_id}/certificate",
    response_class=HTMLResponse,
    summary="Printable certificate of attendance of one person (HTML)",
    responses={200: {"content": {"text/html": {}}, "description": "a page to print or save as PDF"}},
)
async def get_attendance_certificate(
    attendee_id: uuid.UUID, conn: ReadConnDep, principal: CompanyOrStaffReader, clock: ClockDep
) -> HTMLResponse:
    attendee, cohort, min_share, attended = await _attendance(conn, principal, attendee_id)
    return HTMLResponse(_page(attendee, cohort, min_share, attended, attendee_id, clock.today()))


@router.get(
    "/attendees/{attendee_id}/certificate/document",
    response_class=Response,
    summary="The certificate of attendance as an A4 PDF with a QR code carrying a signed payload",
    responses={200: {"content": {"application/pdf": {}}, "description": "the PDF"}},
)
async def get_attendance_certificate_document(
    attendee_id: uuid.UUID,
    conn: ReadConnDep,
    principal: CompanyOrStaffReader,
    clock: ClockDep,
    app_settings: SettingsDep,
) -> Response:
    attendee, cohort, min_share, attended = await _attendance(conn, principal, attendee_id)
    claims = {
        "typ": "attendance",
        "id": str(attendee_id),
        "name": attendee.full_name,
        "company": attendee.legal_name or attendee.ruc,
        "ruc": attendee.ruc,
        "cohort": cohort.cohort_name,
        "workshops": [s.workshop_number for s in attended],
        "hours": sum(s.duration_minutes for s in attended) / 60,
        "issued": clock.today().isoformat(),
    }
    settings = DocumentSettings()
    qr = signed_qr(load_keys(settings, env=app_settings.env), settings, claims, now=clock.now())
    html = _page(attendee, cohort, min_share, attended, attendee_id, clock.today(), qr.html)
    pdf = await run_in_threadpool(render_pdf, html)
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="constancia-asistencia-{attendee_id}.pdf"'},
    )
