"""The certificate as a printable A4 PDF with a signed QR code (issue 14)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import jinja2
import sqlalchemy as sa

from shared.documents import DocumentSettings, load_keys, render_pdf, signed_qr, templates


@dataclass(frozen=True)
class CertificateDocument:
    """What the printed certificate shows: the certificate, its body's name, its mark licence."""

    certificate: sa.Row[Any]
    licence: sa.Row[Any] | None
    body_name: str


MARK_TEXT = {
    "granted": "Otorgada hasta el {until}",
    "suspended": "Suspendida",
    "withdrawn": "Retirada",
    "expired": "Vencida",
}


def _templates() -> jinja2.Environment:
    return templates(Path(__file__).parent / "templates")


def certificate_claims(doc: CertificateDocument) -> dict[str, str]:
    c = doc.certificate
    return {
        "typ": "certificate",
        "num": c.number,
        "holder": c.holder_name,
        "ruc": c.ruc,
        "issued": c.issued_on.isoformat(),
        "expires": c.expires_on.isoformat(),
    }


def certificate_html(
    doc: CertificateDocument,
    *,
    now: datetime,
    env: str | None = None,
    settings: DocumentSettings | None = None,
) -> tuple[str, str]:
    """The page and the signed token its QR carries."""
    settings = settings or DocumentSettings()
    qr = signed_qr(load_keys(settings, env=env), settings, certificate_claims(doc), now=now)
    licence = doc.licence
    mark = MARK_TEXT.get(licence.status if licence is not None else "granted", "")
    until = (licence.valid_until if licence is not None else doc.certificate.mark_use_until).strftime(
        "%d/%m/%Y"
    )
    html = (
        _templates()
        .get_template("certificate.html")
        .render(c=doc.certificate, body_name=doc.body_name, mark_text=mark.format(until=until), qr=qr.html)
    )
    return html, qr.token


def certificate_pdf(doc: CertificateDocument, *, now: datetime, env: str | None = None) -> bytes:
    html, _ = certificate_html(doc, now=now, env=env)
    return render_pdf(html)
