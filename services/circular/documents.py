"""The certificate of a person trained in a methodology: an A4 PDF with a signed QR (issue 14's
documents, as training and audit render theirs). Rendered from templates/, never in a route."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from pathlib import Path

import jinja2

from services.circular.domain.trainings import CertificateFacts
from shared.documents import DocumentSettings, load_keys, render_pdf, signed_qr, templates

KIND_ES = {"specialist": "especialista", "public_official": "funcionario(a) público(a)"}


def _templates() -> jinja2.Environment:
    return templates(Path(__file__).parent / "templates")


def certificate_html(
    facts: CertificateFacts, min_share: Decimal, *, now: datetime, env: str
) -> tuple[str, str]:
    """The page and the signed token its QR carries."""
    settings = DocumentSettings()
    qr = signed_qr(load_keys(settings, env=env), settings, facts.claims(), now=now)
    html = (
        _templates()
        .get_template("training_certificate.html")
        .render(f=facts, kind_es=KIND_ES.get(facts.kind, facts.kind), min_share=min_share, qr=qr.html)
    )
    return html, qr.token


def certificate_pdf(facts: CertificateFacts, min_share: Decimal, *, now: datetime, env: str) -> bytes:
    html, _ = certificate_html(facts, min_share, now=now, env=env)
    return render_pdf(html)
