"""Training's printable documents: the certificate of attendance as HTML, and as a signed A4 PDF."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import jinja2

from services.training.domain.certificates import AttendanceCertificate
from shared.documents import DocumentSettings, load_keys, render_pdf, signed_qr, templates


def _templates() -> jinja2.Environment:
    return templates(Path(__file__).parent / "templates")


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
