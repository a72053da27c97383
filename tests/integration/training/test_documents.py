"""The certificate of attendance as a PDF: its text, its QR decoded from the page, the signature."""

from __future__ import annotations

from shared.auth import Role
from shared.documents.keys import verify_with_jwks
from tests.integration.training.conftest import API, create_session, new_dni, report, upload
from tests.support.documents import gateway_jwks, pdf_page_size_mm, read_pdf


async def test_the_attendance_certificate_pdf_is_signed(
    client, officer, as_role, make_cohort, training_settings
):
    kit = await make_cohort(1)
    company = kit.companies[0]
    person = {"dni": new_dni(), "full_name": "María Huamán Rojas", "gender": "female"}
    attendee = (
        await client.post(
            f"{API}/participants/{company.participant_id}/attendees", json=person, headers=officer
        )
    ).json()
    held = await create_session(client, officer, kit.cohort_id, 4)
    await upload(
        client, officer, held["session_id"], report([("M", None, None, 55, person["dni"], company.ruc)])
    )
    r = await client.get(
        f"{API}/attendees/{attendee['attendee_id']}/certificate/document",
        headers=as_role(Role.company, ruc=company.ruc),
    )
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/pdf"
    read = read_pdf(r.content, "attendance-certificate")
    assert pdf_page_size_mm(read.pdf) == (210, 297)
    text = " ".join(read.text.split())
    assert "CONSTANCIA DE ASISTENCIA" in text and "María Huamán Rojas" in text and "Taller 4" in text
    claims = verify_with_jwks(read.token, await gateway_jwks(training_settings))
    assert claims["typ"] == "attendance" and claims["name"] == "María Huamán Rojas"
    assert claims["workshops"] == [4] and claims["ruc"] == company.ruc
    assert person["dni"] not in read.token  # no DNI in the payload anyone can read from the QR
