"""The public catalogue follows the certificate lifecycle, fed only by events on real Kafka."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.integration.catalog import events as ev
from tests.support.testing import eventually

ORGS = "/api/v1/catalog/organisations"


async def listed(client, q: str, **params) -> list[dict]:
    response = await client.get(ORGS, params={"q": q, **params})
    assert response.status_code == 200, response.text
    return response.json()["data"]


async def page_status(client, ruc: str) -> str | None:
    response = await client.get(f"{ORGS}/{ruc}")
    return response.json()["certificate"]["status"] if response.status_code == 200 else None


async def test_company_appears_when_certified_and_leaves_the_listing_when_suspended_then_withdrawn(
    client, catalog_settings
):
    ruc, word = ev.new_ruc(), ev.token()
    cert = ev.issued(ruc, "Textiles Andinos S.A.C.")
    await ev.publish(
        catalog_settings,
        ev.registered(ruc, "Textiles Andinos S.A.C.", products=[f"chompas {word}"], region="Puno"),
    )
    await ev.publish(catalog_settings, cert)
    found = await eventually(lambda: listed(client, word), message="certified company listed")
    assert [o["ruc"] for o in found] == [ruc]
    assert found[0]["certificate"] == {
        "number": cert.certificate_number,
        "status": "valid",
        "issued_on": cert.issued_on.isoformat(),
        "expires_on": cert.expires_on.isoformat(),
        "body_name": "Certificadora Andina",
        "mark_licence": "granted",
    }
    assert found[0]["region"] == "Puno" and found[0]["products"] == [f"chompas {word}"]

    await ev.publish(catalog_settings, ev.suspended(cert))
    await eventually(lambda: page_status_is(client, ruc, "suspended"), message="page shows suspended")
    assert await listed(client, word) == []
    assert [o["ruc"] for o in await listed(client, word, certificate_status="suspended")] == [ruc]

    await ev.publish(catalog_settings, ev.withdrawn(cert))
    await eventually(lambda: page_status_is(client, ruc, "withdrawn"), message="page shows withdrawn")
    assert await listed(client, word, certificate_status="suspended") == []
    assert [o["ruc"] for o in await listed(client, word, certificate_status="withdrawn")] == [ruc]


async def page_status_is(client, ruc: str, status: str) -> bool:
    return await page_status(client, ruc) == status


async def test_certificate_before_the_company_snapshot_converges_to_the_full_profile(
    client, catalog_settings
):
    ruc, word = ev.new_ruc(), ev.token()
    cert = ev.issued(ruc, "Holder Name From Certificate")
    await ev.publish(catalog_settings, cert)
    await eventually(
        lambda: page_status_is(client, ruc, "valid"), message="listed from the certificate alone"
    )
    page = (await client.get(f"{ORGS}/{ruc}")).json()
    assert page["name"] == "Holder Name From Certificate" and page["region"] is None

    await ev.publish(
        catalog_settings,
        ev.registered(
            ruc, "Cacao del Valle E.I.R.L.", trade_name=f"Valle {word}", region="San Martín", women_led=True
        ),
    )
    found = await eventually(lambda: listed(client, word), message="snapshot merged into the entry")
    assert found[0]["name"] == "Cacao del Valle E.I.R.L."
    assert found[0]["women_led"] is True and found[0]["region"] == "San Martín"


async def test_a_suspension_read_before_its_issue_still_ends_suspended(client, catalog_settings):
    ruc = ev.new_ruc()
    cert = ev.issued(ruc, "Orden Inverso S.A.")
    await ev.publish(catalog_settings, ev.suspended(cert))
    await ev.publish(catalog_settings, cert)
    await eventually(lambda: page_status_is(client, ruc, "suspended"), message="suspended despite the order")


async def test_expiry_event_shows_expired_and_a_renewal_brings_the_company_back(client, catalog_settings):
    ruc, word = ev.new_ruc(), ev.token()
    today = ev.lima_today()
    old = ev.issued(
        ruc, "Renovada S.A.", issued_on=today - timedelta(days=731), expires_on=today - timedelta(days=1)
    )
    await ev.publish(catalog_settings, ev.registered(ruc, f"Renovada {word} S.A."), old, ev.expired(old))
    await eventually(lambda: page_status_is(client, ruc, "expired"), message="expired")
    assert await listed(client, word) == []

    renewal = ev.issued(ruc, "Renovada S.A.", issued_on=today)
    await ev.publish(catalog_settings, renewal)
    found = await eventually(lambda: listed(client, word), message="renewed certificate listed")
    assert found[0]["certificate"]["number"] == renewal.certificate_number


async def test_an_older_snapshot_arriving_late_does_not_overwrite_a_newer_one(
    catalog_app, client, catalog_settings
):
    ruc, word = ev.new_ruc(), ev.token()
    now = datetime.now(UTC)
    newer = ev.envelope(ev.updated(ruc, f"Nombre Nuevo {word}"), occurred_at=now)
    older = ev.envelope(ev.registered(ruc, f"Nombre Viejo {word}"), occurred_at=now - timedelta(days=30))
    certificate = ev.envelope(ev.issued(ruc, "Titular"), occurred_at=now)
    await ev.publish_envelopes(catalog_settings, newer, older, certificate)
    await eventually(lambda: ev.all_processed(catalog_app, newer, older, certificate), message="all applied")
    found = await listed(client, word)
    assert [o["name"] for o in found] == [f"Nombre Nuevo {word}"]


async def test_the_same_event_delivered_twice_is_applied_once(catalog_app, client, catalog_settings):
    ruc = ev.new_ruc()
    envelope = ev.envelope(ev.issued(ruc, "Dos Veces S.A."), occurred_at=datetime.now(UTC))
    before = catalog_app.state.consumer.stats.duplicates
    await ev.publish_envelopes(catalog_settings, envelope, envelope)
    await eventually(
        lambda: catalog_app.state.consumer.stats.duplicates > before, message="duplicate skipped"
    )
    assert await page_status(client, ruc) == "valid"
