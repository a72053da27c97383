"""The commitment letter as a PDF: its text, its QR decoded from the page, the signature."""

from __future__ import annotations

from shared.documents.keys import verify_with_jwks
from tests.support.documents import gateway_jwks, pdf_page_size_mm, read_pdf


async def test_the_commitment_letter_pdf_is_signed(api, enrollment_settings):
    await api.monitor()
    app = await api.participant()
    app_id, ruc = app["id"], app["company"]["ruc"]
    await api.ok("POST", f"/applications/{app_id}/commitment-letter", api.officer)
    r = await api.call("GET", f"/applications/{app_id}/commitment-letter/document", api.company(ruc))
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/pdf"
    read = read_pdf(r.content, "commitment-letter")
    assert pdf_page_size_mm(read.pdf) == (210, 297)
    text = " ".join(read.text.split())
    assert "Carta de compromiso" in text and ruc in text and "8 aspectos y 112 requisitos" in text
    claims = verify_with_jwks(read.token, await gateway_jwks(enrollment_settings))
    assert claims["typ"] == "commitment_letter" and claims["ruc"] == ruc and claims["signed"] is None
