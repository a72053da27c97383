"""The commitment letter as a printable HTML page (Spanish, the programme's language)."""

from __future__ import annotations

from html import escape

from services.enrollment.domain.commitment import COMMITMENTS
from services.enrollment.handlers.reads import CommitmentLetter

_STYLE = """
body { font-family: Georgia, serif; max-width: 46rem; margin: 2rem auto; line-height: 1.5; color: #111; }
h1 { font-size: 1.4rem; text-align: center; } .meta td { padding: 0 1rem 0 0; vertical-align: top; }
.sign { margin-top: 4rem; } .line { border-top: 1px solid #000; width: 20rem; padding-top: .3rem; }
@media print { body { margin: 0 auto; } }
"""


def letter_claims(letter: CommitmentLetter) -> dict:
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


def render_commitment_letter(letter: CommitmentLetter, qr_html: str = "") -> str:
    app, company, cohort = letter.application, letter.company, letter.cohort
    e = escape
    commitments = "\n".join(f"<li>{e(text)}</li>" for text in COMMITMENTS)
    signed = (
        f"<p><strong>Firmada</strong> por {e(app.signed_by_name)} (DNI {e(app.signed_by_dni)}) el "
        f"{app.commitment_signed_at:%Y-%m-%d %H:%M} UTC.</p>"
        if app.commitment_signed_at
        else ""
    )
    return f"""<!doctype html>
<html lang="es"><head><meta charset="utf-8">
<title>Carta de compromiso – {e(company.legal_name)} – {e(cohort.name)}</title>
<style>{_STYLE}</style></head>
<body>
<h1>Carta de compromiso de participación<br>Programa de Buenas Prácticas de Ecoeficiencia Perú – {e(cohort.name)}</h1>
<table class="meta">
<tr><td>Empresa</td><td>{e(company.legal_name)}</td></tr>
<tr><td>RUC</td><td>{e(company.ruc)}</td></tr>
<tr><td>Región</td><td>{e(company.region)}</td></tr>
<tr><td>Representante legal</td><td>{e(company.legal_rep_name)} (DNI {e(company.legal_rep_dni)})</td></tr>
<tr><td>Código de participante</td><td>{e(str(app.id))}</td></tr>
<tr><td>Emitida</td><td>{app.commitment_issued_at:%Y-%m-%d}</td></tr>
</table>
{qr_html}
<p>Habiendo sido admitida en el Programa de implementación de las Buenas Prácticas de Ecoeficiencia Perú,
{e(company.legal_name)}, representada por {e(company.legal_rep_name)}, se compromete a:</p>
<ol>
{commitments}
</ol>
<p>La empresa declara conocer que, al culminar satisfactoriamente el Programa, podrá postular a la
“Certificación en Buenas Prácticas de Ecoeficiencia Perú” que otorga PROMPERÚ.</p>
{signed}
<div class="sign"><div class="line">{e(company.legal_rep_name)}<br>Representante legal – DNI {e(company.legal_rep_dni)}</div></div>
</body></html>
"""
