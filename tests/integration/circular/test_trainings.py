"""People trained in a methodology and their certificates (PDF with a signed QR, read like a phone)."""

from __future__ import annotations

from shared.auth import Role
from shared.documents.keys import verify_with_jwks
from tests.integration.circular.conftest import API
from tests.support.documents import gateway_jwks, read_pdf

ECOCANVAS = {
    "methodology": "ecocanvas",
    "title": "Formación de especialistas CITE en ecocanvas",
    "node": "lima",
    "organiser": "PRODUCE con GIZ",
    "starts_on": "2023-08-07",
    "ends_on": "2023-08-18",
    "hours": 40,
}


async def test_a_trained_specialist_gets_a_certificate_others_are_told_why_not(
    client, officer, circular_settings
):
    body = ECOCANVAS | {
        "trainees": [
            {
                "full_name": "Milagros Ccori Huamán",
                "dni": "40111222",
                "gender": "female",
                "kind": "specialist",
                "institution": "CITEccal Lima",
                "hours_attended": 36,
            },
            {
                "full_name": "José Paredes",
                "gender": "male",
                "kind": "public_official",
                "institution": "PRODUCE",
                "hours_attended": 20,
            },
        ]
    }
    created = await client.post(f"{API}/trainings", json=body, headers=officer)
    assert created.status_code == 201, created.text
    training = created.json()
    by_name = {t["full_name"]: t for t in training["trainees"]}
    assert by_name["Milagros Ccori Huamán"]["trained"] is True  # 36 of 40 h >= 80 %
    assert by_name["José Paredes"]["trained"] is False  # 20 of 40 h

    refused = await client.get(f"{API}/trainees/{by_name['José Paredes']['id']}/certificate", headers=officer)
    assert refused.status_code == 422 and refused.json()["rule"] == "circular.not_trained"

    response = await client.get(
        f"{API}/trainees/{by_name['Milagros Ccori Huamán']['id']}/certificate", headers=officer
    )
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    pdf = read_pdf(response.content, "circular-training-certificate")
    assert "CONSTANCIA DE CAPACITACIÓN" in pdf.text and "Ecocanvas" in pdf.text and "40111222" in pdf.text
    claims = verify_with_jwks(pdf.token, await gateway_jwks(circular_settings))
    assert claims["typ"] == "circular_training" and claims["name"] == "Milagros Ccori Huamán"
    assert claims["hours"] == 36

    # The same person again is a correction, not a second trainee.
    corrected = await client.put(
        f"{API}/trainings/{training['id']}/trainees",
        json={
            "trainees": [
                {
                    "full_name": "jose  PAREDES",
                    "gender": "male",
                    "kind": "public_official",
                    "institution": "Produce",
                    "hours_attended": 40,
                }
            ]
        },
        headers=officer,
    )
    assert corrected.status_code == 200, corrected.text
    assert len(corrected.json()["trainees"]) == 2
    assert all(t["trained"] for t in corrected.json()["trainees"])


async def test_hours_beyond_the_training_and_other_roles_are_refused(client, officer, as_role):
    too_many = ECOCANVAS | {
        "trainees": [
            {"full_name": "A", "kind": "specialist", "institution": "CITE", "hours_attended": 41},
        ]
    }
    response = await client.post(f"{API}/trainings", json=too_many, headers=officer)
    assert response.status_code == 422 and response.json()["rule"] == "circular.hours_attended"
    backwards = await client.post(
        f"{API}/trainings", json=ECOCANVAS | {"ends_on": "2023-08-01"}, headers=officer
    )
    assert backwards.status_code == 422
    partner = as_role(Role.partner, scopes=["circular:read", "circular:write"])
    assert (await client.post(f"{API}/trainings", json=ECOCANVAS, headers=partner)).status_code == 403
