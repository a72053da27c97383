"""The public pages in a real browser, through nginx (issue 14).

Headless Chromium (tests/support/browser.py) searches the catalogue with and without
accents, opens an organisation, verifies a valid and a suspended certificate (the second
typed in lower case, the way a person types), lands on the page a document's QR opens,
and saves a screenshot of each page (``.local/artefacts/pages-*.png``), also at phone width.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import httpx
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from shared.certificate_number import certificate_number
from shared.documents import load_keys
from shared.documents.keys import verify_with_jwks
from shared.events.contracts import audit, enrollment
from shared.ruc import complete_ruc
from tests.e2e.conftest import E2E_DATABASE, E2E_NAMESPACE
from tests.support.testing import publish_event, wait_until


def _ruc() -> str:
    return complete_ruc("20" + uuid.uuid4().int.__str__()[:8])


def _issue(ruc: str, name: str, today: date) -> audit.CertificateIssued:
    return audit.CertificateIssued(
        certificate_id=uuid.uuid4(),
        certificate_number=certificate_number(today.year, 10**7 + uuid.uuid4().int % 10**8),
        participant_id=uuid.uuid4(),
        ruc=ruc,
        holder_name=name,
        body_id=uuid.uuid4(),
        body_name="Certificadora Andina S.A.C.",
        standard_version="2026.1",
        issued_on=today,
        expires_on=today + timedelta(days=730),
        mark_use_until=today + timedelta(days=730),
    )


@pytest.fixture(scope="module")
def certified(stack, platform_ready):
    """Two organisations through real events: one valid, one suspended."""
    settings = platform_ready.model_copy(
        update={"kafka_namespace": E2E_NAMESPACE, "pg_database": E2E_DATABASE}
    )
    today = datetime.now(UTC).date()
    word = "zq" + uuid.uuid4().hex[:8]
    valid_ruc, suspended_ruc = _ruc(), _ruc()
    valid_name, suspended_name = f"Café Orgánico {word} S.A.C.", f"Textiles Ñusta {word} S.A."
    valid, suspended = _issue(valid_ruc, valid_name, today), _issue(suspended_ruc, suspended_name, today)
    for ruc, name, cert in ((valid_ruc, valid_name, valid), (suspended_ruc, suspended_name, suspended)):
        publish_event(
            settings,
            enrollment.CompanyRegistered(
                company_id=uuid.uuid4(), ruc=ruc, legal_name=name, region="Cusco", products=["café", "cacao"]
            ),
        )
        publish_event(settings, cert)
    publish_event(
        settings,
        audit.CertificateSuspended(
            certificate_id=suspended.certificate_id,
            certificate_number=suspended.certificate_number,
            ruc=suspended_ruc,
            reason="no conformidad mayor",
            suspended_at=datetime.now(UTC),
        ),
    )

    def seen(number: str, status: str) -> bool:
        r = httpx.get(f"{stack.gateway_url}/api/v1/catalog/certificates/{number}/verification", timeout=5)
        return r.status_code == 200 and r.json()["status"] == status

    wait_until(
        lambda: seen(valid.certificate_number, "valid") and seen(suspended.certificate_number, "suspended")
    )
    return {"word": word, "valid": valid, "suspended": suspended, "valid_ruc": valid_ruc}


def _search(browser, text: str) -> None:
    page = browser.find_element(By.TAG_NAME, "html")
    box = browser.find_element(By.ID, "q")
    box.clear()
    box.send_keys(text, Keys.ENTER)  # the keyboard submits the form
    # The results page replaces this one: until it does, the previous search's results are
    # still there (and go stale under the caller's hands).
    WebDriverWait(browser.driver, 30).until(expected_conditions.staleness_of(page))


def test_search_open_and_verify_in_a_real_browser(browser, stack, certified):
    word = certified["word"]
    # Headless Chromium asks for English (Accept-Language: en-US): the page follows it...
    browser.get(f"{stack.gateway_url}/catalogo")
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"
    # ...and the switch (kept by every link and form) turns it to Spanish.
    browser.find_element(By.ID, "lang-switch").click()
    assert browser.wait_for("html[lang=es]")
    # Every form control has a label.
    for control in browser.find_elements(By.CSS_SELECTOR, "input:not([type=hidden])"):
        assert browser.find_elements(By.CSS_SELECTOR, f"label[for='{control.get_attribute('id')}']")
    # The first Tab reaches the skip link (keyboard users jump to the content).
    browser.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
    assert browser.switch_to.active_element.get_attribute("class") == "skip"

    name = f"Café Orgánico {word} S.A.C."
    _search(browser, f"cafe organico {word}")  # without accents
    assert name in [link.text for link in browser.wait_for("#results a.org")]
    browser.screenshot("pages-catalogue-search-without-accents")
    _search(browser, f"Café Orgánico {word}")  # with accents
    found = [link for link in browser.wait_for("#results a.org") if link.text == name]
    browser.screenshot("pages-catalogue-search-with-accents")

    found[0].click()
    assert browser.wait_for("#org-name")[0].text == f"Café Orgánico {word} S.A.C."
    assert browser.find_element(By.ID, "status").text == "Vigente"
    browser.screenshot("pages-organisation")

    browser.find_element(By.ID, "verify-link").click()
    badge = browser.wait_for("#status strong")[0]
    assert badge.text == "Vigente" and browser.find_element(By.ID, "holder").text.startswith("Café Orgánico")
    assert browser.find_element(By.ID, "mark").text == "Otorgada"
    browser.screenshot("pages-verification-valid")
    browser.find_element(By.ID, "lang-switch").click()
    assert browser.wait_for("html[lang=en]")  # the English page has replaced the Spanish one
    assert browser.wait_for("#status strong")[0].text == "Valid"
    browser.screenshot("pages-verification-valid-english")

    browser.get(f"{stack.gateway_url}/verificar?lang=es")
    number = browser.find_element(By.ID, "numero")
    number.send_keys(f"  {certified['suspended'].certificate_number.lower()} ", Keys.ENTER)
    assert browser.wait_for("#status strong")[0].text == "Suspendido"
    assert "desde el" in browser.find_element(By.ID, "status").text
    browser.screenshot("pages-verification-suspended")
    browser.set_window_size(390, 844)  # a phone
    browser.screenshot("pages-verification-suspended-phone")
    width = browser.execute_script("return document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways on a phone ({width}px)"


def test_the_qr_lands_on_a_page_that_checks_the_signature(browser, stack, certified):
    valid = certified["valid"]
    token = load_keys(env="test").sign(
        {"typ": "certificate", "num": valid.certificate_number, "holder": valid.holder_name}
    )
    browser.get(f"{stack.gateway_url}/verificar?lang=es&t={token}")
    assert "Firma digital válida" in browser.wait_for("#signature")[0].text
    assert browser.wait_for("#status strong")[0].text == "Vigente"
    browser.screenshot("pages-qr-landing")
    jwks = httpx.get(f"{stack.gateway_url}/.well-known/jwks.json", timeout=5)
    assert jwks.status_code == 200 and jwks.headers["content-type"].startswith("application/jwk-set+json")
    assert all("d" not in key for key in jwks.json()["keys"])  # public halves only
    assert verify_with_jwks(token, jwks.json())["num"] == valid.certificate_number
