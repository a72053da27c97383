"""The public pages (server-rendered): language, verification answers, search, signed QR tokens."""

from __future__ import annotations

from services.catalog.i18n import choose_language
from shared.certificate_number import certificate_number
from shared.documents import DocumentSettings, load_keys
from tests.integration.catalog import events as ev
from tests.support.testing import eventually


def test_spanish_by_default_english_when_preferred_and_the_switch_wins():
    assert choose_language(None, "") == "es"
    assert choose_language(None, "en-GB,en;q=0.9,es;q=0.5") == "en"
    assert choose_language(None, "es-PE,es;q=0.9,en;q=0.8") == "es"
    assert choose_language(None, "fr-FR,de;q=0.9") == "es"
    assert choose_language("es", "en-GB,en;q=0.9") == "es"


async def _listed(client, ruc: str) -> bool:
    return (await client.get(f"/api/v1/catalog/organisations/{ruc}")).status_code == 200


async def test_the_verification_page_answers_in_the_buyers_language(client, catalog_settings):
    ruc = ev.new_ruc()
    cert = ev.issued(ruc, "Café Orgánico del Sur S.A.C.")
    await ev.publish(catalog_settings, ev.registered(ruc, "Café Orgánico del Sur S.A.C."), cert)
    await eventually(lambda: _listed(client, ruc), message="listed")
    page = await client.get(f"/verificar/{cert.certificate_number.lower()}")
    assert page.status_code == 200 and page.headers["content-language"] == "es"
    assert "Vigente" in page.text and "Café Orgánico del Sur S.A.C." in page.text and 'lang="es"' in page.text
    english = await client.get(f"/verificar/{cert.certificate_number}", headers={"Accept-Language": "en"})
    assert "Valid" in english.text and english.headers["content-language"] == "en"
    switched = await client.get(
        f"/verificar/{cert.certificate_number}?lang=es", headers={"Accept-Language": "en"}
    )
    assert "Vigente" in switched.text
    bad = await client.get(
        f"/verificar/{cert.certificate_number[:-1]}{'A' if cert.certificate_number[-1] != 'A' else 'B'}"
    )
    assert bad.status_code == 422 and "letra de control" in bad.text
    unknown = await client.get(f"/verificar/{certificate_number(2099, 77)}")
    assert unknown.status_code == 404 and "No encontrado" in unknown.text
    assert ruc not in page.text  # holder, scope, dates: the RUC is not part of the answer


async def test_the_qr_token_is_checked_and_the_live_status_shown(client, catalog_settings):
    cert = ev.issued(ev.new_ruc(), "Quinua Andina S.A.C.")
    await ev.publish(catalog_settings, cert, ev.suspended(cert))
    await eventually(lambda: _suspended(client, cert.certificate_number), message="suspension known")
    settings = DocumentSettings()
    token = load_keys(settings).sign(
        {"typ": "certificate", "num": cert.certificate_number, "holder": "Quinua Andina S.A.C."}
    )
    page = await client.get("/verificar", params={"t": token})
    assert page.status_code == 200 and "Firma digital válida" in page.text and "Suspendido" in page.text
    forged = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    refused = await client.get("/verificar", params={"t": forged})
    assert refused.status_code == 422 and "no es válida" in refused.text


async def _suspended(client, number: str) -> bool:
    return (await client.get(f"/api/v1/catalog/certificates/{number}/verification")).json()[
        "status"
    ] == "suspended"


async def test_search_with_and_without_accents_and_the_organisation_page(client, catalog_settings):
    ruc, word = ev.new_ruc(), ev.token()
    await ev.publish(
        catalog_settings,
        ev.registered(ruc, f"Cerámica Ñandú {word} S.A.C.", products=["cerámica"], region="Cusco"),
        ev.issued(ruc, f"Cerámica Ñandú {word} S.A.C."),
    )
    await eventually(lambda: _listed(client, ruc), message="listed")
    for q in (f"cerámica {word}", f"ceramica {word}", f"CERAMICA nandu {word}"):
        page = await client.get("/catalogo", params={"q": q})
        assert page.status_code == 200 and f"/catalogo/{ruc}" in page.text, q
    organisation = await client.get(f"/catalogo/{ruc}", headers={"Accept-Language": "en"})
    assert organisation.status_code == 200 and "Valid" in organisation.text and "Cusco" in organisation.text
    assert (await client.get("/catalogo/20000000000")).status_code == 404
    css = await client.get("/catalogo/estilo.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
