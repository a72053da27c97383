"""Training's printable documents: the certificate of attendance as HTML, and as a signed A4 PDF."""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

import jinja2

from services.training.domain.certificates import AttendanceCertificate
from shared.clock import LIMA
from shared.documents import DocumentSettings, load_keys, render_pdf, signed_qr


@lru_cache(maxsize=1)
def _templates() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
        autoescape=jinja2.select_autoescape(["html"]),
    )
    env.filters["lima_date"] = lambda moment: f"{moment.astimezone(LIMA):%d/%m/%Y}"
    return env


def attendance_certificate_html(certificate: AttendanceCertificate, *, today: date, qr_html: str = "") -> str:
    """The printable page ("Constancia de asistencia"); ``qr_html``: the PDF's signed QR code."""
    return (
        _templates()
        .get_template("attendance_certificate.html")
        .render(c=certificate, today=today, qr_html=qr_html)
    )


def attendance_certificate_pdf(
    certificate: AttendanceCertificate, *, today: date, now: datetime, env: str | None
) -> bytes:
    """The page as an A4 PDF with a QR code carrying the signed claims (no DNI)."""
    settings = DocumentSettings()
    qr = signed_qr(load_keys(settings, env=env), settings, certificate.claims(today), now=now)
    return render_pdf(attendance_certificate_html(certificate, today=today, qr_html=qr.html))
