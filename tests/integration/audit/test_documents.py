"""The certificate as a PDF: its text, its QR code decoded from the rendered page, the signature."""

from __future__ import annotations

from shared.auth import Role
from shared.documents.keys import verify_with_jwks
from tests.integration.audit.support import API, headers
from tests.integration.audit.test_certification import certify
from tests.support.documents import gateway_jwks, pdf_page_size_mm, read_pdf


async def test_the_certificate_pdf_reads_right_and_its_qr_carries_a_signed_payload(client, audit_settings):
    done = await certify(client, audit_settings)
    number = done.certificate["number"]
    r = await client.get(f"{API}/certificates/{number.lower()}/document", headers=done.company.as_company())
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/pdf"
    read = read_pdf(r.content, "certificate")
    assert pdf_page_size_mm(read.pdf) == (210, 297)  # A4
    text = " ".join(read.text.split())
    for expected in (
        "CERTIFICADO",
        "Buenas Prácticas de Ecoeficiencia Perú",
        number,
        done.company.legal_name,
        f"RUC {done.company.ruc}",
        done.body["name"],
        "Licencia de uso de la marca",
    ):
        assert expected in text, expected
    assert "/verificar?t=" in read.qr
    claims = verify_with_jwks(read.token, await gateway_jwks(audit_settings))
    assert claims["typ"] == "certificate" and claims["num"] == number
    assert (claims["holder"], claims["expires"]) == (done.company.legal_name, done.certificate["expires_on"])


async def test_a_tampered_payload_fails_the_signature(client, audit_settings):
    done = await certify(client, audit_settings)
    r = await client.get(
        f"{API}/certificates/{done.certificate['number']}/document",
        headers=headers(audit_settings, Role.promperu_officer),
    )
    read = read_pdf(r.content, "certificate-tamper")
    header, payload, signature = read.token.split(".")
    forged = f"{header}.{payload[:-2]}{'A' if payload[-2] != 'A' else 'B'}{payload[-1]}.{signature}"
    jwks = await gateway_jwks(audit_settings)
    try:
        verify_with_jwks(forged, jwks)
    except Exception:
        return
    raise AssertionError("a tampered payload verified")
