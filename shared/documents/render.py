"""The QR block every document carries, and the PDF renderer (WeasyPrint, A4)."""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jinja2
import segno

from shared.clock import LIMA
from shared.documents.keys import DocumentKeys, DocumentSettings

# Printable A4 with room for the QR block; DejaVu ships with Debian's fonts.
A4_CSS = """
@page { size: A4; margin: 18mm 18mm 22mm 18mm; }
body { font-family: "DejaVu Serif", Georgia, serif; font-size: 11pt; color: #1d2b24; margin: 0; max-width: none; }
div.qr { margin-top: 10mm; page-break-inside: avoid; font-size: 8.5pt; min-height: 42mm; }
div.qr img { float: left; width: 42mm; height: 42mm; margin-right: 5mm; }
div.qr p { margin: 0 0 1.5mm 0; padding-top: 2mm; }
div.qr:after { content: ""; display: block; clear: both; }
"""


@cache
def templates(directory: Path) -> jinja2.Environment:
    """The Jinja2 environment of a service's ``templates/`` folder (HTML autoescaped), made once.

    Also the ``lima_date`` filter: a moment as the Lima date printed on documents (dd/mm/yyyy).
    """
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(directory), autoescape=jinja2.select_autoescape(["html"])
    )
    env.filters["lima_date"] = lambda moment: f"{moment.astimezone(LIMA):%d/%m/%Y}"
    return env


@dataclass(frozen=True)
class QrBlock:
    token: str
    url: str
    html: str


def signed_qr(
    keys: DocumentKeys, settings: DocumentSettings, claims: dict[str, Any], *, now: datetime
) -> QrBlock:
    """Sign ``claims`` (plus issuer and time) and make the QR of the verification page URL."""
    token = keys.sign({"iss": keys.issuer, "iat": int(now.timestamp())} | claims)
    url = f"{settings.base_url()}/verificar?t={quote(token, safe='')}"
    png = io.BytesIO()
    segno.make(url, error="m").save(png, kind="png", scale=4, border=4)
    src = "data:image/png;base64," + base64.b64encode(png.getvalue()).decode()
    html = (
        f'<div class="qr"><img src="{src}" alt="Código QR de verificación">'
        "<p><strong>Verifique este documento</strong> escaneando el código QR o en "
        f"{settings.base_url()}/verificar.</p>"
        "<p>El código contiene una firma digital (Ed25519) de PROMPERÚ que puede comprobarse sin conexión "
        f"con las claves publicadas en {settings.base_url()}/.well-known/jwks.json "
        f"(clave {keys.signing_kid}).</p></div>"
    )
    return QrBlock(token, url, html)


def render_pdf(html: str) -> bytes:
    """A4 PDF of an HTML page (imported on first use: WeasyPrint takes a second to load)."""
    from weasyprint import CSS, HTML

    pdf: bytes = HTML(string=html).write_pdf(stylesheets=[CSS(string=A4_CSS)])
    return pdf
