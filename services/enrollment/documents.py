"""The commitment letter as a printable HTML page and as an A4 PDF with a signed QR code
(Spanish, the programme's language)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import jinja2
from fastapi.concurrency import run_in_threadpool

from services.enrollment.domain.commitment import COMMITMENTS
from services.enrollment.handlers.applications import CommitmentLetter
from shared.documents import DocumentSettings, load_keys, render_pdf, signed_qr, templates


def _templates() -> jinja2.Environment:
    return templates(Path(__file__).parent / "templates")


def letter_claims(letter: CommitmentLetter) -> dict[str, Any]:
    """What the letter's QR carries, signed: who committed, to which cohort, when issued / signed."""
    app, company, cohort = letter.application, letter.company, letter.cohort
    return {
        "typ": "commitment_letter",
        "id": str(app.id),
        "company": company.legal_name,
        "ruc": company.ruc,
        "cohort": cohort.name,
        "issued": f"{app.commitment_issued_at:%Y-%m-%d}",
        "signed": f"{app.commitment_signed_at:%Y-%m-%d}" if app.commitment_signed_at else None,
    }


def commitment_letter_html(letter: CommitmentLetter, qr_html: str = "") -> str:
    return (
        _templates()
        .get_template("commitment_letter.html")
        .render(
            app=letter.application,
            company=letter.company,
            cohort=letter.cohort,
            commitments=COMMITMENTS,
            qr_html=qr_html,
        )
    )


async def commitment_letter_pdf(letter: CommitmentLetter, *, now: datetime, env: str) -> bytes:
    """The letter on A4 with a QR code carrying ``letter_claims`` signed by the platform's key."""
    settings = DocumentSettings()
    qr = signed_qr(load_keys(settings, env=env), settings, letter_claims(letter), now=now)
    return await run_in_threadpool(render_pdf, commitment_letter_html(letter, qr.html))
