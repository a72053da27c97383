"""The API docs render in a real browser with no internet: every asset comes from the platform.

Headless Chromium (tests/support/browser.py) is offline: any request to another host fails. The
page is opened through nginx, exactly as a front-end developer opens it.
"""

from __future__ import annotations

import pytest

from tests.support.browser import Browser
from tests.support.openapi import served_document

pytestmark = pytest.mark.e2e


def test_the_docs_list_every_operation_offline(stack, browser: Browser) -> None:
    doc = served_document(stack.gateway_url)
    methods = ("get", "post", "put", "patch", "delete")
    operations = sum(1 for item in doc["paths"].values() for method in item if method in methods)
    assert operations > 100
    # OpenAPI 3.1 `webhooks` (what the platform sends to partners) render as operations too.
    webhooks = sum(1 for item in doc.get("webhooks", {}).values() for method in item if method in methods)
    assert webhooks > 0
    operations += webhooks

    browser.get(f"{stack.gateway_url}/docs")
    blocks = browser.wait_for(".opblock", min_count=operations, timeout=90)
    shot = browser.screenshot("docs-offline")

    assert len(blocks) == operations
    assert shot.stat().st_size > 10_000, "a blank page makes a tiny PNG"
    assert browser.find_element("css selector", ".info .title").text.startswith("Ecoeficiencia Platform API")
    loaded = browser.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    assert loaded and all(url.startswith(stack.gateway_url + "/") for url in loaded), loaded
    # No script refused, no policy violation, nothing failed to load.
    assert browser.console_errors() == []
