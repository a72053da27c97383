"""Certificate verification for buyers: the status, the holder's name, the dates, nothing else."""

from __future__ import annotations

from datetime import timedelta

from shared.testing import eventually
from tests.integration.catalog import events as ev

ALLOWED_KEYS = {"status", "holder_name", "issued_on", "expires_on"}


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
        "status": "valid",
        "holder_name": "Quinua Real S.A.C.",
        "issued_on": cert.issued_on.isoformat(),
        "expires_on": cert.expires_on.isoformat(),
    }


async def _known(client, number: str) -> dict | None:
    body = await verified(client, number)
    return body if body["status"] != "unknown" else None


async def test_an_unknown_number_answers_200_unknown_with_nothing_else(client):
    body = await verified(client, "BPE-NO-EXISTE-0000")
    assert body == {"status": "unknown", "holder_name": None, "issued_on": None, "expires_on": None}


async def test_suspended_and_withdrawn_certificates_say_so(client, catalog_settings):
    cert = ev.issued(ev.new_ruc(), "Suspendida S.A.")
    await ev.publish(catalog_settings, cert, ev.suspended(cert))
    await eventually(lambda: _status_is(client, cert.certificate_number, "suspended"), message="suspended")
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


async def test_verification_needs_no_login_and_is_marked_public(client, catalog_app):
    assert (await client.get(url("X-1"))).status_code == 200
    operation = catalog_app.openapi()["paths"][
        "/api/v1/catalog/certificates/{certificate_number}/verification"
    ]
    assert operation["get"]["x-roles"] == ["public"]
