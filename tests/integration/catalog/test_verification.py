"""Certificate verification for buyers: the status, the holder's name, the dates, nothing else."""

from __future__ import annotations

from datetime import timedelta

from shared.certificate_number import certificate_number
from shared.clock import LIMA
from tests.integration.catalog import events as ev
from tests.support.testing import eventually

ALLOWED_KEYS = {
    "certificate_number",
    "status",
    "status_since",
    "holder_name",
    "scope",
    "issued_on",
    "expires_on",
    "mark_licence",
}
UNKNOWN = {k: None for k in ALLOWED_KEYS} | {"status": "unknown"}


def clock_lima(at):
    return at.astimezone(LIMA).date()


def url(number: str) -> str:
    return f"/api/v1/catalog/certificates/{number}/verification"


async def verified(client, number: str) -> dict:
    response = await client.get(url(number))
    assert response.status_code == 200, response.text
    return response.json()


async def test_a_valid_certificate_reveals_only_status_holder_and_dates(client, catalog_settings):
    ruc = ev.new_ruc()
    cert = ev.issued(ruc, "Quinua Real S.A.C.")
    await ev.publish(
        catalog_settings,
        ev.registered(
            ruc, "Quinua Real S.A.C.", website="https://quinua.pe", products=["quinua"], women_led=True
        ),
        cert,
    )
    body = await eventually(lambda: _known(client, cert.certificate_number), message="certificate known")
    assert set(body) == ALLOWED_KEYS
    assert body == {
        "certificate_number": cert.certificate_number,
        "status": "valid",
        "status_since": cert.issued_on.isoformat(),
        "holder_name": "Quinua Real S.A.C.",
        "scope": {
            "standard": "Buenas Prácticas de Ecoeficiencia Perú",
            "standard_version": cert.standard_version,
            "certification_body": cert.body_name,
        },
        "issued_on": cert.issued_on.isoformat(),
        "expires_on": cert.expires_on.isoformat(),
        "mark_licence": {"status": "granted", "valid_until": cert.expires_on.isoformat()},
    }
    # RUC, website, products, women-led: none of it leaks.
    text = str(body)
    assert ruc not in text and "quinua.pe" not in text


async def _known(client, number: str) -> dict | None:
    body = await verified(client, number)
    return body if body["status"] != "unknown" else None


async def test_an_unknown_well_formed_number_answers_200_unknown_with_nothing_else(client):
    never = certificate_number(2099, 999_999_999)
    assert await verified(client, never) == UNKNOWN | {"certificate_number": never}


async def test_the_number_is_read_as_a_person_types_it(client, catalog_settings):
    cert = ev.issued(ev.new_ruc(), "Cacao Fino S.A.C.")
    await ev.publish(catalog_settings, cert)
    await eventually(lambda: _known(client, cert.certificate_number), message="certificate known")
    number = cert.certificate_number
    for typed in (number.lower(), f"  {number} ", number.replace("-", " "), number.replace("-", "").lower()):
        body = await verified(client, typed)
        assert body["status"] == "valid" and body["certificate_number"] == number, typed


async def test_a_malformed_number_or_a_wrong_check_letter_is_a_422_that_says_which(client):
    good = certificate_number(2026, 4)
    wrong_letter = good[:-1] + ("A" if good[-1] != "A" else "B")
    wrong_digit = good.replace("000004", "000005")[:-1] + good[-1]
    for number, rule in (
        ("XYZ", "certificate_number.malformed"),
        ("BPE-26-4-Q", "certificate_number.malformed"),
        (wrong_letter, "certificate_number.check_letter"),
        (wrong_digit, "certificate_number.check_letter"),
    ):
        response = await client.get(url(number))
        assert response.status_code == 422, (number, response.text)
        assert response.headers["content-type"] == "application/problem+json"
        assert (
            response.json()["rule"] == rule and response.json()["errors"][0]["field"] == "certificate_number"
        )
    spanish = await client.get(url(wrong_letter), headers={"Accept-Language": "es"})
    assert "letra de control" in spanish.json()["detail"]


async def test_suspended_and_withdrawn_certificates_say_so(client, catalog_settings):
    cert = ev.issued(ev.new_ruc(), "Suspendida S.A.")
    suspension = ev.suspended(cert)
    await ev.publish(catalog_settings, cert, suspension)
    await eventually(lambda: _status_is(client, cert.certificate_number, "suspended"), message="suspended")
    body = await verified(client, cert.certificate_number)
    assert body["status_since"] == clock_lima(suspension.suspended_at).isoformat()
    assert body["mark_licence"]["status"] == "suspended"  # no mark while the certificate is suspended
    await ev.publish(catalog_settings, ev.withdrawn(cert))
    await eventually(lambda: _status_is(client, cert.certificate_number, "withdrawn"), message="withdrawn")
    assert set(await verified(client, cert.certificate_number)) == ALLOWED_KEYS


async def _status_is(client, number: str, status: str) -> bool:
    return (await verified(client, number))["status"] == status


async def test_a_certificate_reads_expired_on_its_expiry_date_in_lima_before_any_expiry_event(
    client, catalog_settings, clock
):
    cert = ev.issued(ev.new_ruc(), "Por Vencer S.A.")
    await ev.publish(catalog_settings, cert)
    await eventually(lambda: _status_is(client, cert.certificate_number, "valid"), message="valid")
    days_left = (cert.expires_on - clock.today()).days
    clock.advance(timedelta(days=days_left))
    assert (await verified(client, cert.certificate_number))["status"] == "expired"
    clock.reset()
    assert (await verified(client, cert.certificate_number))["status"] == "valid"


async def test_the_mark_licence_is_shown_on_its_own(client, catalog_settings):
    cert = ev.issued(ev.new_ruc(), "Marca Propia S.A.")
    await ev.publish(catalog_settings, cert, ev.mark_licence(cert, "granted"))
    await eventually(lambda: _known(client, cert.certificate_number), message="certificate known")
    await ev.publish(catalog_settings, ev.mark_licence(cert, "suspended", later=1))
    await eventually(
        lambda: _mark_is(client, cert.certificate_number, "suspended"), message="mark licence suspended"
    )
    body = await verified(client, cert.certificate_number)
    assert body["status"] == "valid" and body["mark_licence"]["status"] == "suspended"
    # An older change arriving late does not undo the newer one.
    await ev.publish(catalog_settings, ev.mark_licence(cert, "granted", later=-5))
    organisation = await client.get(f"/api/v1/catalog/organisations/{cert.ruc}")
    assert organisation.json()["certificate"]["mark_licence"] == "suspended"
    assert (await verified(client, cert.certificate_number))["mark_licence"]["status"] == "suspended"


async def _mark_is(client, number: str, status: str) -> bool:
    return ((await verified(client, number)).get("mark_licence") or {}).get("status") == status


async def test_verification_needs_no_login_and_is_marked_public(client, catalog_app):
    assert (await client.get(url(certificate_number(2099, 1)))).status_code == 200
    operation = catalog_app.openapi()["paths"][
        "/api/v1/catalog/certificates/{certificate_number}/verification"
    ]
    assert operation["get"]["x-roles"] == ["public"]
